package dev.archivist.source;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

/**
 * The whole {@code st_mode}, owner ids and link count of attributes the JDK read relative to an open folder.
 *
 * <p>Why reach into the JDK: its public views give these only through a path (the {@code unix:} view), and a path can
 * be redirected by a folder swapped for a symlink, so the walker would need a second {@code stat} through the path and
 * a device-and-inode check. The relative {@code PosixFileAttributes} the JDK returns is a
 * {@code sun.nio.fs.UnixFileAttributes}, which holds them all from its one {@code fstatat}. With
 * {@code --add-opens java.base/sun.nio.fs=ALL-UNNAMED} (the jar's manifest has it as {@code Add-Opens}; the tests pass
 * it) they are read through method handles; without it {@link #available()} is false and the walker takes the path and
 * checks it.
 *
 * <p>The modification time is read from the same object's seconds and nanoseconds: JDK 17 turns a time before 1677 or
 * after 2262 (out of a long of nanoseconds) into microseconds, so the archive lost its last three digits.
 */
final class JdkUnixAttributes {
    private static final MethodHandle MODE;
    private static final MethodHandle UID;
    private static final MethodHandle GID;
    private static final MethodHandle NLINK;
    private static final MethodHandle MTIME_SECONDS;
    private static final MethodHandle MTIME_NANOS;
    /** The JDK's {@code st_ctime_sec} and {@code st_ctime_nsec} (status change time), or null. */
    private static final MethodHandle CTIME_SECONDS;
    private static final MethodHandle CTIME_NANOS;
    /** The JDK's attributes inside what its basic view returns (a wrapper), or null for anything else. */
    private static final MethodHandle UNWRAP;
    /** The JDK's {@code fstat} of a descriptor ({@code UnixFileAttributes.get(int)}), or null. */
    private static final MethodHandle FSTAT;

    static {
        MethodHandle mode = null;
        MethodHandle uid = null;
        MethodHandle gid = null;
        MethodHandle nlink = null;
        MethodHandle seconds = null;
        MethodHandle nanos = null;
        MethodHandle unwrap = null;
        MethodHandle fstat = null;
        MethodHandle ctimeSeconds = null;
        MethodHandle ctimeNanos = null;
        Class<?> c = null;
        MethodHandles.Lookup lookup = null;
        try {
            c = Class.forName("sun.nio.fs.UnixFileAttributes");
            lookup = MethodHandles.privateLookupIn(c, MethodHandles.lookup());
        } catch (ReflectiveOperationException | RuntimeException e) {
            lookup = null; // not opened to us: the walker uses paths, and times the JDK's own conversion
        }
        if (lookup != null) {
            try {
                MethodType asInt = MethodType.methodType(int.class, Object.class);
                mode = lookup.findVirtual(c, "mode", MethodType.methodType(int.class)).asType(asInt);
                uid = lookup.findVirtual(c, "uid", MethodType.methodType(int.class)).asType(asInt);
                gid = lookup.findVirtual(c, "gid", MethodType.methodType(int.class)).asType(asInt);
                nlink = lookup.findVirtual(c, "nlink", MethodType.methodType(int.class)).asType(asInt);
            } catch (ReflectiveOperationException | RuntimeException e) {
                mode = null; // another JDK's classes: the walker uses paths
            }
            try {
                MethodType asLong = MethodType.methodType(long.class, Object.class);
                seconds = lookup.findGetter(c, "st_mtime_sec", long.class).asType(asLong);
                nanos = lookup.findGetter(c, "st_mtime_nsec", long.class).asType(asLong);
                unwrap = lookup.findStatic(c, "toUnixFileAttributes", MethodType.methodType(c, BasicFileAttributes.class))
                        .asType(MethodType.methodType(Object.class, BasicFileAttributes.class));
            } catch (ReflectiveOperationException | RuntimeException e) {
                seconds = null; // the JDK's own conversion then
            }
            try {
                fstat = lookup.findStatic(c, "get", MethodType.methodType(c, int.class))
                        .asType(MethodType.methodType(BasicFileAttributes.class, int.class));
            } catch (ReflectiveOperationException | RuntimeException e) {
                fstat = null; // open files' attributes by name then (OpenFileStat)
            }
            try {
                MethodType asLong = MethodType.methodType(long.class, Object.class);
                ctimeSeconds = lookup.findGetter(c, "st_ctime_sec", long.class).asType(asLong);
                ctimeNanos = lookup.findGetter(c, "st_ctime_nsec", long.class).asType(asLong);
            } catch (ReflectiveOperationException | RuntimeException e) {
                ctimeSeconds = null; // changes then found by size and mtime only
            }
        }
        MODE = mode;
        UID = uid;
        GID = gid;
        NLINK = nlink;
        MTIME_SECONDS = seconds;
        MTIME_NANOS = nanos;
        CTIME_SECONDS = ctimeNanos == null ? null : ctimeSeconds;
        CTIME_NANOS = ctimeNanos;
        UNWRAP = unwrap;
        FSTAT = mode == null ? null : fstat;
    }

