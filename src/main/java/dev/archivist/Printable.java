package dev.archivist;

import java.nio.charset.StandardCharsets;

/**
 * Text that may hold names from the storage folder, made safe to print on one line: control and line-separator
 * characters and noncharacters escaped as GNU tar and {@code ls} escape them in a UTF-8 locale ({@code \n},
 * {@code \a}, others as the octal bytes of their UTF-8). A name holding a newline or a terminal's escape sequence
 * then stays on the one line it is reported in: it can neither forge another line (of a log, of {@code ls}) nor drive
 * the operator's terminal.
 */
public final class Printable {
    private Printable() {
    }

    /** {@code text} (a failure's reason, a log message) with its control characters escaped, backslashes as they are. */
    public static String controlsEscaped(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(text.length() + 8);
        escape(text, b, false);
        return b.toString();
    }

    /** Appends {@code s} escaped; {@code backslashes} doubles them too, as tar does for names. */
    public static void escape(String s, StringBuilder b, boolean backslashes) {
        for (int i = 0; i < s.length(); i += Character.charCount(s.codePointAt(i))) {
            int ch = s.codePointAt(i);
            switch (ch) {
                case '\\' -> b.append(backslashes ? "\\\\" : "\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                case 0x07 -> b.append("\\a");
                case '\b' -> b.append("\\b");
                case 0x0b -> b.append("\\v");
                case '\f' -> b.append("\\f");
                default -> {
                    if (Character.isISOControl(ch) || ch == '\u2028' || ch == '\u2029' || nonCharacter(ch)) {
                        for (byte u : Character.toString(ch).getBytes(StandardCharsets.UTF_8)) { // not printable: its bytes
                            int v = u & 0xff;
                            b.append('\\').append((char) ('0' + (v >> 6))).append((char) ('0' + ((v >> 3) & 7)))
                                    .append((char) ('0' + (v & 7)));
                        }
                    } else {
                        b.appendCodePoint(ch);
                    }
                }
            }
        }
    }

    /**
     * Unicode's 66 noncharacters ({@code U+FDD0}-{@code U+FDEF} and the last two code points of every plane), which
     * no locale prints: GNU tar shows their bytes. (Code points not assigned yet are printed as they are: which ones
     * those are depends on the Unicode version of the C library and of Java, and escaping a new emoji would be worse.)
     */
    private static boolean nonCharacter(int cp) {
        return (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
    }

    /**
     * The name that {@link #escape} with doubled backslashes (a line of {@code ls}) shows ({@code back\\\\slash} gives {@code back\\slash}); text that is no
     * such escape stays as it is.
     */
    public static String unescape(String shown) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(shown.length());
        int i = 0;
        while (i < shown.length()) {
            int simple = shown.charAt(i) == '\\' && i + 1 < shown.length() ? "\\ntrabvf".indexOf(shown.charAt(i + 1)) : -1;
            if (simple >= 0) {
                bytes.write("\\\n\t\r\u0007\b\u000b\f".charAt(simple));
                i += 2;
            } else if (shown.charAt(i) == '\\' && octal(shown, i + 1)) { // a byte of a name's UTF-8
                bytes.write(Integer.parseInt(shown.substring(i + 1, i + 4), 8));
                i += 4;
            } else {
                int cp = shown.codePointAt(i);
                bytes.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(cp);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static boolean octal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '7') {
                return false;
            }
        }
        return s.charAt(from) <= '3';
    }
}
