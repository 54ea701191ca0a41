package dev.archivist.source;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads files without dropping the locks this process holds on them (SQLite's, on the database). POSIX record locks
 * belong to a process and a file, and closing any descriptor of the file releases them all ({@code fcntl(2)}): an
 * application that embeds the library, its database open, lost its SQLite locks to each backup's read of the header,
 * and another process could then write in the middle of the application's write transaction.
 *
 * <p>As SQLite does with its own descriptors, one opened here is closed at once only when no other descriptor of this
 * process is open on the file (the command-line tool's case); else it is kept for the next read, and closed by a later
 * one once it is the last. A storage backup reads the application's other files (a database per user, say) likewise:
 * {@link #mayBeOpenHere} picks the files to close through {@link #close}. Not covered: a lock taken in the instant
 * between the look and the close, and, for a storage file, one the application opened during the backup less than a
 * second before it was read.
 */
public final class LockKeepingRead {
    /** The descriptors kept open, by the identity (device and inode) of their file. Guarded by the class. */
    private static final Map<Object, List<FileChannel>> KEPT = new HashMap<>();
    /** How old the look at this process's descriptors {@link #mayBeOpenHere} answers from may be. */
    private static final long LOOK_NANOS = 1_000_000_000L;
    /** The identities of the files this process had open at the last look (null: none yet). */
    private static volatile Look lastLook;

    private record Look(Set<Object> identities, long at) {
    }

    private LockKeepingRead() {
    }

    /**
     * Reads up to {@code into.length} bytes from the start of {@code file} (opened as {@link FifoSafeRead} does, a link
     * followed as SQLite follows it) and returns how many there were.
     */
    public static synchronized int readStart(Path file, byte[] into) throws IOException {
        closeUnshared();
        Object identity = identity(file);
        FileChannel kept = identity == null || !KEPT.containsKey(identity) ? null : KEPT.get(identity).get(0);
        FileChannel channel = kept != null ? kept : FifoSafeRead.open(file);
        try {
            ByteBuffer buffer = ByteBuffer.wrap(into);
            while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
                // until full or at the end of the file
            }
            return buffer.position();
        } finally {
            if (kept == null) {
                closeOrKeep(channel, identity(file));
            }
        }
    }

    /**
     * How many descriptors of this process are open on the file of identity {@code key}, or -1 where
     * {@code /proc/self/fd} cannot be read.
     */
    public static int descriptorsOn(Object key) {
        List<Object> open = openFileKeys();
        return open == null ? -1 : (int) open.stream().filter(key::equals).count();
    }

    /**
     * The identities of the files this process's descriptors are open on, one per descriptor, or null where
     * {@code /proc/self/fd} cannot be read.
     */
    private static List<Object> openFileKeys() {
        List<Object> keys = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    Object key = Files.readAttributes(fd, BasicFileAttributes.class).fileKey();
                    if (key != null) {
                        keys.add(key);
                    }
                } catch (IOException | RuntimeException closed) {
                    // closed since it was listed (the listing's own descriptor among them)
                }
            }
            return keys;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Whether this process had a descriptor open on the file of identity {@code key} at a look at most a second old:
     * a channel read from it is then closed through {@link #close}. Cheap, for every file a storage backup reads;
     * false where {@code /proc/self/fd} cannot be read (nothing to tell by).
     */
    public static boolean mayBeOpenHere(Object key) {
        Look look = lastLook;
        long now = System.nanoTime();
        if (look == null || now - look.at() > LOOK_NANOS) {
            look = look(now, false);
        }
        return key != null && look.identities().contains(key);
    }

    /** Looks at this process's descriptors now, for {@link #mayBeOpenHere}: a storage backup does as it begins. */
    public static void lookAgain() {
        look(System.nanoTime(), true);
    }

    private static synchronized Look look(long now, boolean again) {
        Look look = lastLook;
        if (!again && look != null && now - look.at() <= LOOK_NANOS) {
            return look; // another thread looked meanwhile
        }
        List<Object> open = openFileKeys();
        lastLook = new Look(open == null ? Set.of() : new HashSet<>(open), now);
        return lastLook;
    }

    /**
     * Closes {@code channel}, read from the file of identity {@code key}, unless another descriptor of this process is
     * open on that file: it is then kept, and closed by a later call once it is the last.
     */
    public static synchronized void close(FileChannel channel, Object key) throws IOException {
        closeUnshared();
        closeOrKeep(channel, key);
    }

    /**
     * A descriptor kept open on the file of identity {@code key}, handed to the caller (who gives it back through
     * {@link #close}) so that a file read again while the application still holds it is read through it rather than a
     * new one that would be kept too; null when none is kept.
     */
    public static synchronized FileChannel takeKept(Object key) {
        List<FileChannel> kept = key == null ? null : KEPT.get(key);
        if (kept == null) {
            return null;
        }
        FileChannel channel = kept.remove(kept.size() - 1);
        if (kept.isEmpty()) {
            KEPT.remove(key);
        }
        return channel;
    }

    private static void closeOrKeep(FileChannel channel, Object identity) throws IOException {
        if (identity == null || descriptorsOn(identity) <= 1) {
            channel.close();
        } else {
            KEPT.computeIfAbsent(identity, k -> new ArrayList<>()).add(channel);
        }
    }

    /** Closes the kept descriptors that are now the last open on their file. */
    private static void closeUnshared() throws IOException {
        for (Iterator<Map.Entry<Object, List<FileChannel>>> it = KEPT.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Object, List<FileChannel>> kept = it.next();
            if (descriptorsOn(kept.getKey()) <= kept.getValue().size()) {
                it.remove();
                for (FileChannel channel : kept.getValue()) {
                    channel.close();
                }
            }
        }
    }

    private static Object identity(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
