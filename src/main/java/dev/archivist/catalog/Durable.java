package dev.archivist.catalog;

import dev.archivist.ArchivistException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crash-safe file operations: write to a temporary name, fsync, rename, fsync the directory. Files are created
 * owner-only. The prefix {@link #TEMP_PREFIX} marks every temporary file so a later run can remove leftovers.
 */
public final class Durable {
    private static final Logger LOG = LoggerFactory.getLogger(Durable.class);
    /** Every temporary file Archivist writes starts with this. */
    public static final String TEMP_PREFIX = ".tmp-";

    private Durable() {
    }

    private static final java.util.concurrent.atomic.AtomicLong COUNTER = new java.util.concurrent.atomic.AtomicLong();

    /**
     * A temporary sibling for writing {@code target}: unique per process and call, so two writers of the same file
     * (a daemon and a one-off command saving state) never share a temporary file.
     */
    public static Path tempFor(Path target) {
        String suffix = "." + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
        // a target whose own name is near 255 bytes (dump --output of such a file) needs a shorter temporary name
        String name = FileNames.shorten(target.getFileName().toString(),
                FileNames.NAME_MAX - FileNames.bytes(TEMP_PREFIX) - FileNames.bytes(suffix));
        return target.resolveSibling(TEMP_PREFIX + name + suffix);
    }

    /** The permissions of the files Archivist writes: they hold the application's data, for their owner only. */
    public static final java.nio.file.attribute.FileAttribute<Set<java.nio.file.attribute.PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    /**
     * Atomically replaces {@code target} with {@code content}. The temporary file is created new (O_EXCL): its name
     * can be guessed, and a restore writes its journal into folders another user may write (the storage folder, the
     * one it is in), where a link planted at that name would otherwise have root write through it. A name taken is
     * passed over for the next.
     */
    public static void writeAtomically(Path target, byte[] content) throws IOException {
        Path temp = tempFor(target);
        FileChannel created = null;
        for (int tries = 1; created == null; tries++) {
            try {
                created = createOwnerOnly(temp);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (tries == 100) {
                    throw e;
                }
                temp = tempFor(target);
            }
        }
        try (FileChannel ch = created) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        } catch (java.nio.file.FileSystemException e) { // names its file already
            Files.deleteIfExists(temp);
            throw e;
        } catch (IOException e) { // a failed write says only "No space left on device": say where
            Files.deleteIfExists(temp);
            throw new IOException("cannot write " + target + ": " + ArchivistException.reason(e), e);
        } catch (RuntimeException | Error e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        try {
            move(temp, target);
        } catch (IOException | RuntimeException e) { // refused (an immutable or read-only target, a folder there)
            Files.deleteIfExists(temp);
            throw e;
        }
        fsyncDirectory(target.toAbsolutePath().getParent());
    }

    /**
     * Creates {@code file} new (O_EXCL: a link planted at its name is refused, never followed) and opens it for writing
     * in the same call, owner-only ({@code rw-------}) whatever the umask: a umask that takes the owner's bits
     * ({@code umask 277}) would otherwise leave it read-only to its owner, so that no later open could write it. On
     * failure after the creation, the file is removed.
     */
    public static FileChannel createOwnerOnly(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS), OWNER_ONLY);
        try {
            undoUmask(file, OWNER_RW);
        } catch (IOException | RuntimeException e) {
            ch.close();
            Files.deleteIfExists(file);
            throw e;
        }
        return ch;
    }

    /**
     * Creates the folder {@code dir} owner-only ({@code rwx------}), also under a umask that takes bits from the owner
     * ({@code umask 277}, {@code 777}), which would leave it read-only, or closed, to its owner as {@code mkdir} makes
     * it (GNU tar likewise gives the folders it extracts their owner's bits).
     */
    public static void createOwnerOnlyDirectory(Path dir) throws IOException {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_RWX));
        undoUmask(dir, OWNER_RWX);
    }

    /**
     * Gives {@code path}, just made by this process with {@code mode}, that exact mode where the umask took some of it.
     * Set through the entry opened with O_NOFOLLOW (never what a link put there leads to); Java opens it for reading to
     * do so, which its owner cannot at mode 000 ({@code umask 777}) unless root: then by path, which changes only what
     * this user owns.
     */
    private static void undoUmask(Path path, Set<PosixFilePermission> mode) throws IOException {
        int bits = 0;
        for (PosixFilePermission p : mode) {
            bits |= bit(p);
        }
        if ((UMASK & bits) == 0) {
            return;
        }
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            return; // no POSIX modes here
        }
        try {
            view.setPermissions(mode);
        } catch (java.nio.file.AccessDeniedException closedToItsOwner) {
            Files.setPosixFilePermissions(path, mode);
        }
    }

    /** This process's umask (no call changes it), read once. */
    public static final int UMASK = umask();

    /** This process's umask, from Linux's /proc/self/status; the usual 022 where that cannot be read. */
    private static int umask() {
        try (var lines = Files.lines(Path.of("/proc/self/status"))) {
            return lines.filter(l -> l.startsWith("Umask:")).findFirst()
                    .map(l -> Integer.parseInt(l.substring("Umask:".length()).trim(), 8)).orElse(022);
        } catch (IOException | RuntimeException e) {
            return 022;
        }
    }

    /** Renames {@code from} to {@code to} atomically and fsyncs the directory. */
    public static void rename(Path from, Path to) throws IOException {
        move(from, to);
        fsyncDirectory(to.toAbsolutePath().getParent());
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Flushes a file's content to disk. */
    public static void fsync(Path file) throws IOException {
        // read-only is enough for fsync on Linux, and works on files restored without write permission
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /**
     * Copies the regular file {@code from} into {@code to}, created new with {@code from}'s permissions (whatever the
     * umask: a new live database restored from the catalog's owner-only copy came out 0400 under {@code umask 277},
     * 000 under {@code 777}, for the application to fail on), and fsyncs it
     * through the channel that wrote it. Neither is followed if a link: the folder may be another user's (the
     * database's), who could otherwise have root copy a file only root may read into it, or block on a FIFO.
     *
     * @return false, copying nothing, when {@code from} is not a regular file
     */
    public static boolean copyRegularFile(Path from, Path to) throws IOException {
        PosixFileAttributes a;
        try {
            a = Files.readAttributes(from, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException gone) {
            return false;
        }
        if (!a.isRegularFile()) {
            return false;
        }
        try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
             FileChannel out = FileChannel.open(to, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                     LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(a.permissions()))) {
            undoUmask(to, a.permissions());
            long size = in.size();
            for (long done = 0; done < size; ) {
                long n = out.transferFrom(in, done, size - done);
                if (n <= 0) {
                    break; // shrank meanwhile: what was there is copied
                }
                done += n;
            }
            out.force(true);
        }
        return true;
    }

    /**
     * Flushes a directory's entries (new names, renames) to disk. A write-back failure ({@code EIO}, a full disk or
     * quota) means the names may not survive a power cut and fails the caller, as a failed fsync of a file does; any
     * other refusal (a file system that does not fsync directories: {@code EINVAL}, {@code ENOTSUP}, {@code ENOSYS};
     * a folder this user may not read) is passed over, the rename being atomic there all the same. (Java gives the
     * error's text only, so the failures are known by the C library's English words; under a locale that translates
     * them, every refusal is passed over, as before these were told apart.)
     */
    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            String why = String.valueOf(e.getMessage());
            if (why.contains("Input/output error") || why.contains("No space left") || why.contains("quota exceeded")) {
                throw new IOException("cannot flush the folder " + dir + " to disk: " + ArchivistException.reason(e), e);
            }
        }
    }

    /**
     * As {@link #fsyncDirectory}, after a switch that is done once its renames are (a restore's): a failure to flush is
     * logged, not thrown, for the new names are in place and in use; reporting the switch as failed would make a caller
     * take it for one that did not happen (a full restore would then leave its database unswitched).
     */
    public static void fsyncDirectoryAfterSwitch(Path dir) {
        try {
            fsyncDirectory(dir);
        } catch (IOException e) {
            LOG.warn("the switch in {} is done, but the folder could not be flushed to disk ({}): it may not survive a"
                    + " power cut", dir, ArchivistException.reason(e));
        }
    }

    /** As {@link #rename}, for a rename that is a restore's switch: see {@link #fsyncDirectoryAfterSwitch}. */
    public static void renameSwitched(Path from, Path to) throws IOException {
        move(from, to);
        fsyncDirectoryAfterSwitch(to.toAbsolutePath().getParent());
    }

    /**
     * Creates a directory if missing, owner-only ({@link #createOwnerOnlyDirectory}) whatever the umask; its missing
     * parents as {@link #createDirectories} makes them.
     */
    public static Path ensureDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Path abs = dir.toAbsolutePath();
            createDirectories(abs.getParent());
            created(abs, OWNER_RWX);
        }
        return dir;
    }

    /**
     * Creates {@code dir} and its missing parents as {@code mkdir -p} does, each with all of its owner's bits, as GNU
     * tar makes the folders it needs: a umask such as {@code 277} would leave a folder its owner cannot write the next
     * one, or a file, into.
     *
     * @return the folders this call made, outermost first (none made by another process meanwhile), for
     *         {@link #removeMadeFolders(List)}
     */
    public static List<Path> createDirectories(Path dir) throws IOException {
        if (dir == null || Files.isDirectory(dir)) {
            return new ArrayList<>();
        }
        List<Path> made = createDirectories(dir.toAbsolutePath().getParent());
        Set<PosixFilePermission> mode = mkdirMode();
        mode.addAll(OWNER_RWX);
        if (created(dir, mode)) {
            made.add(dir.toAbsolutePath());
        }
        return made;
    }

    /**
     * Removes the folders {@link #createDirectories(Path)} made, deepest first, while they are empty: the first one
     * that holds something (or is gone, or no folder any more) ends it, so nothing another process put there is ever
     * removed.
     */
    public static void removeMadeFolders(List<Path> made) throws IOException {
        for (int i = made.size() - 1; i >= 0; i--) {
            if (!Files.isDirectory(made.get(i), LinkOption.NOFOLLOW_LINKS)) {
                return; // replaced meanwhile: not this run's folder any more
            }
            try {
                Files.delete(made.get(i)); // rmdir: only an empty folder
            } catch (java.nio.file.DirectoryNotEmptyException | NoSuchFileException e) {
                return;
            }
        }
    }

    /**
     * Creates the folder {@code dir} with {@code mode} exactly; one another process made meanwhile is as good.
     *
     * @return whether this call made it
     */
    private static boolean created(Path dir, Set<PosixFilePermission> mode) throws IOException {
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(mode));
            undoUmask(dir, mode);
            return true;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) { // "already exists" alone reads as if the folder were there
                throw new java.nio.file.FileAlreadyExistsException(dir.toString(), null, notAFolder(dir)
                        + " where a folder is needed: move it away or remove it");
            }
            return false;
        }
    }

    /** What is at {@code path} instead of a folder: a file, or a symlink that leads to no folder (and where). */
    private static String notAFolder(Path path) {
        if (Files.isSymbolicLink(path)) {
            try {
                return "a symlink to " + Files.readSymbolicLink(path) + ", which leads to no folder,";
            } catch (IOException | UnsupportedOperationException e) {
                return "a symlink that leads to no folder";
            }
        }
        return "a file";
    }

    /** The mode {@code mkdir} gives a new folder under this process's umask. */
    public static Set<PosixFilePermission> mkdirMode() {
        Set<PosixFilePermission> mode = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission p : PosixFilePermission.values()) {
            if ((UMASK & bit(p)) == 0) {
                mode.add(p);
            }
        }
        return mode;
    }

    /** The mode bit of {@code p}: the enum runs from OWNER_READ (0400) to OTHERS_EXECUTE (0001). */
    private static int bit(PosixFilePermission p) {
        return 0400 >> p.ordinal();
    }

    /**
     * Makes everything written under {@code root} durable before it is renamed into place: the file system's
     * {@code syncfs} through coreutils' {@code sync -f}, or, where that is unavailable, every file and directory of
     * the tree fsynced (symlinks not followed).
     *
     * <p>Why a process: Java has no {@code syncfs}, and fsyncing a restored tree file by file costs one journal
     * commit per file (minutes for 100,000 files on ext4); one {@code syncfs} flushes them together.
     *
     * @return how it was done, for the restore's notes
     */
    public static String syncTree(Path root) throws IOException {
        try {
            Process p = new ProcessBuilder("sync", "-f", root.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (p.waitFor(30, java.util.concurrent.TimeUnit.MINUTES) && p.exitValue() == 0) {
                return "synced to disk (syncfs)";
            }
            p.destroyForcibly();
        } catch (IOException e) {
            // no sync command: fsync file by file below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while syncing " + root);
        }
        fsyncTree(root);
        return "synced to disk (every file fsynced)";
    }

    /** Fsyncs every regular file and directory under {@code root}, children before their directory. */
    static void fsyncTree(Path root) throws IOException {
        if (Files.isDirectory(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (var children = Files.list(root)) {
                for (Path child : (Iterable<Path>) children::iterator) {
                    fsyncTree(child);
                }
            }
            fsyncDirectory(root);
        } else if (Files.isRegularFile(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            fsync(root);
        }
    }

    /**
     * Deletes a file or a whole tree without following symlinks; missing is fine. {@code root} itself is opened
     * through the descriptor of the folder it is in, and below it each folder through its parent's
     * ({@link SecureDirectoryStream}: openat, fchmod and unlinkat with O_NOFOLLOW), so a user who may rename entries
     * there (a restore's staging folder inside the application's storage folder, the old storage folder a restore
     * kept, run by root) cannot swap a folder for a symlink between its check and its opening and have root empty, or
     * change the mode of, what the link leads to.
     */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path abs = root.toAbsolutePath();
        if (abs.getParent() != null) {
            try (DirectoryStream<Path> parent = Files.newDirectoryStream(abs.getParent())) {
                if (parent instanceof SecureDirectoryStream<Path> folder) {
                    remove(folder, abs.getFileName(), abs);
                    return;
                }
            } catch (java.nio.file.AccessDeniedException e) {
                // a folder this user may enter but not list: root by its path, below it by descriptors
            }
        }
        if (Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            letOwnerEmpty(root);
            try (DirectoryStream<Path> children = Files.newDirectoryStream(root)) {
                if (children instanceof SecureDirectoryStream<Path> folder) {
                    empty(folder, root);
                } else {
                    for (Path child : children) {
                        deleteTree(child);
                    }
                }
            }
        }
        Files.deleteIfExists(root);
    }

    /** Deletes everything in the open {@code folder} (at {@code path}), never leaving it by a link. */
    private static void empty(SecureDirectoryStream<Path> folder, Path path) throws IOException {
        List<Path> names = new ArrayList<>();
        for (Path child : folder) {
            names.add(child.getFileName());
        }
        for (Path name : names) {
            remove(folder, name, path.resolve(name));
        }
    }

    /** Deletes the entry {@code name} of the open {@code folder} (at {@code path}), a tree with all it holds. */
    private static void remove(SecureDirectoryStream<Path> folder, Path name, Path path) throws IOException {
        PosixFileAttributeView view = folder.getFileAttributeView(name, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        PosixFileAttributes a;
        try {
            a = view.readAttributes();
        } catch (NoSuchFileException gone) {
            return;
        }
        if (!a.isDirectory()) {
            deleteQuietly(folder, name, false);
            return;
        }
        if (!a.permissions().containsAll(OWNER_RWX)) {
            // a restored folder of mode 0555 or 000: its entries cannot be listed or removed until its owner may, as
            // rm -rf would need too (only a process that may not bypass modes needs it, and removes only its own)
            Set<PosixFilePermission> bits = EnumSet.copyOf(OWNER_RWX);
            bits.addAll(a.permissions());
            try {
                view.setPermissions(bits); // fchmod of the entry opened O_NOFOLLOW: never what a link leads to
            } catch (java.nio.file.AccessDeniedException unreadable) {
                // mode 000, not root (root opens any folder): chmod by path, which changes only what this user owns
                ownerMayWrite(path);
            } catch (IOException ignored) {
                // not ours to change: emptying it fails below with the reason
            }
        }
        SecureDirectoryStream<Path> child;
        try {
            child = folder.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException gone) {
            return;
        } catch (java.nio.file.FileSystemException e) {
            BasicFileAttributes now = folder.getFileAttributeView(name, BasicFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS).readAttributes();
            if (now.isDirectory()) {
                throw e; // out of descriptors (a tree thousands deep), say: named, never retried by path
            }
            deleteQuietly(folder, name, false); // swapped for a link or a file meanwhile: that is removed, not followed
            return;
        }
        try (child) {
            empty(child, path);
        }
        deleteQuietly(folder, name, true);
    }

    private static final Set<PosixFilePermission> OWNER_RWX = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
    private static final Set<PosixFilePermission> OWNER_RW = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE);

    private static void deleteQuietly(SecureDirectoryStream<Path> folder, Path name, boolean directory) throws IOException {
        try {
            if (directory) {
                folder.deleteDirectory(name);
            } else {
                folder.deleteFile(name);
            }
        } catch (NoSuchFileException gone) {
            // removed meanwhile: as good
        }
    }

    /**
     * A restored folder of mode 0555 or 000 (when not root): its entries cannot be listed or removed until its owner
     * may, as rm -rf would need too. Set by path, which only a process that may not bypass the modes needs: such a
     * process removes only what its own user owns.
     */
    private static void letOwnerEmpty(Path dir) {
        if (!Files.isReadable(dir) || !Files.isWritable(dir) || !Files.isExecutable(dir)) {
            ownerMayWrite(dir);
        }
    }

    /** Gives a folder's owner rwx, keeping its other bits; one it cannot change is left as it is (the removal says why). */
    private static void ownerMayWrite(Path dir) {
        try {
            java.util.Set<java.nio.file.attribute.PosixFilePermission> bits = Files.getPosixFilePermissions(dir,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS);
            bits.addAll(OWNER_RWX);
            Files.setPosixFilePermissions(dir, bits);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not ours to change: deleting its entries fails below with the reason
        }
    }
}
