package dev.archivist.restore;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.function.BooleanSupplier;

/**
 * The archive stream of a restore that ends, at its next read, once the process is stopping (SIGTERM, Ctrl-C): what
 * was extracted into staging is then removed before the process exits, and nothing is switched in. Cooperative rather
 * than by interrupting the thread: an interrupt would also land in the switch (renames, the database copy) that must
 * run to its end once begun.
 */
public final class StopAwareInputStream extends FilterInputStream {
    private final BooleanSupplier stopping;

    public StopAwareInputStream(InputStream in, BooleanSupplier stopping) {
        super(in);
        this.stopping = stopping;
    }

    /** Thrown by a read once the process is stopping; a restore passes it on without draining or checking the rest. */
    public static final class Stopped extends InterruptedIOException {
        Stopped() {
            super("stopped before anything was switched in");
        }
    }

    private void check() throws Stopped {
        if (stopping.getAsBoolean()) {
            throw new Stopped();
        }
    }

    @Override
    public int read() throws IOException {
        check();
        return super.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        check();
        return super.read(b, off, len);
    }

    @Override
    public long skip(long n) throws IOException {
        check();
        return super.skip(n);
    }
}
