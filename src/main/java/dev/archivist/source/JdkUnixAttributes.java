package dev.archivist.source;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The whole {@code st_mode}, owner ids and link count of attributes the JDK read relative to an open folder.
 *
 * <p>Why reach into the JDK: its public views give these only through a path (the {@code unix:} view), and a path can
 * be redirected by a folder swapped for a symlink, so the walker would need a second {@code stat} through the path and
 * a device-and-inode check. The relative {@code PosixFileAttributes} the JDK returns is a
 * {@code sun.nio.fs.UnixFileAttributes}, which holds them all from its one {@code fstatat}. With
 * {@code --add-opens java.base/sun.nio.fs=ALL-UNNAMED} (bin/archivist and the tests pass it) they are read through
 * method handles; without it {@link #available()} is false and the walker takes the path and checks it.
 */
final class JdkUnixAttributes {
    private static final MethodHandle MODE;
    private static final MethodHandle UID;
    private static final MethodHandle GID;
    private static final MethodHandle NLINK;

    static {
        MethodHandle mode = null;
        MethodHandle uid = null;
        MethodHandle gid = null;
        MethodHandle nlink = null;
        try {
            Class<?> c = Class.forName("sun.nio.fs.UnixFileAttributes");
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(c, MethodHandles.lookup());
            MethodType asInt = MethodType.methodType(int.class, Object.class);
            mode = lookup.findVirtual(c, "mode", MethodType.methodType(int.class)).asType(asInt);
            uid = lookup.findVirtual(c, "uid", MethodType.methodType(int.class)).asType(asInt);
            gid = lookup.findVirtual(c, "gid", MethodType.methodType(int.class)).asType(asInt);
            nlink = lookup.findVirtual(c, "nlink", MethodType.methodType(int.class)).asType(asInt);
        } catch (ReflectiveOperationException | RuntimeException e) {
            mode = null; // not opened to us, or another JDK's classes: the walker uses paths
        }
        MODE = mode;
        UID = uid;
        GID = gid;
        NLINK = nlink;
    }

    private JdkUnixAttributes() {
    }

    /** Whether the JDK's attributes can be read here. */
    static boolean available() {
        return MODE != null;
    }

    /** The entry's {@link FileStat} from the JDK's relative attributes, or null when they are not the JDK's own. */
    static FileStat of(BasicFileAttributes a) {
        if (MODE == null || !a.getClass().getName().equals("sun.nio.fs.UnixFileAttributes")) {
            return null;
        }
        try {
            int mode = (int) MODE.invokeExact((Object) a);
            int uid = (int) UID.invokeExact((Object) a);
            int gid = (int) GID.invokeExact((Object) a);
            int nlink = (int) NLINK.invokeExact((Object) a);
            return new FileStat(mode, a.size(), a.lastModifiedTime(), Integer.toUnsignedLong(uid),
                    Integer.toUnsignedLong(gid), a.fileKey(), nlink);
        } catch (Throwable e) {
            return null;
        }
    }
}
