package dev.archivist.catalog;

import dev.archivist.LockUnavailableException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * An exclusive OS-level lock (fcntl via {@link FileChannel#tryLock()}) on a lock file in the backup directory. The
 * holder writes its pid, command and start time beside it so a waiting process can say who it waits for. The kernel
 * releases the lock when the holder dies, even by SIGKILL. Also exclusive between threads of one JVM.
 */
public final class DirectoryLock implements AutoCloseable {
    /**
     * The locks this JVM holds, by {@link #jvmKey}: a second channel on a held lock file must never be opened, since
     * closing it (after {@link FileChannel#tryLock()} refused it) lets go of the JVM's fcntl lock on that file.
     */
    private static final Set<Object> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();
    /** How long a waiter waits for a new holder's record, which it writes just after taking the lock. */
    private static final Duration HOLDER_RECORD_GRACE = Duration.ofSeconds(1);

    private final Path lockFile;
    private final FileChannel channel;
    private final FileLock lock;
    /** The locked file's identity (device and inode), to tell whether the file at {@link #lockFile} is still it. */
    private final Object fileKey;
    /** Its entry in {@link #HELD_IN_THIS_JVM}. */
    private final Object jvmKey;

    private DirectoryLock(Path lockFile, FileChannel channel, FileLock lock, Object fileKey, Object jvmKey) {
        this.lockFile = lockFile;
        this.jvmKey = jvmKey;
        this.channel = channel;
        this.lock = lock;
        this.fileKey = fileKey;
    }

    /**
     * Takes the lock, waiting up to {@code timeout}; {@code waiting} is told once who holds it.
     *
     * @throws LockUnavailableException when the timeout passes, naming the holder
     */
    public static DirectoryLock acquire(Path lockFile, Duration timeout, String command, Consumer<String> waiting) throws IOException {
        Durable.ensureDirectory(lockFile.getParent());
        // waits are measured on the monotonic clock: a wall clock set back (NTP) must not lengthen them by its step
        long deadline = System.nanoTime() + timeout.toNanos();
        // a holder records itself just after taking the lock: a waiter that comes in between waits a moment for the
        // record rather than say "another process"
        long holderDue = System.nanoTime() + HOLDER_RECORD_GRACE.toNanos();
        boolean told = false;
        while (true) {
            DirectoryLock taken = tryAcquire(lockFile, command);
            if (taken != null) {
                return taken;
            }
            LockHolder holder = readHolder(lockFile);
            boolean waitsOn = System.nanoTime() - deadline < 0; // if not, the exception below names the holder
            if (!told && waitsOn && (holder != null || System.nanoTime() - holderDue >= 0)) {
                waiting.accept("waiting up to " + timeout.toSeconds() + " s for the lock on " + lockFile.getParent()
                        + " held by " + (holder == null ? "another process" : holder));
                told = true;
            }
            if (!waitsOn) {
                if (holder == null) { // taken a moment ago (a timeout of 0, a race of starts): its record is coming
                    holder = awaitHolder(lockFile, holderDue);
                }
                // two threads or two services of one application (the library) are no two processes
                boolean here = holder != null && holder.pid() == ProcessHandle.current().pid();
                throw new LockUnavailableException((here ? "another task of this process" : "another Archivist process")
                        + " holds the lock on " + lockFile.getParent() + ": " + (holder == null ? "holder unknown" : holder));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the lock on " + lockFile.getParent(), e);
            }
        }
    }

    /**
     * The holder of a lock this process could not take, waiting a moment for its record: a holder writes it just after
     * taking the lock, so one that won a race of starts a few milliseconds earlier is named rather than "unknown".
     */
    public static LockHolder holderOf(Path lockFile) throws InterruptedIOException {
        return awaitHolder(lockFile, System.nanoTime() + HOLDER_RECORD_GRACE.toNanos());
    }

    /** @param due the end of the wait, on {@link System#nanoTime}'s scale */
    private static LockHolder awaitHolder(Path lockFile, long due) throws InterruptedIOException {
        LockHolder holder = readHolder(lockFile);
        while (holder == null && System.nanoTime() - due < 0) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading who holds the lock on " + lockFile.getParent());
            }
            holder = readHolder(lockFile);
        }
        return holder;
    }

    /**
     * Whether another process, or another thread of this JVM, holds the lock now, asked without taking it and without
     * creating or writing anything (a read-only backup directory too): a missing lock file is held by nobody.
     */
    public static boolean heldElsewhere(Path lockFile) throws IOException {
        if (!Files.isRegularFile(lockFile)) {
            return false;
        }
        Object key = jvmKey(lockFile);
        if (!HELD_IN_THIS_JVM.add(key)) {
            return true; // a channel opened and closed here would release this JVM's lock: not opened
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.READ)) {
            FileLock probe = channel.tryLock(0, Long.MAX_VALUE, true);
            if (probe == null) {
                return true;
            }
            probe.release();
            return false;
        } catch (java.nio.file.AccessDeniedException e) {
            return false; // another user's lock file: this user cannot tell, and cannot take it either
        } finally {
            HELD_IN_THIS_JVM.remove(key);
        }
    }

    /** Takes the lock if free, else returns null. */
    public static DirectoryLock tryAcquire(Path lockFile, String command) throws IOException {
        Object key = jvmKey(lockFile);
        if (!HELD_IN_THIS_JVM.add(key)) {
            return null;
        }
        FileChannel channel = null;
        try {
            channel = openLockFile(lockFile);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                HELD_IN_THIS_JVM.remove(key);
                return null;
            }
            Object fileKey = Files.readAttributes(lockFile, BasicFileAttributes.class).fileKey();
            recordHolder(lockFile, command);
            return new DirectoryLock(lockFile, channel, lock, fileKey, key);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            HELD_IN_THIS_JVM.remove(key);
            if (e instanceof OverlappingFileLockException) {
                return null;
            }
            throw e;
        }
    }

    /**
     * Opens the lock file for writing (fcntl's exclusive lock needs it), creating it owner-only whatever the umask: made
     * and opened in one call, as a umask that takes the owner's bits ({@code umask 277}) would leave it read-only, so
     * that no later process could open it. One that such a umask left read-only (as Archivist made it before) is
     * given back its owner's bits when this user owns it.
     */
    private static FileChannel openLockFile(Path lockFile) throws IOException {
        for (int tries = 1; ; tries++) {
            try {
                return Durable.createOwnerOnly(lockFile);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (Files.isSymbolicLink(lockFile) && !Files.isRegularFile(lockFile)) { // else "no such file" for a name ls shows
                    throw new java.nio.file.FileSystemException(lockFile.toString(), null, "a symlink to "
                            + Files.readSymbolicLink(lockFile) + ", which leads to no file: remove it (the lock file is"
                            + " made again)");
                }
                try {
                    return FileChannel.open(lockFile, StandardOpenOption.WRITE);
                } catch (java.nio.file.NoSuchFileException removed) { // meanwhile (rm -rf BACKUP_DIR/.archivist): anew
                    if (tries == 10) {
                        throw removed;
                    }
                } catch (java.nio.file.AccessDeniedException readOnly) {
                    try {
                        Files.setPosixFilePermissions(lockFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                    } catch (IOException | RuntimeException notOurs) {
                        throw readOnly; // another user's: theirs to change
                    }
                    return FileChannel.open(lockFile, StandardOpenOption.WRITE);
                }
            }
        }
    }

    /**
     * What tells a lock file from every other in this JVM: its folder's device and inode (its real path where the file
     * system has none) and its name. Not its path: a folder reached through a symlink or a bind mount under another
     * name is the same folder, and a second channel opened there and closed would release this JVM's lock.
     */
    private static Object jvmKey(Path lockFile) throws IOException {
        Path folder = lockFile.toAbsolutePath().normalize().getParent();
        Object id = Files.readAttributes(folder, BasicFileAttributes.class).fileKey();
        return List.of(id != null ? id : folder.toRealPath(), lockFile.getFileName().toString());
    }

    /**
     * Writes who holds the lock, for the processes that wait. Only a courtesy: on a full disk (or one that turned
     * read-only) it cannot be written, and that must not stop the command that would free space, a rotation or the
     * sweep of a killed backup's leftovers. An older record is removed instead, so nobody is told a wrong holder.
     */
    private static void recordHolder(Path lockFile, String command) {
        LockHolder me = new LockHolder(ProcessHandle.current().pid(), command, Instant.now().toString());
        try {
            Durable.writeAtomically(holderFile(lockFile), Json.MAPPER.writeValueAsBytes(me));
        } catch (IOException e) {
            try {
                Files.deleteIfExists(holderFile(lockFile));
            } catch (IOException ignored) {
                // waiters then read a stale record: they still wait for the lock, which is what matters
            }
        }
    }

    /**
     * The recorded holder of a lock file, or null when unknown: a record without a pid, command or start time (damaged,
     * or of another version) names nobody ("pid 0 (null) since null"); keys this version does not know are ignored.
     */
    public static LockHolder readHolder(Path lockFile) {
        try {
            byte[] bytes = Files.readAllBytes(holderFile(lockFile));
            com.fasterxml.jackson.databind.JsonNode n = Json.MAPPER.readTree(new String(bytes, StandardCharsets.UTF_8));
            if (n == null || !n.path("pid").canConvertToLong() || !n.path("pid").isIntegralNumber()
                    || n.path("pid").longValue() <= 0 || !n.path("command").isTextual() || !n.path("since").isTextual()) {
                return null;
            }
            return new LockHolder(n.path("pid").longValue(), n.path("command").textValue(), n.path("since").textValue());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Path holderFile(Path lockFile) {
        return lockFile.resolveSibling(lockFile.getFileName() + ".holder");
    }

    /**
     * Whether the file at the lock's path is still the one this lock holds. A lock file removed ({@code rm -rf
     * BACKUP_DIR/.archivist}) or a backup directory moved or replaced leaves the lock on a file nobody else can see:
     * another process would take a new one at the path as if nobody held it. A lock file that is a symlink is the file
     * it leads to, as for every process that opens it (and as {@link #fileKey} was read).
     */
    public boolean stillAtItsPath() {
        try {
            return fileKey != null && fileKey.equals(Files.readAttributes(lockFile, BasicFileAttributes.class).fileKey());
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (stillAtItsPath()) { // else the record at the path is another holder's
                Files.deleteIfExists(holderFile(lockFile));
            }
            lock.release();
        } finally {
            channel.close();
            HELD_IN_THIS_JVM.remove(jvmKey);
        }
    }
}
