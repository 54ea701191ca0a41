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
import java.util.Set;

/** Small file-system helpers shared by the writers: owner-only creation, quiet deletion. */
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
