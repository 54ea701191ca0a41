package dev.archivist.source;

import dev.archivist.ArchivistException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SqliteSnapshot} taken on a background thread while its pages are read as they land in the scratch file,
 * so that compression overlaps the copy instead of following it (on two cores that is most of the copy's time).
 *
 * <p>The backup API writes every page of a fresh destination once, in page order (the destination's page cache
 * spills its oldest dirty pages first), except page 1, which it rewrites when it commits. So {@link #body()} streams
 * bytes {@code [pageSize, end)} as the file grows, and {@link #firstPage()} is read once the copy is done. Nothing
 * relies on that order being kept, though: the bytes streamed are counted and checksummed (CRC-32C, a hardware
 * instruction) and {@link #bodyMatches()} compares them with the finished file; a caller falls back to compressing
 * the finished file again when they differ. (The checksum guards against SQLite changing how it writes, not against
 * an adversary, so 32 bits suffice: a changed order would also change the count or the quick_check.)
 */
public final class FollowedSnapshot implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FollowedSnapshot.class);
    private static final long POLL_NANOS = 200_000;
    private static final int CHUNK = 1 << 20;

    private final Path scratch;
    private final int pageSize;
    private final ExecutorService pool;
    private final CompletableFuture<SqliteSnapshot.Info> copied;
    private final CompletableFuture<long[]> finalChecksums;
    private final CRC32C streamed = new CRC32C();
    private long streamedBytes;
    /** The tasks of {@link #afterCopy}: the threads stop only once each has run (or failed). */
    private final List<CompletableFuture<?>> afterCopy = new CopyOnWriteArrayList<>();

    private FollowedSnapshot(Path source, Path scratch, int pageSize) {
        this.scratch = scratch;
        this.pageSize = pageSize;
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "snapshot");
            t.setDaemon(true);
            return t;
        });
        long t0 = System.nanoTime();
        this.copied = CompletableFuture.supplyAsync(() -> {
            SqliteSnapshot.Info info = SqliteSnapshot.copy(source, scratch);
            LOG.debug("snapshot of {} copied in {} ms", source, (System.nanoTime() - t0) / 1_000_000);
            return info;
        }, pool);
        this.finalChecksums = copied.thenApplyAsync(info -> checksums(scratch, pageSize), pool);
    }

    /**
     * Starts copying {@code source} into {@code scratch} (a new file) in the background. {@code pageSize} is the
     * source's page size as its header says; should the copy end with another, {@link #bodyMatches()} says no.
     */
    public static FollowedSnapshot start(Path source, Path scratch, int pageSize) {
        return new FollowedSnapshot(source, scratch, pageSize);
    }

    /** Runs {@code task} on this snapshot's threads once the copy has finished. */
    public <T> CompletableFuture<T> afterCopy(java.util.function.Function<SqliteSnapshot.Info, T> task) {
        CompletableFuture<T> f = copied.thenApplyAsync(task, pool);
        afterCopy.add(f);
        return f;
    }

    /** Bytes {@code [pageSize, end)} of the copy, delivered while it is being written; single use. */
    public InputStream body() {
        return new InputStream() {
            // RandomAccessFile rather than FileChannel: one native call per read and no NIO layers (buffer cache,
            // interruptible-channel bookkeeping) on this hot path, which leaves the JIT less to compile.
            private final RandomAccessFile file = open();
            private long pos = pageSize;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                while (true) {
                    boolean done = copied.isDone(); // read before the size: once done, the size is final
                    long available = file.length() - pos;
                    if (available > 0) {
                        file.seek(pos);
                        int n = file.read(b, off, (int) Math.min(Math.min(len, CHUNK), available));
                        if (n > 0) {
                            pos += n;
                            streamed.update(b, off, n);
                            streamedBytes += n;
                            return n;
                        }
                    }
                    if (done) {
                        await(); // rethrows the copy's failure
                        return -1;
                    }
                    LockSupport.parkNanos(POLL_NANOS);
                }
            }

            @Override
            public void close() throws IOException {
                file.close();
            }

            private RandomAccessFile open() {
                // The copy creates the file; wait for it to appear (or for the copy to fail first).
                while (true) {
                    boolean done = copied.isDone(); // before the attempt: a copy may finish right after it fails
                    try {
                        return new RandomAccessFile(scratch.toFile(), "r");
                    } catch (IOException e) {
                        if (done) {
                            await();
                            throw new ArchivistException("snapshot " + scratch + " cannot be read: " + e.getMessage(), e);
                        }
                        LockSupport.parkNanos(POLL_NANOS);
                    }
                }
            }
        };
    }

    /** Waits for the copy to finish; rethrows its failure. */
    public SqliteSnapshot.Info await() {
        return join(copied);
    }

    /** Page 1 of the finished copy. */
    public byte[] firstPage() throws IOException {
        await();
        byte[] page = new byte[pageSize];
        try (RandomAccessFile in = new RandomAccessFile(scratch.toFile(), "r")) {
            in.readFully(page);
        } catch (java.io.EOFException e) {
            throw new IOException("snapshot " + scratch + " is shorter than one page (" + pageSize + " bytes)", e);
        }
        return page;
    }

    /** Whether the streamed body is exactly the finished copy's bytes {@code [pageSize, end)}; after the body's end. */
    public boolean bodyMatches() {
        long[] actual = join(finalChecksums);
        return actual[0] == streamedBytes && actual[1] == streamed.getValue() && await().pageSize() == pageSize;
    }

    private static long[] checksums(Path file, int from) {
        CRC32C c = new CRC32C();
        long n = 0;
        byte[] buf = new byte[CHUNK];
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            in.seek(from);
            for (int r; (r = in.read(buf)) > 0; ) {
                n += r;
                c.update(buf, 0, r);
            }
        } catch (IOException e) {
            throw new ArchivistException("snapshot " + file + " cannot be read back: " + e.getMessage(), e);
        }
        return new long[] {n, c.getValue()};
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ArchivistException("interrupted while taking the snapshot", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new ArchivistException(String.valueOf(cause.getMessage()), cause);
        }
    }

    /**
     * Waits for the copy to end (it cannot be interrupted midway) and stops the threads once the tasks of
     * {@link #afterCopy} have run; those may still be running when this returns. (Stopping the threads as soon as
     * the copy ended could reject a task that the thread completing the copy had not handed over yet.)
     */
    @Override
    public void close() {
        try {
            copied.exceptionally(e -> null).join();
            finalChecksums.exceptionally(e -> null).join();
        } finally {
            CompletableFuture.allOf(afterCopy.toArray(CompletableFuture[]::new)).whenComplete((r, e) -> pool.shutdown());
        }
    }
}
