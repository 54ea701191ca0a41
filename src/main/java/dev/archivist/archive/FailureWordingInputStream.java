package dev.archivist.archive;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.UnaryOperator;

/**
 * A stream whose read and skip failures are handed to a function that says them otherwise (a decoder's own words as
 * the other codecs', a failure to decompress marked as damage): the one place such a rewording wraps a stream.
 */
public final class FailureWordingInputStream extends FilterInputStream {
    private final UnaryOperator<IOException> worded;

    /** {@code in}, each of its failures thrown as {@code worded} says it. */
    public FailureWordingInputStream(InputStream in, UnaryOperator<IOException> worded) {
        super(in);
        this.worded = worded;
    }

    @Override
    public int read() throws IOException {
        try {
            return super.read();
        } catch (IOException e) {
            throw worded.apply(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return super.read(b, off, len);
        } catch (IOException e) {
            throw worded.apply(e);
        }
    }

    @Override
    public long skip(long n) throws IOException {
        try {
            return super.skip(n);
        } catch (IOException e) {
            throw worded.apply(e);
        }
    }
}
