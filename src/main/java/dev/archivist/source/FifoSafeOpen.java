package dev.archivist.source;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.util.Map;
import java.util.Set;
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
 *
 * <p>Folders deeper than the walk holds open are reached by opening each folder below the deepest held one, for one
 * read ({@link FolderHandle}): each of those opens is watched as well, in the folder opened just before it, and the
 * watcher never walks such a chain itself (a FIFO in it would hold the watcher).
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

    /**
     * Where an open waits: the entry {@code name} of a held {@code folder}, or of a {@code stream} opened for one read
     * below the held folders (then {@code folder} is null and {@code streamPath} names it).
     */
    private record Place(FolderHandle folder, SecureDirectoryStream<Path> stream, Path streamPath, String name) {
        Path path() {
            return (folder != null ? folder.path() : streamPath).resolve(name);
        }
    }

    /**
     * What a thread is opening: written by that thread, {@code active} last; read by the watcher. An open inside
     * another (a deep folder's chain inside the open of its file) takes the record over and gives it back after.
     */
    private static final class Waiting {
        volatile Place place;
        volatile long since;
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
        FileChannel ch = guarded(new Place(folder, null, null, name), () -> folder.openFile(name), released);
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
        return guarded(new Place(folder, null, null, name), () -> folder.openFolder(name, byPath), new boolean[1]);
    }

    /**
     * Runs {@code opening} of the entry {@code name} of {@code stream} (a folder opened for one read below the held
     * ones, at {@code streamPath}) under the watcher's eye: a wait on a FIFO put in the entry's place is ended. What is
     * opened then is the FIFO: a folder's open fails, a file's returns a channel that reads nothing, and an enclosing
     * {@link #open} returns null.
     */
    static <T> T guardedIn(SecureDirectoryStream<Path> stream, Path streamPath, String name, Opening<T> opening)
            throws IOException {
        return guarded(new Place(null, stream, streamPath, name), opening, new boolean[1]);
    }

    /** What is opened under watch. */
    interface Opening<T> {
        T open() throws IOException;
    }

    /**
     * Runs {@code opening} of {@code place} under the watcher's eye; inside another guarded open, the outer one's
     * record is given back after, released too when this one was.
     */
    private static <T> T guarded(Place place, Opening<T> opening, boolean[] released) throws IOException {
        if (watcher == null) {
            startWatcher();
        }
        Waiting waiting = MINE.get();
        boolean nested = waiting.active;
        Place outerPlace = waiting.place;
        long outerSince = waiting.since;
        boolean outerUnreleasable = waiting.unreleasable;
        boolean outerReleased = waiting.released;
        waiting.active = false;
        waiting.place = place;
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
            if (nested) {
                waiting.place = outerPlace;
                waiting.since = outerSince;
                waiting.unreleasable = outerUnreleasable;
                waiting.released = outerReleased || released[0];
                waiting.active = true;
            }
        }
    }

    /**
     * The path of an open that has waited over {@value #STUCK_SECONDS} s while no FIFO was under its name to end the
     * wait through, or null.
     */
    static String stuck() {
        long now = System.nanoTime();
        for (Waiting w : WAITING.values()) {
            Place place = w.place;
            if (w.active && w.unreleasable && now - w.since > stuckAfterNanos) {
                return place.path().toString();
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
                Place place = w.place; // written before active: read after it
                if (place.folder() != null && place.folder().deep()) {
                    continue; // its chain's own opens are watched: looking here would walk that chain
                }
                if (isFifo(place)) { // again each second while it waits: the name may hold another FIFO by now
                    w.released = true;
                    w.lastRelease = now;
                    release(place);
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
    private static boolean isFifo(Place place) {
        try {
            if (place.stream() != null) {
                return place.stream().getFileAttributeView(relative(place), BasicFileAttributeView.class,
                        LinkOption.NOFOLLOW_LINKS).readAttributes().isOther();
            }
            return place.folder().stat(place.name()).isOther();
        } catch (IOException | RuntimeException e) {
            return false; // gone, or its folder closed: the open is over
        }
    }

    private static Path relative(Place place) {
        return place.streamPath().getFileSystem().getPath(place.name());
    }

    /**
     * Opens the FIFO for reading and writing and closes it: the waiting reader's open returns. On its own thread, in
     * case the name holds a device by now, whose open may block.
     */
    private static void release(Place place) {
        Thread t = new Thread(() -> {
            try {
                if (place.stream() != null) {
                    place.stream().newByteChannel(relative(place), Set.of(StandardOpenOption.READ,
                            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)).close();
                } else {
                    place.folder().openForReadingAndWriting(place.name()).close();
                }
            } catch (IOException | RuntimeException ignored) {
                // gone or replaced again: the reader's open ends on its own then
            }
        }, "archive-fifo-release");
        t.setDaemon(true);
        t.start();
    }
}
