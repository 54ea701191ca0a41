package dev.archivist.restore;

import dev.archivist.archive.Sha256;
import dev.archivist.catalog.Durable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Filesystem side of an extraction: creates files, directories and symlinks strictly below the
 * staging root, never following a symlink (every ancestor is checked with NOFOLLOW_LINKS, files are
 * created with CREATE_NEW), hashing file content while writing it. Files and directories are created
 * owner-only and get their final mode afterwards.
 */
final class StagingWriter {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final int BUFFER_SIZE = 1 << 20;
    private static final Set<OpenOption> CREATE_NEW_NOFOLLOW =
            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);

    /** Size and hex SHA-256 of a written file. */
    record Written(long size, String sha256) {
    }

    private final Path root;
    private final boolean posix;
    private final byte[] buffer = new byte[BUFFER_SIZE];
    /**
     * The folders this writer created or found to be real folders. Nothing in an extraction removes or replaces one
     * (every entry is created new), so each is checked once: checking every ancestor of every entry, each through its
     * full path, made a tree 1,000 levels deep take 54 s of system time to restore (GNU tar: 0.4 s).
     */
    private final Set<Path> folders = new HashSet<>();

    StagingWriter(Path root) {
        this.root = root;
        this.posix = Files.getFileAttributeView(root, PosixFileAttributeView.class) != null;
    }

    /**
     * The folder written into, as a person finds it: a held folder's {@code /proc/self/fd/N} read back to the path it
     * was opened at (for messages only: "No space left on device" alone does not say on which disk).
     */
    String location() {
        if (!dev.archivist.source.DirectoryDescriptor.isHeld(root)) {
            return root.toString();
        }
        try {
            return Files.readSymbolicLink(root).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return root.toString();
        }
    }

    /** Creates the directory {@code path} and any missing parents; returns true if {@code path} was created. */
    boolean createDirectories(String entryName, String path) throws IOException {
        Path dir = resolve(path);
        boolean created = false;
        for (Path missing : unchecked(dir)) {
            created = createDirectoryStep(entryName, missing);
        }
        return created;
    }

    /** Writes {@code content} to a new file at {@code path}, creating parents as needed. */
    Written writeFile(String entryName, String path, InputStream content) throws IOException {
        Path target = prepare(entryName, path);
        MessageDigest sha = Sha256.digest();
        long size = 0;
        try (OutputStream out = Channels.newOutputStream(created(target))) {
            int n;
            while ((n = content.read(buffer)) != -1) {
                out.write(buffer, 0, n);
                sha.update(buffer, 0, n);
                size += n;
            }
        }
        return new Written(size, Sha256.hex(sha.digest()));
    }

    /** Opens a file written earlier in this extraction (for hard links, restored as copies). */
    InputStream openWritten(String entryName, String path) throws IOException {
        return Files.newInputStream(linkTarget(entryName, path), NOFOLLOW);
    }

    /** The staging file a hard link names: it must be a regular file, not a symlink or folder in its place. */
    private Path linkTarget(String entryName, String path) throws IOException {
        Path source = prepare(entryName, path, false);
        if (!Files.isRegularFile(source, NOFOLLOW)) {
            throw new UnsafeEntryException(entryName, "hard link target '" + EntryNames.display(path) + "' is not a regular file in staging");
        }
        return source;
    }

    /**
     * Makes {@code path} another name of the regular file {@code target}, both in staging (creating parents as
     * needed); false when the file system has no hard links, for the caller to copy instead.
     */
    boolean createLink(String entryName, String path, String target) throws IOException {
        Path existing = linkTarget(entryName, target);
        try {
            Files.createLink(prepare(entryName, path), existing);
            return true;
        } catch (UnsupportedOperationException e) {
            return false;
        } catch (java.nio.file.FileSystemException e) {
            if (Files.exists(resolve(path), NOFOLLOW)) {
                throw e;
            }
            return false; // EPERM, EXDEV, EMLINK...: not a link here; the content is copied instead
        }
    }

    /** Creates the symlink {@code path -> target}, creating parents as needed. */
    void createSymlink(String entryName, String path, String target) throws IOException {
        Files.createSymbolicLink(prepare(entryName, path), Path.of(target));
    }

    /** Applies permission bits (never following links; no-op where POSIX permissions are unsupported). */
    void setMode(String path, int mode) throws IOException {
        if (!posix) {
            return;
        }
        if ((mode & 07000) != 0) { // setgid or sticky: beyond what PosixFilePermission can express
            Files.setAttribute(resolve(path), "unix:mode", mode, NOFOLLOW);
            return;
        }
        PosixFileAttributeView view = Files.getFileAttributeView(resolve(path), PosixFileAttributeView.class, NOFOLLOW);
        view.setPermissions(PosixFilePermissions.fromString(toRwx(mode)));
    }

    /** Applies the modification time to the path itself (never following links). */
    void setMtime(String path, FileTime mtime) throws IOException {
        ExactTimes.setMtime(resolve(path), mtime);
    }

    /**
     * Drops {@code path} from the folders known to be real (a folder the extraction will not write in again): a later
     * entry below it is checked again, and the set stays as small as the current path.
     */
    void forgetFolder(String path) {
        folders.remove(resolve(path));
    }

    /** True if {@code path} exists in staging as a real directory. */
    boolean isDirectory(String path) {
        Path dir = resolve(path);
        return folders.contains(dir) || Files.isDirectory(dir, NOFOLLOW);
    }

    private Path prepare(String entryName, String path) throws IOException {
        return prepare(entryName, path, true);
    }

    /** Checks every ancestor is a real directory below the root (creating missing ones if asked). */
    private Path prepare(String entryName, String path, boolean createParents) throws IOException {
        Path target = resolve(path);
        for (Path parent : unchecked(target.getParent())) {
            if (createParents) {
                createDirectoryStep(entryName, parent);
            } else if (Files.isDirectory(parent, NOFOLLOW)) {
                folders.add(parent);
            } else {
                throw new UnsafeEntryException(entryName, "parent '" + root.relativize(parent) + "' is not a directory");
            }
        }
        return target;
    }

    /** {@code dir} and those of its ancestors below the root not yet known as folders, outermost first. */
    private List<Path> unchecked(Path dir) {
        List<Path> missing = new ArrayList<>();
        for (Path p = dir; p != null && !p.equals(root) && !folders.contains(p); p = p.getParent()) {
            missing.add(p);
        }
        Collections.reverse(missing);
        return missing;
    }

    /**
     * Creates the folder {@code dir} (its parent a known folder) or accepts the real folder already there; anything
     * else in its place is refused. {@code mkdir} first: it never follows a symlink in the last place, and in a new
     * staging folder it nearly always succeeds, so the checks run only when something is there.
     */
    private boolean createDirectoryStep(String entryName, Path dir) throws IOException {
        try {
            if (posix) {
                Durable.createOwnerOnlyDirectory(dir);
            } else {
                Files.createDirectory(dir);
            }
            folders.add(dir);
            return true;
        } catch (FileAlreadyExistsException e) {
            if (Files.isSymbolicLink(dir)) {
                throw new UnsafeEntryException(entryName, "refusing to write through the symlink '" + root.relativize(dir) + "'");
            }
            if (!Files.isDirectory(dir, NOFOLLOW)) {
                throw new UnsafeEntryException(entryName, "parent '" + root.relativize(dir) + "' is not a directory");
            }
            folders.add(dir);
            return false;
        }
    }

    private Path resolve(String path) {
        Path resolved = root.resolve(path).normalize();
        if (!resolved.startsWith(root) || resolved.equals(root)) {
            throw new IllegalStateException("path '" + path + "' is not below " + root + " (validation bug)");
        }
        return resolved;
    }

    /**
     * A new file, owner-only until its mode is set: exactly {@code rw-------} where the file system has POSIX modes,
     * whatever the umask ({@code umask 777} would leave it closed to its owner, whose mode could then not be set).
     */
    private java.nio.channels.WritableByteChannel created(Path target) throws IOException {
        return posix ? Durable.createOwnerOnly(target) : Files.newByteChannel(target, CREATE_NEW_NOFOLLOW);
    }

    /** The permission bits of {@code mode} as {@code rwxr-x---}. */
    static String toRwx(int mode) {
        StringBuilder rwx = new StringBuilder(9);
        String letters = "rwxrwxrwx";
        for (int bit = 8; bit >= 0; bit--) {
            rwx.append((mode & (1 << bit)) != 0 ? letters.charAt(8 - bit) : '-');
        }
        return rwx.toString();
    }
}
