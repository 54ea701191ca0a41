package dev.archivist.archive;

import dev.archivist.source.FolderHandle;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Opens a source file for reading so that a FIFO put in its place after the walk saw a regular file cannot hang the
 * backup: {@code open(2)} of a FIFO waits for a writer for ever, and the backup would hold its lock all that time.
 *
 * <p>Why our own: GNU tar opens with {@code O_NONBLOCK}, which Java offers no open option for. Here a watcher thread
 * looks at the opens that have waited more than a second; when the entry is now a FIFO, it opens it for writing once,
 * which ends the wait, and the opener gets {@code null} (the entry is skipped as a FIFO). Nothing is written to it.
 */
final class FifoSafeOpen {
    private static final long PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long LOOK_EVERY_MILLIS = 250;
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
        volatile boolean active;
        volatile boolean released;
    }

    /**
     * The entry {@code name} of {@code folder} opened for reading (not following a symlink), or null when it turned
     * out to be a FIFO.
     */
    static FileChannel open(FolderHandle folder, String name) throws IOException {
        if (watcher == null) {
            startWatcher();
        }
        Waiting waiting = MINE.get();
        waiting.folder = folder;
        waiting.name = name;
        waiting.since = System.nanoTime();
        waiting.released = false;
        waiting.active = true;
        FileChannel ch;
        try {
            ch = folder.openFile(name);
        } finally {
            waiting.active = false;
        }
        if (waiting.released) {
            ch.close();
            return null;
        }
        return ch;
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
                if (!w.active || w.released || now - w.since <= PATIENCE_NANOS) {
                    continue;
                }
                FolderHandle folder = w.folder; // written before active: read after it
                String name = w.name;
                if (isFifo(folder, name)) {
                    w.released = true;
                    release(folder, name);
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

    /** Opens the FIFO for writing and closes it: the waiting reader's open returns. On its own thread: it may block. */
    private static void release(FolderHandle folder, String name) {
        Thread t = new Thread(() -> {
            try {
                folder.openForWriting(name).close();
            } catch (IOException | RuntimeException ignored) {
                // gone or replaced again: the reader's open ends on its own then
            }
        }, "archive-fifo-release");
        t.setDaemon(true);
        t.start();
    }
}
