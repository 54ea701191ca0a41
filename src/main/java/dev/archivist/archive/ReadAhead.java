package dev.archivist.archive;

import dev.archivist.source.DirectoryWalker;
import dev.archivist.source.FileStat;
import dev.archivist.source.SkippedEntry;
import dev.archivist.source.WalkEntry;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The prefetch stage of the archiver: a thread walks the tree and hands small files (under
 * {@code smallFileLimit}) to a pool that reads and hashes them into memory, while the tar writer takes the
 * entries in walk order. Memory is bounded by {@code maxBytesInFlight} (content plus a per-entry
 * allowance) and by a queue of at most {@value #MAX_ENTRIES} entries; large files are not read here.
 */
final class ReadAhead implements AutoCloseable {
    static final int MAX_ENTRIES = 8192;
    private static final int ENTRY_COST = 512;
    private static final AtomicInteger IDS = new AtomicInteger();

    /** One walk result in order: an entry (with prefetched content for a small file), a skip, an error or the end. */
    static final class Item {
        final WalkEntry entry;
        final SkippedEntry skipped;
        final CompletableFuture<FileLoader.Loaded> loaded;
        final Throwable error;
        final int cost;

        Item(WalkEntry entry, SkippedEntry skipped, CompletableFuture<FileLoader.Loaded> loaded, Throwable error,
                int cost) {
            this.entry = entry;
            this.skipped = skipped;
            this.loaded = loaded;
            this.error = error;
            this.cost = cost;
        }
    }

    private static final Item END = new Item(null, null, null, null, 0);

    private final DirectoryWalker walker;
    private final long smallFileLimit;
    private final int budgetBytes;
    private final Semaphore budget;
    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(MAX_ENTRIES);
    private final ExecutorService readers;
    private final Thread walkThread;

    ReadAhead(DirectoryWalker walker, int readerThreads, long maxBytesInFlight, long smallFileLimit) {
        this.walker = walker;
        this.smallFileLimit = smallFileLimit;
        this.budgetBytes = (int) Math.min(Integer.MAX_VALUE, Math.max(maxBytesInFlight, smallFileLimit + ENTRY_COST));
        this.budget = new Semaphore(budgetBytes);
        int id = IDS.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        this.readers = Executors.newFixedThreadPool(readerThreads, r -> daemon(r, "archive-read-" + id + "-" + n.incrementAndGet()));
        this.walkThread = daemon(this::walk, "archive-walk-" + id);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    void start() {
        walkThread.start();
    }

    /** The next item in walk order; null at the end. Throws the walk's failure. */
    Item take() throws IOException {
        Item item;
        try {
            item = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while archiving");
        }
        if (item == END) {
            return null;
        }
        if (item.error != null) {
            if (item.error instanceof IOException) {
                throw new IOException(item.error.getMessage(), item.error);
            }
            throw new IOException("directory walk failed: " + item.error, item.error);
        }
        return item;
    }

    /** The prefetched content of a small file (waits for it), or null for other items. */
    FileLoader.Loaded loaded(Item item) throws IOException {
        if (item.loaded == null) {
            return null;
        }
        try {
            return item.loaded.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading " + item.entry.path());
        } catch (ExecutionException e) {
            throw new IOException("cannot read " + item.entry.path() + ": " + e.getCause(), e.getCause());
        }
    }

    /** Returns an item's memory allowance once it has been written. */
    void release(Item item) {
        budget.release(item.cost);
    }

    @Override
    public void close() {
        walkThread.interrupt();
        readers.shutdownNow();
        queue.clear(); // unblocks a walker waiting to put
    }

    private void walk() {
        try {
            walker.walk(new DirectoryWalker.Visitor() {
                @Override
                public void entry(WalkEntry e) throws IOException {
                    boolean small = e.type() == FileStat.Type.FILE && e.stat().size() < smallFileLimit;
                    int cost = ENTRY_COST + (small ? (int) e.stat().size() : 0);
                    acquire(cost);
                    CompletableFuture<FileLoader.Loaded> f = small
                            ? CompletableFuture.supplyAsync(() -> FileLoader.load(e), readers) : null;
                    put(new Item(e, null, f, null, cost));
                }

                @Override
                public void skipped(SkippedEntry s) throws IOException {
                    put(new Item(null, s, null, null, 0));
                }
            });
            put(END);
        } catch (InterruptedIOException e) {
            // closed by the consumer
        } catch (Throwable t) {
            try {
                put(new Item(null, null, null, t, 0));
            } catch (InterruptedIOException ignored) {
                // closed by the consumer
            }
        }
    }

    private void acquire(int cost) throws InterruptedIOException {
        try {
            budget.acquire(cost);
        } catch (InterruptedException e) {
            throw new InterruptedIOException("archive read-ahead stopped");
        }
    }

    private void put(Item item) throws InterruptedIOException {
        try {
            queue.put(item);
        } catch (InterruptedException e) {
            throw new InterruptedIOException("archive read-ahead stopped");
        }
    }
}
