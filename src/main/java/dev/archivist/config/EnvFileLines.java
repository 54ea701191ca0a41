package dev.archivist.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines of a {@code .env} file, decoded one by one. {@link Files#readAllLines} decodes the whole file at once, so
 * one byte that is not UTF-8 (a Latin-1 comment the application wrote into a shared file) failed every command, and it
 * keeps a UTF-8 byte-order mark, which then became part of the first variable's name. Here a leading byte-order mark is
 * dropped, lines end at {@code \n}, {@code \r\n} or {@code \r} (as {@code readAllLines} and Python's universal
 * newlines), and a line that is not valid UTF-8 is decoded with replacement characters and marked, so the parser can
 * report it where it is and go on with the next one. A file holding a NUL byte is refused whole ({@link NotText}): a
 * text file has none, and a UTF-16 one (Windows' "Unicode", PowerShell 5's {@code >}) has one in every ASCII
 * character, so that no line would read as a setting and the commands would quietly run on the defaults.
 */
record EnvFileLines(List<String> lines, List<Boolean> invalid) {

    static EnvFileLines read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        for (byte b : bytes) {
            if (b == 0) {
                throw new NotText(bytes.length >= 2 && ((bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xFE
                        || (bytes[0] & 0xFF) == 0xFE && (bytes[1] & 0xFF) == 0xFF)
                        ? "it is UTF-16 (it starts with a UTF-16 byte-order mark): save it as UTF-8"
                        : "it holds NUL bytes (a UTF-16 file without a byte-order mark?): save it as UTF-8 text");
            }
        }
        int start = bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF
                ? 3 : 0;
        List<String> lines = new ArrayList<>();
        List<Boolean> invalid = new ArrayList<>();
        int lineStart = start;
        for (int i = start; i < bytes.length; i++) {
            if (bytes[i] == '\n' || bytes[i] == '\r') {
                add(bytes, lineStart, i, lines, invalid);
                if (bytes[i] == '\r' && i + 1 < bytes.length && bytes[i + 1] == '\n') {
                    i++;
                }
                lineStart = i + 1;
            }
        }
        if (lineStart < bytes.length) { // a last line without a line break; none after a final break (readAllLines)
            add(bytes, lineStart, bytes.length, lines, invalid);
        }
        return new EnvFileLines(List.copyOf(lines), List.copyOf(invalid));
    }

    private static void add(byte[] bytes, int from, int to, List<String> lines, List<Boolean> invalid) {
        CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            lines.add(strict.decode(ByteBuffer.wrap(bytes, from, to - from)).toString());
            invalid.add(false);
        } catch (CharacterCodingException e) {
            lines.add(new String(bytes, from, to - from, StandardCharsets.UTF_8));
            invalid.add(true);
        }
    }

    /** A file that is not text in UTF-8 at all, with what to do about it. */
    static final class NotText extends IOException {
        NotText(String message) {
            super(message);
        }
    }

    boolean isInvalid(int index) {
        return invalid.get(index);
    }
}
