package dev.archivist.source;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Reads the start of a database file without dropping the locks SQLite holds on it in this process. POSIX record locks
 * belong to a process and a file, and closing any descriptor of the file releases them all ({@code fcntl(2)}): an
 * application that embeds the library, its database open, lost its SQLite locks to each backup's read of the header,
 * and another process could then write in the middle of the application's write transaction.
 *
 * <p>As SQLite does with its own descriptors, one opened here is closed at once only when no other descriptor of this
 * process is open on the file (the command-line tool's case); else it is kept, one per file, for the next read, and
 * closed by a later read once it is the last. Not covered: a lock taken in the instant between that look and the close.
 */
public final class LockKeepingRead {
    /** The descriptors kept open, by the identity (device and inode) of their file. Guarded by the class. */
    private static final Map<Object, FileChannel> KEPT = new HashMap<>();

    private LockKeepingRead() {
    }

    /**
     * Reads up to {@code into.length} bytes from the start of {@code file} (opened as {@link FifoSafeRead} does, a link
     * followed as SQLite follows it) and returns how many there were.
     */
    public static synchronized int readStart(Path file, byte[] into) throws IOException {
        closeUnshared();
        Object identity = identity(file);
        FileChannel kept = identity == null ? null : KEPT.get(identity);
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
        int count = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    if (key.equals(Files.readAttributes(fd, BasicFileAttributes.class).fileKey())) {
                        count++;
                    }
                } catch (IOException | RuntimeException closed) {
                    // closed since it was listed (the listing's own descriptor among them)
                }
            }
            return count;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static void closeOrKeep(FileChannel channel, Object identity) throws IOException {
        if (identity == null || descriptorsOn(identity) == 1) {
            channel.close();
        } else {
            KEPT.put(identity, channel); // none was kept for it: a kept one is read instead of opening another
        }
    }

    /** Closes the kept descriptors that are now the last open on their file. */
    private static void closeUnshared() throws IOException {
        for (Iterator<Map.Entry<Object, FileChannel>> it = KEPT.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Object, FileChannel> kept = it.next();
            if (descriptorsOn(kept.getKey()) == 1) {
                it.remove();
                kept.getValue().close();
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
