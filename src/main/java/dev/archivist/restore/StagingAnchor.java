package dev.archivist.restore;

import java.io.Closeable;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A staging folder held open for the whole extraction, and a path that leads into it through the open descriptor
 * ({@code /proc/self/fd/N}) rather than through the folder that holds it. A user who may rename entries of that folder
 * (the in-place restore of a volume the application's user owns, a {@code --target} in a user's folder) can swap the
 * staging folder's name for a folder or link of its own; it cannot change what the descriptor leads to, so what a
 * restore run as root writes, and the owners and modes it sets, stay in the folder it made.
 *
 * <p>Why reach into the JDK: Java gives no descriptor of a folder, and has no {@code mkdirat}, {@code symlinkat} or
 * {@code linkat} for a relative extraction; the descriptor a {@link SecureDirectoryStream} holds is its field
 * {@code dfd} ({@code sun.nio.fs}, opened to Archivist as for {@code source/JdkUnixAttributes}). Without it, or
 * without {@code /proc}, the staging folder's own path is used, as before, and {@link #held()} is false.
 */
public final class StagingAnchor implements Closeable {
    private static final String PROC_FD = "/proc/self/fd/";
    private static final MethodHandle DFD;

    static {
        MethodHandle dfd = null;
        try {
            Class<?> c = Class.forName("sun.nio.fs.UnixSecureDirectoryStream");
            dfd = MethodHandles.privateLookupIn(c, MethodHandles.lookup()).findGetter(c, "dfd", int.class)
                    .asType(MethodType.methodType(int.class, Object.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            dfd = null; // not opened to us, or another JDK: the staging folder's path is used
        }
        DFD = dfd;
    }

    private final DirectoryStream<Path> open;
    private final Path path;

    private StagingAnchor(DirectoryStream<Path> open, Path path) {
        this.open = open;
        this.path = path;
    }

    /**
     * Holds {@code staging}, just made by {@link RestoreFiles#createClosed}: owner-only, this process's, empty, and
     * still at its name when opened (else the restore stops: something replaced it).
     */
    public static StagingAnchor hold(Path staging) throws IOException {
        if (DFD == null || !Files.isDirectory(Path.of(PROC_FD))) {
            return new StagingAnchor(null, staging);
        }
        DirectoryStream<Path> open = Files.newDirectoryStream(staging);
        try {
            if (!(open instanceof SecureDirectoryStream<Path> folder)) {
                open.close();
                return new StagingAnchor(null, staging);
            }
            Path anchored = Path.of(PROC_FD + (int) DFD.invokeExact((Object) open));
            Path expected = staging.getParent().toRealPath().resolve(staging.getFileName());
            PosixFileAttributes a = folder.getFileAttributeView(PosixFileAttributeView.class).readAttributes();
            Object self = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            if (!Files.readSymbolicLink(anchored).equals(expected)
                    || !PosixFilePermissions.toString(a.permissions()).equals("rwx------")
                    || !self.equals(Files.getAttribute(anchored, "unix:uid", LinkOption.NOFOLLOW_LINKS))
                    || open.iterator().hasNext()) {
                throw new IOException("the staging folder " + staging + " was replaced as the restore began");
            }
            return new StagingAnchor(open, anchored);
        } catch (IOException | RuntimeException | Error e) {
            open.close();
            throw e;
        } catch (Throwable t) {
            open.close();
            throw new IllegalStateException(t);
        }
    }

    /** True when {@code path} leads through a held descriptor: it must be used as it is, never resolved to a name. */
    static boolean isAnchored(Path path) {
        return path.startsWith(PROC_FD);
    }

    /**
     * {@code path} as another process must name it: through this process's own entry in {@code /proc} for a path that
     * leads through a held descriptor ({@code /proc/self} is the child's own there).
     */
    static String forChild(Path path) {
        return isAnchored(path) ? "/proc/" + ProcessHandle.current().pid() + "/fd/" + Path.of(PROC_FD).relativize(path)
                : path.toString();
    }

    /** Whether the folder is held by its descriptor (else {@link #path()} is its name). */
    public boolean held() {
        return open != null;
    }

    /** The path to reach the staging folder's entries through while it is held. */
    public Path path() {
        return path;
    }

    /**
     * The path of the staging folder itself, for a change that must not follow a link in its place: through the
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
