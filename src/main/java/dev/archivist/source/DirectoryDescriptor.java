package dev.archivist.source;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The descriptor an open folder ({@link java.nio.file.SecureDirectoryStream}) holds, and a path that leads into that
 * folder through it ({@code /proc/self/fd/N/…}) rather than through the folders above it: what Java has no call for
 * ({@code readlinkat}, {@code mkdirat}, {@code symlinkat}, {@code linkat}) can then be done by such a path, which no
 * folder swapped for a link on the way can lead elsewhere.
 *
 * <p>Why reach into the JDK: Java gives no descriptor of a folder; the one a {@code SecureDirectoryStream} holds is its
 * field {@code dfd} ({@code sun.nio.fs}, opened to Archivist as for {@link JdkUnixAttributes}). Without it, or without
 * {@code /proc}, there is none, and callers fall back to the folder's path.
 */
public final class DirectoryDescriptor {
    private static final String PROC_FD = "/proc/self/fd/";
    private static final MethodHandle DFD = dfdGetter();

    private DirectoryDescriptor() {
    }

    private static MethodHandle dfdGetter() {
        try {
            Class<?> c = Class.forName("sun.nio.fs.UnixSecureDirectoryStream");
            MethodHandle getter = MethodHandles.privateLookupIn(c, MethodHandles.lookup()).findGetter(c, "dfd", int.class)
                    .asType(MethodType.methodType(int.class, Object.class));
            return Files.isDirectory(Path.of(PROC_FD)) ? getter : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // not opened to us, or another JDK
        }
    }

    /** Whether folders can be reached through their descriptors here. */
    public static boolean available() {
        return DFD != null;
    }

    /** {@code /proc/self/fd/N} of the open {@code folder}, or null when it has no descriptor to read. */
    public static Path of(DirectoryStream<?> folder) {
        if (DFD == null || !"sun.nio.fs.UnixSecureDirectoryStream".equals(folder.getClass().getName())) {
            return null;
        }
        try {
            return Path.of(PROC_FD + (int) DFD.invokeExact((Object) folder));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Whether {@code path} leads through a held descriptor: it must be used as it is, never resolved to a name. */
    public static boolean isHeld(Path path) {
        return path.startsWith(PROC_FD);
    }

    /**
     * {@code path} as another process must name it: through this process's own entry in {@code /proc} for a path that
     * leads through a held descriptor ({@code /proc/self} is the child's own there).
     */
    public static String forChild(Path path) {
        return isHeld(path) ? "/proc/" + ProcessHandle.current().pid() + "/fd/" + Path.of(PROC_FD).relativize(path)
                : path.toString();
    }
}
