package dev.archivist.restore;

import java.io.Closeable;
import dev.archivist.source.DirectoryDescriptor;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A folder held open while a restore works in it, and a path that leads into it through the open descriptor
 * ({@code /proc/self/fd/N}) rather than through the folder that holds it. A user who may rename entries of that folder
 * (the in-place restore of a volume the application's user owns, a {@code --target} in a user's folder) can swap the
 * held folder's name for a folder or link of its own; it cannot change what the descriptor leads to, so what a
 * restore run as root writes, moves, and the owners and modes it sets, stay in the folders it means.
 *
 * <p>The descriptor is read as {@link DirectoryDescriptor} reads it. Without it, or without {@code /proc}, the
 * folder's own path is used, as before, and {@link #held()} is false.
 */
public final class HeldFolder implements Closeable {
    private final DirectoryStream<Path> open;
    private final Path path;
    private final Path name;

    private HeldFolder(DirectoryStream<Path> open, Path path, Path name) {
        this.open = open;
        this.path = path;
        this.name = name;
    }

    /**
     * Holds {@code staging}, just made by {@link RestoreFiles#createClosed}: owner-only, this process's, empty, and
     * still at its name when opened (else the restore stops: something replaced it).
     */
    public static HeldFolder hold(Path staging) throws IOException {
        if (!canHold()) {
            return new HeldFolder(null, staging, staging);
        }
        HeldFolder held = anchor(Files.newDirectoryStream(staging), staging);
        try {
            Path expected = staging.getParent().toRealPath().resolve(staging.getFileName());
            if (held.held() && !(Files.readSymbolicLink(held.path).equals(expected) && held.madeHereAndEmpty())) {
                throw new IOException("the staging folder " + staging + " was replaced as the restore began");
            }
            return held;
        } catch (IOException | RuntimeException | Error e) {
            held.close();
            throw e;
        }
    }

    /**
     * Holds the existing folder {@code folder} (a link to a folder is followed: the operator's path names it), for
     * {@link #child} to hold the folders a switch moves entries between.
     */
    public static HeldFolder holdExisting(Path folder) throws IOException {
        return canHold() ? anchor(Files.newDirectoryStream(folder), folder) : new HeldFolder(null, folder, folder);
    }

    /**
     * Holds the folder at {@code name} in this one, never through a link at that name: one there, or a file, is
     * refused. With {@code madeHere}, the folder this process has just made there: it must also be owner-only, its own
     * and empty.
     */
    public HeldFolder child(String name, boolean madeHere) throws IOException {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0) {
            throw new IllegalArgumentException("not a name in a folder: " + name);
        }
        Path named = this.name.resolve(name);
        if (!(open instanceof SecureDirectoryStream<Path> folder)) { // by name, as GNU tar does
            if (!Files.isDirectory(named, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(named + " is not a folder (a link or a file is at its name)");
            }
            return new HeldFolder(null, named, named);
        }
        DirectoryStream<Path> inside;
        try {
            inside = folder.newDirectoryStream(Path.of(name), LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.FileSystemException e) {
            if (e instanceof java.nio.file.NoSuchFileException) {
                throw e;
            }
            throw new IOException(named + " is not a folder (a link or a file is at its name): " + e.getMessage(), e);
        }
        HeldFolder held = anchor(inside, named);
        if (madeHere && held.held() && !held.madeHereAndEmpty()) {
            held.close();
            throw new IOException("the folder " + named + " was replaced just after it was made");
        }
        return held;
    }

    private static boolean canHold() {
        return DirectoryDescriptor.available();
    }

    /** {@code open} held through its descriptor, or closed and {@code name} used where it has none. */
    private static HeldFolder anchor(DirectoryStream<Path> open, Path name) throws IOException {
        Path through;
        try {
            through = DirectoryDescriptor.of(open);
        } catch (RuntimeException | Error e) {
            open.close();
            throw e;
        }
        if (through == null) {
            open.close();
            return new HeldFolder(null, name, name);
        }
        return new HeldFolder(open, through, name);
    }

    /** Whether the held folder is owner-only, this process's and empty, as a folder this process has just made. */
    private boolean madeHereAndEmpty() throws IOException {
        PosixFileAttributes a = ((SecureDirectoryStream<Path>) open).getFileAttributeView(PosixFileAttributeView.class)
                .readAttributes();
        Object self = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        return PosixFilePermissions.toString(a.permissions()).equals("rwx------")
                && self.equals(Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS))
                && !open.iterator().hasNext();
    }

    /** Whether the folder is held by its descriptor (else {@link #path()} is its name). */
    public boolean held() {
        return open != null;
    }

    /** The folder's path by name, for messages and journals: never to be acted on while it is held. */
    public Path name() {
        return name;
    }

    /** The path to reach the folder's entries through while it is held. */
    public Path path() {
        return path;
    }

    /**
     * The path of the folder itself, for a change that must not follow a link in its place: through the
     * descriptor, {@code .} below it (the descriptor's own entry in {@code /proc} is a link); else its name.
     */
    public Path itself() {
        return open != null ? path.resolve(".") : path;
    }

    @Override
    public void close() throws IOException {
        if (open != null) {
            open.close();
        }
    }
}
