package dev.archivist.archive;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Hands what is written to a background thread in 1 MiB chunks through a small bounded queue, so the layer below
 * (hashing each part and the whole archive, writing, fsync at part ends) runs beside the layers above (tar, the
 * compressor's input) instead of after them. A failure below is rethrown on the next write, flush or close.
 * {@link #close()} waits until everything was written and does not close the layer below; the owner finishes it.
 */
public final class PipelinedOutputStream extends OutputStream {
    private static final int CHUNK = 1 << 20;
    private static final byte[] END = new byte[0];

    private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(4);
    /** Written chunks come back for reuse (fresh 1 MiB arrays per chunk kept the collector busy). */
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(6);
    private final OutputStream below;
    private final Thread consumer;
    private volatile Throwable failure;
    private boolean failureThrown;
    private byte[] buffer = new byte[CHUNK];
    private int count;
    private boolean closed;

    public PipelinedOutputStream(OutputStream below, String name) {
        this.below = below;
        this.consumer = new Thread(this::drain, name);
        consumer.setDaemon(true);
        consumer.start();
    }

    private void drain() {
        try {
            while (true) {
                byte[] chunk = queue.take();
                if (chunk == END) {
                    return;
                }
                if (failure == null) {
                    below.write(chunk, 0, chunk.length);
                }
                if (chunk.length == CHUNK) {
                    free.offer(chunk);
                }
            }
        } catch (Throwable t) {
            failure = t;
            queue.clear();
        }
    }

    private void check() throws IOException {
        Throwable t = failure;
        if (t != null) {
            // The failure itself the first time; a new exception wrapping it after that: a try-with-resources whose
            // body and close() threw the same instance failed with "Self-suppression not permitted", and the real
            // reason (say "No space left on device") was lost.
            if (!failureThrown && t instanceof IOException io) {
                failureThrown = true;
                throw io;
            }
            throw new IOException(t.getMessage(), t);
        }
    }

    @Override
    public void write(int b) throws IOException {
        if (count == buffer.length) {
            hand();
        }
        buffer[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (count == buffer.length) {
                hand();
            }
            int n = Math.min(len, buffer.length - count);
            System.arraycopy(b, off, buffer, count, n);
            count += n;
            off += n;
            len -= n;
        }
    }

    private void hand() throws IOException {
        check();
        if (count == 0) {
            return;
        }
        byte[] chunk = count == buffer.length ? buffer : java.util.Arrays.copyOf(buffer, count);
        put(chunk);
        if (chunk == buffer) { // handed over whole: continue in a recycled one
            byte[] reused = free.poll();
            buffer = reused != null ? reused : new byte[CHUNK];
        }
        count = 0;
    }

    private void put(byte[] chunk) throws IOException {
        try {
            while (!queue.offer(chunk, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                check();
                if (!consumer.isAlive()) {
                    throw new IOException("the writer thread stopped");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing");
        }
    }

    /** Passes on what is buffered; does not wait for it to be written (close does). */
    @Override
    public void flush() throws IOException {
        hand();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        hand();
        put(END);
        try {
            consumer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while finishing the write");
        }
        check();
    }

    /**
     * Stops the background thread without writing what is still queued (on failure paths), and waits for it to end: it
     * neither outlives the failed work nor writes into what the caller removes next. The caller's interrupt is kept.
     */
    public void abort() {
        closed = true;
        failure = failure == null ? new IOException("aborted") : failure;
        queue.clear();
        queue.offer(END);
        consumer.interrupt();
        boolean interrupted = false;
        while (consumer.isAlive()) {
            try {
                consumer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
