package dev.archivist.cli;

import dev.archivist.config.Redactor;
import java.io.IOException;
import java.io.Writer;

/**
 * Passes text on a line at a time with every recognisable secret masked ({@link Redactor#redact}), as the log lines
 * are: a path or a URL that a command prints (a folder named {@code token=…}, a password in a URL) reads as it does in
 * the logs and in {@code config}. {@code \r} ends a line as {@code \n} does; a flush passes an unfinished line on too,
 * so a prompt is shown before its answer is read. Not for JSON, whose string values {@link RedactingJsonGenerator}
 * masks without touching the quotes around them.
 */
final class RedactingWriter extends Writer {
    private final Writer out;
    private final StringBuilder line = new StringBuilder();

    RedactingWriter(Writer out) {
        super(out);
        this.out = out;
    }

    @Override
    public void write(char[] chars, int offset, int length) throws IOException {
        synchronized (lock) {
            int from = offset;
            int end = offset + length;
            for (int i = offset; i < end; i++) {
                if (chars[i] == '\n' || chars[i] == '\r') {
                    line.append(chars, from, i + 1 - from);
                    from = i + 1;
                    passLine();
                }
            }
            line.append(chars, from, end - from);
        }
    }

    @Override
    public void flush() throws IOException {
        synchronized (lock) {
            passLine();
            out.flush();
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (lock) {
            passLine();
            out.close();
        }
    }

    private void passLine() throws IOException {
        if (line.length() > 0) {
            String text = line.toString();
            line.setLength(0);
            out.write(Redactor.redact(text));
        }
    }
}