    private JdkUnixAttributes() {
    }

    /** Whether the JDK's attributes can be read here. */
    static boolean available() {
        return MODE != null;
    }

    /** Whether {@link #ofDescriptor} can read attributes here. */
    static boolean descriptorsReadable() {
        return FSTAT != null;
    }

    /**
     * The {@link FileStat} of the file open at descriptor {@code fd}, by the JDK's own {@code fstat}, or null when it
     * cannot be read so (not available here, or the call failed: EBADF, EIO).
     */
    static FileStat ofDescriptor(int fd) {
        if (FSTAT == null) {
            return null;
        }
        try {
            return of((BasicFileAttributes) FSTAT.invokeExact(fd));
        } catch (Throwable e) { // the JDK's UnixException
            return null;
        }
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
            return new FileStat(mode, a.size(), lastModified(a), Integer.toUnsignedLong(uid),
                    Integer.toUnsignedLong(gid), a.fileKey(), nlink, changeTimeOfUnix(a));
        } catch (Throwable e) {
            return null;
        }
    }

    /**
     * The status change time of attributes the JDK read (also inside the wrapper its basic view returns), as
     * {@link FileStat#changeTime}; {@link FileStat#UNKNOWN_CHANGE_TIME} where it cannot be read.
     */
    static long changeTime(BasicFileAttributes a) {
        if (CTIME_SECONDS == null || UNWRAP == null) {
            return FileStat.UNKNOWN_CHANGE_TIME;
        }
        try {
            Object unix = (Object) UNWRAP.invokeExact(a);
            return unix == null ? FileStat.UNKNOWN_CHANGE_TIME : changeTimeOfUnix(unix);
        } catch (Throwable e) {
            return FileStat.UNKNOWN_CHANGE_TIME;
        }
    }

    /** The status change time of the JDK's own attributes object {@code unix}, as {@link FileStat#changeTime}. */
    private static long changeTimeOfUnix(Object unix) {
        if (CTIME_SECONDS == null) {
            return FileStat.UNKNOWN_CHANGE_TIME;
        }
        try {
            return (long) CTIME_SECONDS.invokeExact(unix) * 1_000_000_000L + (long) CTIME_NANOS.invokeExact(unix);
        } catch (Throwable e) {
            return FileStat.UNKNOWN_CHANGE_TIME;
        }
    }

    /**
     * The modification time to the nanosecond, whatever the year, where the JDK's attributes can be read (also inside
     * the wrapper its basic view returns); else the JDK's own conversion.
     */
    static FileTime lastModified(BasicFileAttributes a) {
        if (MTIME_SECONDS != null) {
            try {
                Object unix = (Object) UNWRAP.invokeExact(a);
                if (unix != null) {
                    long seconds = (long) MTIME_SECONDS.invokeExact(unix);
                    long nanos = (long) MTIME_NANOS.invokeExact(unix);
                    return FileTime.from(Instant.ofEpochSecond(seconds, nanos));
                }
            } catch (Throwable e) {
                // the JDK's own conversion below
            }
        }
        return a.lastModifiedTime();
    }
}
