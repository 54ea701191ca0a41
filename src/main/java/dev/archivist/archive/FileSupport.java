package dev.archivist.archive;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/** Small file-system helpers shared by the writers: owner-only creation, directory fsync, hex. */
final class FileSupport {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> OWNER_RW = PosixFilePermissions.fromString("rw-------");

    private FileSupport() {
    }

    /** Creates a new file (fails if it exists) readable and writable by its owner only, open for writing. */
    static FileChannel createOwnerOnly(Path file) throws IOException {
        FileAttribute<?>[] attrs = POSIX
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_RW)}
                : new FileAttribute<?>[0];
        FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attrs);
        if (POSIX) {
            // the umask cannot widen rw-------, but it can narrow it; make the mode exact
            Files.setPosixFilePermissions(file, OWNER_RW);
        }
        return ch;
    }

    /** Flushes a directory's entries (renames, creations) to disk; a no-op where directories cannot be opened. */
    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (UnsupportedOperationException | java.nio.file.AccessDeniedException e) {
            // not supported on this platform (e.g. Windows): nothing more we can do
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 not available", e);
        }
    }

    static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    static void deleteQuietly(Path file, Throwable addTo) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            if (addTo != null) {
                addTo.addSuppressed(e);
            }
        }
    }
}
