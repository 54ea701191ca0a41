package dev.archivist.archive;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Keeps a compressor that caches its first failure (xz, zstd) from throwing that same exception instance
 * again from {@code close()}: try-with-resources would otherwise fail with "Self-suppression not permitted"
 * and hide the real error.
 */
final class ReportOnceOutputStream extends FilterOutputStream {
    private IOException reported;

    ReportOnceOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        try {
            out.write(b);
        } catch (IOException e) {
            throw remember(e);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            throw remember(e);
        }
    }

    @Override
    public void flush() throws IOException {
        try {
            out.flush();
        } catch (IOException e) {
            throw remember(e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            out.close();
        } catch (IOException e) {
            if (e != reported) {
                throw e;
            }
        }
    }

    private IOException remember(IOException e) {
        if (reported == null) {
            reported = e;
        }
        return e;
    }
}
