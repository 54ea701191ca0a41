package dev.archivist.archive;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A gzip writer that compresses on several threads (like {@code pigz}).
 *
 * <p>Why our own: {@link java.util.zip.GZIPOutputStream} and commons-compress' {@code GzipCompressorOutputStream}
 * are single-threaded, and no allowed dependency offers a parallel gzip writer. Input is cut into independent
 * 1 MiB blocks; each is compressed on a small pool into a complete gzip member (header, raw deflate, CRC-32,
 * size) and the members are written in order. The result is a multi-member gzip file, which {@code gzip -d},
 * {@code pigz -d}, zlib's {@code gunzip} and commons-compress (with {@code decompressConcatenated}) read as one
 * stream. The loss of ratio from not sharing a dictionary across blocks is about 0.1 % at 1 MiB.
 *
 * <p>A block is deflated by libdeflate where its native library loads ({@link Libdeflate}: less than half of zlib's
 * CPU), else by the JDK's zlib.
 *
 * <p>Blocks that do not compress (photos, videos, archives: already compressed data) are stored rather than
 * deflated, as zstd does on its own: deflate spends as long failing to shrink random bytes as it spends on text, and
 * its output would be slightly larger than the input anyway. A block is judged by deflating four 16 KiB samples
 * spread over it at level 1; when none of them shrinks by 3 %, the block is written as stored deflate blocks.
 *
 * <p>Memory is bounded: at most {@code 2 × threads} blocks are in flight, and their buffers are recycled.
 * {@link #flush()} writes finished members but keeps the partial block (as {@code GZIPOutputStream} does
 * without sync-flush), so frequent flushes do not degrade the ratio. {@link #close()} emits the last block
 * (an empty member when nothing was written) and closes the underlying stream; once it returns or throws, no worker
 * thread is left.
 */
final class ParallelGzipOutputStream extends OutputStream {
    static final int BLOCK_SIZE = 1 << 20;
    private static final AtomicInteger POOL_IDS = new AtomicInteger();

    private final OutputStream out;
    private final int level;
    private final boolean libdeflate;
    private final ExecutorService pool;
    private final int maxInFlight;
    private final ArrayDeque<Future<Block>> inFlight = new ArrayDeque<>();
    private final BlockingQueue<Block> free;
    private Block current;
    private boolean anyMember;
    private boolean closed;

    ParallelGzipOutputStream(OutputStream out, int level, int threads) {
        this(out, level, threads, Libdeflate.available());
    }

    /** As {@link #ParallelGzipOutputStream(OutputStream, int, int)}; {@code libdeflate = false} deflates with zlib. */
    ParallelGzipOutputStream(OutputStream out, int level, int threads, boolean libdeflate) {
        if (level < 0 || level > 9) {
            throw new IllegalArgumentException("gzip level must be 0..9, got " + level);
        }
        this.out = out;
        this.level = level;
        this.libdeflate = libdeflate && level > 0;
        int n = Math.max(1, threads);
        this.maxInFlight = 2 * n;
        this.free = new ArrayBlockingQueue<>(maxInFlight + 1);
        String name = "gzip-" + POOL_IDS.incrementAndGet() + "-";
        AtomicInteger ids = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, name + ids.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.current = new Block();
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        current.in[current.inLen++] = (byte) b;
        if (current.inLen == BLOCK_SIZE) {
            submitCurrent();
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ensureOpen();
        while (len > 0) {
            int n = Math.min(len, BLOCK_SIZE - current.inLen);
            System.arraycopy(b, off, current.in, current.inLen, n);
            current.inLen += n;
            off += n;
            len -= n;
            if (current.inLen == BLOCK_SIZE) {
                submitCurrent();
            }
        }
    }

    /** Writes the members already compressed and flushes the underlying stream; the partial block stays. */
    @Override
    public void flush() throws IOException {
        ensureOpen();
        while (!inFlight.isEmpty() && inFlight.peekFirst().isDone()) {
            writeOne();
        }
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (OutputStream o = out) {
            if (current.inLen > 0 || !anyMember) {
                submit(current);
            }
            while (!inFlight.isEmpty()) {
                writeOne();
            }
        } finally {
            stopPool();
            releaseCompressors();
        }
    }

    /**
     * Stops the workers and waits until none is left (one may be finishing a block), so that no thread of this stream
     * outlives its close: an application embedding the library must not see threads it did not start after a backup
     * failed. Uninterruptible: a failure by interrupt is the usual way here; the interrupt is kept for the caller.
     */
    private void stopPool() {
        pool.shutdownNow();
        boolean interrupted = false;
        while (!pool.isTerminated()) {
            try {
                pool.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Frees the native compressors of the blocks this stream holds. After a failure a worker may still be compressing
     * one of them (the last block, submitted by {@link #close()}): {@link Block#release()} waits for that compression
     * to end (freeing a compressor in use left a worker spinning in freed native memory, now and then). Blocks still
     * in flight are left to the compressors' cleaner.
     */
    private void releaseCompressors() {
        current.release();
        for (Block b : free) {
            b.release();
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("gzip stream already closed");
        }
    }

    private void submitCurrent() throws IOException {
        submit(current);
        Block next = free.poll();
        current = next != null ? next : new Block();
    }

    private void submit(Block block) throws IOException {
        anyMember = true;
        try {
            inFlight.addLast(pool.submit(() -> block.compress(level, libdeflate)));
            while (inFlight.size() >= maxInFlight) {
                writeOne();
            }
        } catch (IOException | RuntimeException e) {
            pool.shutdownNow();
            throw e;
        }
    }

    private void writeOne() throws IOException {
        Block done;
        try {
            done = inFlight.removeFirst().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
            throw new InterruptedIOException("interrupted while compressing (gzip)");
        } catch (ExecutionException e) {
            pool.shutdownNow();
            throw new IOException("gzip compression failed: " + e.getCause(), e.getCause());
        }
        out.write(done.out, 0, done.outLen);
        done.inLen = 0;
        done.outLen = 0;
        free.offer(done);
    }

    /** One input block and the gzip member compressed from it; recycled. */
    private static final class Block {
        private static final int SAMPLES = 4;
        private static final int SAMPLE_SIZE = 16 << 10;
        private static final double INCOMPRESSIBLE = 0.97;
        private final byte[] sampleOut = new byte[SAMPLE_SIZE + 1024];
        final byte[] in = new byte[BLOCK_SIZE];
        byte[] out = new byte[BLOCK_SIZE + (BLOCK_SIZE >>> 10) + 64];
        int inLen;
        int outLen;
        /** This block's libdeflate compressor, made at its first use (native memory, freed by {@link #release}). */
        private com.fulcrumgenomics.jlibdeflate.LibdeflateCompressor fast;

        Block compress(int level, boolean libdeflate) {
            boolean stored = level > 0 && incompressible();
            if (libdeflate && !stored) {
                synchronized (this) { // against release() while this runs (a stream failing in close())
                    if (fast == null) {
                        // not thread-safe: one per block, which one worker at a time compresses
                        fast = new com.fulcrumgenomics.jlibdeflate.LibdeflateCompressor(level);
                    }
                    int bound = fast.gzipCompressBound(inLen);
                    if (out.length < bound) {
                        out = new byte[bound];
                    }
                    outLen = fast.gzipCompress(in, 0, inLen, out, 0, out.length); // a whole member, CRC-32 and size
                }
                return this;
            }
            CRC32 crc = new CRC32();
            crc.update(in, 0, inLen);
            Deflater deflater = new Deflater(stored ? Deflater.NO_COMPRESSION : level, true);
            try {
                int pos = 0;
                // member header: magic, CM=deflate, no flags, mtime 0, XFL 0, OS 3 (Unix)
                out[pos++] = 0x1f;
                out[pos++] = (byte) 0x8b;
                out[pos++] = 8;
                for (int i = 0; i < 6; i++) {
                    out[pos++] = 0;
                }
                out[pos++] = 3;
                deflater.setInput(in, 0, inLen);
                deflater.finish();
                while (!deflater.finished()) {
                    if (pos == out.length) {
                        out = java.util.Arrays.copyOf(out, out.length + (out.length >>> 1));
                    }
                    pos += deflater.deflate(out, pos, out.length - pos);
                }
                if (out.length - pos < 8) {
                    out = java.util.Arrays.copyOf(out, pos + 8);
                }
                pos = putIntLE(out, pos, (int) crc.getValue());
                pos = putIntLE(out, pos, inLen);
                outLen = pos;
                return this;
            } finally {
                deflater.end();
            }
        }

        /** Frees the native compressor, if one was made, once a compression running with it has ended. */
        synchronized void release() {
            if (fast != null) {
                fast.close();
                fast = null;
            }
        }

        /** Whether every sample of the block fails to shrink (blocks too small to sample are compressed). */
        private boolean incompressible() {
            if (inLen < SAMPLES * SAMPLE_SIZE) {
                return false;
            }
            Deflater probe = new Deflater(Deflater.BEST_SPEED, true);
            try {
                for (int i = 0; i < SAMPLES; i++) {
                    probe.reset();
                    probe.setInput(in, (int) ((long) (inLen - SAMPLE_SIZE) * i / (SAMPLES - 1)), SAMPLE_SIZE);
                    probe.finish();
                    int produced = 0;
                    while (!probe.finished() && produced < sampleOut.length) {
                        produced += probe.deflate(sampleOut, produced, sampleOut.length - produced);
                    }
                    if (produced < SAMPLE_SIZE * INCOMPRESSIBLE) {
                        return false;
                    }
                }
                return true;
            } finally {
                probe.end();
            }
        }

        private static int putIntLE(byte[] b, int pos, int v) {
            b[pos] = (byte) v;
            b[pos + 1] = (byte) (v >>> 8);
            b[pos + 2] = (byte) (v >>> 16);
            b[pos + 3] = (byte) (v >>> 24);
            return pos + 4;
        }
    }
}
