package dev.archivist.source;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Opens a source file for reading so that a FIFO put in its place after the walk saw a regular file cannot hang the
 * backup: {@code open(2)} of a FIFO waits for a writer for ever, and the backup would hold its lock all that time.
 *
 * <p>Why our own: GNU tar opens with {@code O_NONBLOCK}, which Java offers no open option for. Here a watcher thread
 * looks at the opens that have waited more than a second: while the name is a FIFO, it opens it for reading and
 * writing, once a second (such an open of a FIFO never waits on Linux), which ends the wait, and the opener gets
 * {@code null} (the entry is skipped as a FIFO). Nothing is written to it. The entry is not stat'ed again before its
 * open: the walk's stat is a moment old, and that second {@code stat} cost a tenth of a small-file backup's time (about
 * 5 µs of CPU per file through the JDK's relative attributes); a FIFO swapped in since the walk costs its second
 * instead. What remains: a FIFO swapped in, then replaced in its turn before the watcher looks, leaves no name to
 * release the open through;
 * {@link #stuck()} names such an open once it has waited {@value #STUCK_SECONDS} s, and the backup, which waits for
 * its opens in steps, fails rather than hang with the lock held (the blocked thread stays so until the process ends).
 */
public final class FifoSafeOpen {
    private static final long PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long LOOK_EVERY_MILLIS = 250;
    static final int STUCK_SECONDS = 10;
    /** {@value #STUCK_SECONDS} s; tests shorten it. */
    static volatile long stuckAfterNanos = TimeUnit.SECONDS.toNanos(STUCK_SECONDS);
    /** One record per opening thread, reused for each of its opens (a backup opens 100,000s of files). */
    private static final Map<Thread, Waiting> WAITING = new ConcurrentHashMap<>();
    private static final ThreadLocal<Waiting> MINE = ThreadLocal.withInitial(() -> {
        Waiting w = new Waiting();
        WAITING.put(Thread.currentThread(), w);
        return w;
    });
    private static volatile Thread watcher;

    private FifoSafeOpen() {
    }

    /** What a thread is opening: written by that thread, {@code active} last; read by the watcher. */
    private static final class Waiting {
        FolderHandle folder;
        String name;
        long since;
        long lastRelease; // the watcher's own
        volatile boolean unreleasable; // the watcher found no FIFO under the name while the open waited
        volatile boolean active;
        volatile boolean released;
    }

    /**
     * The entry {@code name} of {@code folder} opened for reading (not following a symlink), or null when it turned
     * out to be a FIFO: a wait of over a second on what is now a FIFO is ended.
     */
    public static FileChannel open(FolderHandle folder, String name) throws IOException {
        boolean[] released = {false};
        FileChannel ch = guarded(folder, name, () -> folder.openFile(name), released);
        if (released[0]) {
            ch.close();
            return null;
        }
        return ch;
    }

    /**
     * The sub-folder {@code name} of {@code folder} opened as {@link FolderHandle#openFolder} opens it, guarded the
     * same way: Java's relative open of a folder has no O_DIRECTORY nor O_NONBLOCK, so a FIFO put in the folder's place
     * after the walk saw a folder would make it wait for ever. Ended, the open fails (a FIFO is not a folder).
     */
    static FolderHandle openFolder(FolderHandle folder, String name, boolean byPath) throws IOException {
        return guarded(folder, name, () -> folder.openFolder(name, byPath), new boolean[1]);
    }

    /** What is opened under watch. */
    private interface Opening<T> {
        T open() throws IOException;
    }

    /** Runs {@code opening} of the entry {@code name} of {@code folder} under the watcher's eye. */
    private static <T> T guarded(FolderHandle folder, String name, Opening<T> opening, boolean[] released)
            throws IOException {
        if (watcher == null) {
            startWatcher();
        }
        Waiting waiting = MINE.get();
        waiting.folder = folder;
        waiting.name = name;
        waiting.since = System.nanoTime();
        waiting.released = false;
        waiting.lastRelease = 0;
        waiting.unreleasable = false;
        waiting.active = true;
        try {
            return opening.open();
        } finally {
            waiting.active = false;
            released[0] = waiting.released;
        }
    }

    /**
     * The path of an open that has waited over {@value #STUCK_SECONDS} s while no FIFO was under its name to end the
     * wait through, or null.
     */
    static String stuck() {
        long now = System.nanoTime();
        for (Waiting w : WAITING.values()) {
            FolderHandle folder = w.folder;
            String name = w.name;
            if (w.active && w.unreleasable && now - w.since > stuckAfterNanos) {
                return folder.path().resolve(name).toString();
            }
        }
        return null;
    }

    /**
     * Waits for {@code work} (which opens files) in steps of a second, failing when an open is {@link #stuck()}: the
     * backup then fails instead of hanging with the lock held.
     */
    public static <T> T awaitUnlessStuck(Future<T> work) throws InterruptedException, ExecutionException, IOException {
        while (true) {
            try {
                return work.get(1, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                String stuck = stuck();
                if (stuck != null) {
                    throw stuckFailure(stuck);
                }
            }
        }
    }

    /** The failure of a backup whose open of {@code path} is {@link #stuck()}. */
    static IOException stuckFailure(String path) {
        return new IOException("opening " + path + " has waited over " + STUCK_SECONDS + " s on a FIFO that replaced"
                + " the file and was replaced in its turn while the backup ran: the backup is stopped rather than left"
                + " waiting with the lock held");
    }

    private static synchronized void startWatcher() {
        if (watcher == null) {
            Thread t = new Thread(FifoSafeOpen::watch, "archive-fifo-watch");
            t.setDaemon(true);
            t.start();
            watcher = t;
        }
    }

    private static void watch() {
        while (true) {
            try {
                Thread.sleep(LOOK_EVERY_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            WAITING.keySet().removeIf(t -> !t.isAlive()); // the read-ahead pools of earlier backups
            for (Waiting w : WAITING.values()) {
                if (!w.active || now - w.since <= PATIENCE_NANOS
                        || w.lastRelease != 0 && now - w.lastRelease <= PATIENCE_NANOS) {
                    continue;
                }
                FolderHandle folder = w.folder; // written before active: read after it
                String name = w.name;
                if (isFifo(folder, name)) { // again each second while it waits: the name may hold another FIFO by now
                    w.released = true;
                    w.lastRelease = now;
                    release(folder, name);
                } else {
                    w.unreleasable = true;
                }
            }
        }
    }

    /**
     * Whether the entry is now something other than a file, folder or link: its open, waiting for over a second,
     * waits for a writer then (Java's relative attributes do not tell a FIFO from a device; a device that blocks its
     * opens is released the same way, harmlessly: nothing is written).
     */
    private static boolean isFifo(FolderHandle folder, String name) {
        try {
            return folder.stat(name).isOther();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Opens the FIFO for reading and writing and closes it: the waiting reader's open returns. On its own thread, in
     * case the name holds a device by now, whose open may block.
     */
    private static void release(FolderHandle folder, String name) {
        Thread t = new Thread(() -> {
            try {
                folder.openForReadingAndWriting(name).close();
            } catch (IOException | RuntimeException ignored) {
                // gone or replaced again: the reader's open ends on its own then
            }
        }, "archive-fifo-release");
        t.setDaemon(true);
        t.start();
    }
}
