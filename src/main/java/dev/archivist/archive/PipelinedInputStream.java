package dev.archivist.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs the reading of a stream on its own thread, handing 1 MiB chunks through a small bounded queue (memory stays at
 * a few MiB). Restore and verify use it so reading, hashing and decompressing the parts overlaps with parsing the tar
 * stream and writing or hashing files on the other core, as {@code zstd -d | tar -x} does with two processes.
 * Written here because {@link java.io.PipedInputStream} hands over at most 1 KiB at a time and needs a reader thread
 * that stays alive; a failure on the producing side is rethrown to the reader.
 */
public final class PipelinedInputStream extends InputStream {
    private static final int CHUNK = 1 << 20;
    private static final int STEP = 1 << 16;
    private static final byte[] END = new byte[0];

    /** Opens the producing stream on the background thread. */
    @FunctionalInterface
    public interface Source {
        InputStream open() throws IOException;
    }

    /** Runs on the background thread after the source's end was reached (e.g. to drain and check trailing bytes). */
    @FunctionalInterface
    public interface AtEnd {
        void run() throws IOException;
    }

    private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(6);
    private final Thread producer;
    private volatile Throwable failure;
    private volatile boolean closed;
    private byte[] current;
    private int position;
    private boolean ended;

    private PipelinedInputStream(String name, Source source, AtEnd atEnd) {
        producer = new Thread(() -> produce(source, atEnd), name);
        producer.setDaemon(true);
    }

    /** Starts reading {@code source} in the background. */
    public static PipelinedInputStream start(String name, Source source, AtEnd atEnd) {
        PipelinedInputStream in = new PipelinedInputStream(name, source, atEnd);
        in.producer.start();
        return in;
    }

    private void produce(Source source, AtEnd atEnd) {
        byte[] chunk = null;
        int filled = 0;
        try (InputStream in = source.open()) {
            while (!closed) {
                chunk = new byte[CHUNK];
                filled = 0;
                int n;
                // in steps: a decoder that fails (a truncated archive) loses what it decoded in the failing call
                while (filled < CHUNK && (n = in.read(chunk, filled, Math.min(CHUNK - filled, STEP))) > 0) {
                    filled += n;
                }
                byte[] full = chunk;
                chunk = null;
                if (filled > 0) {
                    put(filled == CHUNK ? full : java.util.Arrays.copyOf(full, filled));
                }
                if (filled < CHUNK) {
                    break;
                }
            }
            if (!closed) {
                atEnd.run();
            }
        } catch (Throwable t) {
            failure = t;
            if (chunk != null && filled > 0) { // what was read before the failure is handed over first
                try {
                    put(java.util.Arrays.copyOf(chunk, filled));
                } catch (InterruptedException ignored) {
                    // closing
                }
            }
        }
        try {
            put(END);
        } catch (InterruptedException ignored) {
            // closing
        }
    }

    private void put(byte[] chunk) throws InterruptedException {
        while (!closed && !queue.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
            // wait for the reader
        }
    }

    private boolean fill() throws IOException {
        if (ended) {
            return false;
        }
        if (closed) {
            // the producer stops without an end marker once closed: waiting for one would wait forever
            throw new IOException("stream closed");
        }
        while (current == null || position >= current.length) {
            try {
                current = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading");
            }
            position = 0;
            if (current == END) {
                ended = true;
                if (failure != null) {
                    if (failure instanceof CodecUnavailableException c) { // this machine's problem, not the stream's
                        throw c;
                    }
                    throw failure instanceof IOException io ? io : new IOException(failure.getMessage(), failure);
                }
                return false;
            }
        }
        return true;
    }

    @Override
    public int read() throws IOException {
        return fill() ? current[position++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, current.length - position);
        System.arraycopy(current, position, b, off, n);
        position += n;
        return n;
    }

    /**
     * Reads to the end, so the producer's end action has run and any failure is known. Does nothing once closed
     * (a closed stream's producer stops where it is).
     */
    public void finish() throws IOException {
        if (closed) {
            return;
        }
        byte[] buf = new byte[CHUNK];
        while (read(buf, 0, buf.length) >= 0) {
            // discard
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        queue.clear();
        try {
            producer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
