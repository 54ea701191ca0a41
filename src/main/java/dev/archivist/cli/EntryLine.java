package dev.archivist.cli;

import dev.archivist.Printable;
import dev.archivist.archive.IndexEntry;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One index entry as a line of {@code archivist ls}, as {@code tar -tv} shows it: type and permissions ({@code h} for
 * a hard link), size (0 for a hard link, which stores no content of its own), modification time (UTC, as
 * {@code archivist list}), path (a folder's with a trailing {@code /}), and a link's target. Names are escaped as GNU
 * tar escapes them in a UTF-8 locale ({@code \n}, {@code \a}, {@code \\}, other control and line-separator characters
 * and Unicode's noncharacters as the octal bytes of their UTF-8), so that one entry is always one line; {@code --json}
 * gives names exactly.
 */
final class EntryLine {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final int SIZE_WIDTH = 13;

    private EntryLine() {
    }

    static String of(IndexEntry e) {
        StringBuilder b = new StringBuilder(e.path().length() + 64);
        b.append(mode(e));
        // a hard link stores no content of its own: tar -tv shows it with size 0
        String size = IndexEntry.HARDLINK.equals(e.type()) ? "0" : Long.toString(e.size());
        b.append(" ".repeat(Math.max(1, SIZE_WIDTH - size.length()))).append(size);
        b.append("  ").append(time(e.mtime())).append("  ");
        escape(e.path(), b);
        if (IndexEntry.DIR.equals(e.type())) {
            b.append('/');
        } else if (IndexEntry.SYMLINK.equals(e.type())) {
            escape(e.link() == null ? "" : e.link(), b.append(" -> "));
        } else if (IndexEntry.HARDLINK.equals(e.type())) {
            escape(e.link() == null ? "" : e.link(), b.append(" link to "));
        }
        return b.toString();
    }

    /** {@code drwxr-xr-x}: the type ({@code -} file, {@code h} hard link, {@code d}, {@code l}) and the mode bits. */
    static String mode(IndexEntry e) {
        char type = switch (e.type()) {
            case IndexEntry.DIR -> 'd';
            case IndexEntry.SYMLINK -> 'l';
            case IndexEntry.HARDLINK -> 'h';
            default -> '-';
        };
        int m;
        try {
            m = e.permissions();
        } catch (RuntimeException unreadable) {
            return type + "?????????";
        }
        char[] c = {type, 'r', 'w', 'x', 'r', 'w', 'x', 'r', 'w', 'x'};
        for (int i = 0; i < 9; i++) {
            if ((m & (0400 >> i)) == 0) {
                c[i + 1] = '-';
            }
        }
        c[3] = special(m, 04000, c[3], 's');
        c[6] = special(m, 02000, c[6], 's');
        c[9] = special(m, 01000, c[9], 't');
        return new String(c);
    }

    /** The set-id or sticky bit shown in the execute column: lower case over x, upper case over -. */
    private static char special(int mode, int bit, char execute, char letter) {
        if ((mode & bit) == 0) {
            return execute;
        }
        return execute == 'x' ? letter : Character.toUpperCase(letter);
    }

    static String time(long epochMillis) {
        return TIME.format(Instant.ofEpochMilli(epochMillis));
    }

    /** The name a line of {@link #escape} shows; see {@link Printable#unescape}. */
    static String unescape(String shown) {
        return Printable.unescape(shown);
    }

    /** Appends {@code s} escaped as GNU tar's default quoting does in a UTF-8 locale. */
    static void escape(String s, StringBuilder b) {
        Printable.escape(s, b, true);
    }
}
