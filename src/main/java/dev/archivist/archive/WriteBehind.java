package dev.archivist.archive;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;

/**
 * Writes full buffers to a {@link SequentialFile} on a background thread while the caller fills the next one.
 *
 * <p>A direct write ({@code O_DIRECT}) returns only when the device has the bytes: written one after another with the
 * hashing that precedes them, a 530 MB archive kept its writer thread waiting on the disk for ~0.8 s on the machine
 * the benchmark runs on. Here the disk works while the caller hashes and fills the next buffer. The JDK has no
 * asynchronous direct write for files (its {@code AsynchronousFileChannel} on Linux is a thread pool over the same
 * blocking calls), hence this small class. Buffers are direct, aligned to {@link SequentialFile#MAX_ALIGNMENT}; writes
 * keep their order (one thread). The first failure is rethrown by the next {@link #submit} or {@link #await}; later
 * buffers are then dropped, not written. One thread fills, submits and waits.
 */
final class WriteBehind implements Closeable {
    private final BlockingQueue<ByteBuffer> free;
    private final BlockingQueue<Runnable> work;
    private final String name;
    private final int count;
    private final int size;
    private int allocated;
    private Thread thread;
    private ByteBuffer filling;
    private volatile IOException failure;
    private boolean closed;

    /**
     * @param name   the background thread's name
     * @param count  buffers in all (at least 2: one filling, the others written or waiting to be)
     * @param size   bytes in each buffer, a multiple of {@link SequentialFile#MAX_ALIGNMENT}
     */
    WriteBehind(String name, int count, int size) {
        if (count < 2 || size <= 0 || size % SequentialFile.MAX_ALIGNMENT != 0) {
            throw new IllegalArgumentException("need 2+ buffers of a multiple of " + SequentialFile.MAX_ALIGNMENT
                    + " bytes, got " + count + " x " + size);
        }
        this.name = name;
        this.count = count;
        this.size = size;
        this.free = new ArrayBlockingQueue<>(count);
        this.work = new ArrayBlockingQueue<>(count);
        this.filling = allocate();
    }

    /**
     * A new buffer. Buffers are made when first needed, not all up front: the JDK zeroes direct memory, and the page
     * faults of zeroing 12 MiB took ~50 ms of a backup's start on the bench machine, most of it wasted on an archive
     * that fits in one buffer.
     */
    private ByteBuffer allocate() {
        allocated++;
        return ByteBuffer.allocateDirect(size + SequentialFile.MAX_ALIGNMENT)
                .alignedSlice(SequentialFile.MAX_ALIGNMENT).limit(size).slice(); // capacity exactly size
    }

    /** The buffer to fill (in write mode); {@link #submit} hands it over and makes another one the buffer to fill. */
    ByteBuffer filling() {
        return filling;
    }

    /**
     * Hands the filled buffer (whole blocks of {@code file}'s alignment only; a full buffer always is) to the
     * background thread, to be written to {@code file} after what was submitted before; returns once a buffer is
     * free to fill.
     */
    void submit(SequentialFile file) throws IOException {
        throwIfFailed();
        ByteBuffer full = filling;
        full.flip();
        put(() -> {
            try {
                if (failure == null) {
                    file.write(full);
                }
            } catch (IOException e) {
                failure = e;
            } finally {
                full.clear();
                free.add(full);
            }
        });
        filling = take();
    }

    /**
     * Waits until everything submitted was written (the file may then be used by the caller again) and rethrows
     * the first failure.
     */
    void await() throws IOException {
        if (thread != null) {
            // one thread runs the tasks in order: when this one runs, every write submitted before it has ended (and
            // the latch makes what it did to the file visible here)
            CountDownLatch done = new CountDownLatch(1);
            put(done::countDown);
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the writes of " + name + " to end");
            }
        }
        throwIfFailed();
    }

    /** How many buffers were made so far (at most the count given; one while a single buffer was enough). */
    int buffersMade() {
        return allocated;
    }

    /** True once a background write failed (without waiting for the others). */
    boolean failed() {
        return failure != null;
    }

    /** Waits for the background writes (ignoring their failures) and ends the thread; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (thread != null) {
            try {
                await();
            } catch (IOException ignored) {
                // a failed write was reported, or the caller is cleaning up after another failure
            }
            work.add(() -> Thread.currentThread().interrupt());
            thread = null;
        }
        // Drop the buffers now, not when this object becomes unreachable: the stream stack above the part writer may
        // be kept alive for a further collection (zstd-jni's stream has a finalizer), and a daemon taking one backup
        // after another then ran out of direct memory (-XX:MaxDirectMemorySize) though every backup had ended.
        free.clear();
        filling = null;
    }

    private void put(Runnable task) throws InterruptedIOException {
        if (thread == null) {
            thread = new Thread(this::run, name);
            thread.setDaemon(true);
            thread.start();
        }
        try {
            work.put(task);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while handing a buffer to " + name);
        }
    }

    private ByteBuffer take() throws InterruptedIOException {
        ByteBuffer ready = free.poll();
        if (ready != null) {
            return ready;
        }
        if (allocated < count) {
            return allocate();
        }
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a free buffer of " + name);
        }
    }

    private void run() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                work.take().run();
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    private void throwIfFailed() throws IOException {
        IOException e = failure;
        if (e != null) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
