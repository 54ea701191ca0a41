package dev.archivist.source;

import java.io.FileDescriptor;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.channels.FileChannel;

/**
 * The attributes of an open file read through its descriptor ({@code fstat}), as GNU tar checks a file once it has
 * read it: the file that was read, not whatever stands at its name by then, and no lookup of that name.
 *
 * <p>Why reach into the JDK: Java 17 has no {@code fstat} of a {@link FileChannel}, and gives a channel's descriptor
 * to no public call. With {@code java.base/sun.nio.ch} and {@code java.base/sun.nio.fs} opened (the jar's manifest
 * has them as {@code Add-Opens}; the tests pass them), the descriptor is read from the JDK's channel and the JDK's own
 * {@code fstat} fills the same {@code sun.nio.fs.UnixFileAttributes} a walk's {@code fstatat} does
 * ({@link JdkUnixAttributes#ofDescriptor}). Per file read, that saved the second lookup of its name (a storage backup
 * of 100,000 files of 1 KiB: ~0.1 s of CPU). Without them, {@link #of} returns null and the caller reads the
 * attributes by name, as before.
 */
public final class OpenFileStat {
    /** {@code FileChannelImpl.fd} as (FileChannel) FileDescriptor, or null. */
    private static final MethodHandle CHANNEL_FD;
    /** {@code IOUtil.fdVal(FileDescriptor)} as int, or null. */
    private static final MethodHandle FD_VALUE;

    static {
        MethodHandle channelFd;
        MethodHandle fdValue;
        try {
            Class<?> channel = Class.forName("sun.nio.ch.FileChannelImpl");
            channelFd = MethodHandles.privateLookupIn(channel, MethodHandles.lookup())
                    .findGetter(channel, "fd", FileDescriptor.class)
                    .asType(MethodType.methodType(FileDescriptor.class, FileChannel.class));
            Class<?> io = Class.forName("sun.nio.ch.IOUtil");
            fdValue = MethodHandles.privateLookupIn(io, MethodHandles.lookup())
                    .findStatic(io, "fdVal", MethodType.methodType(int.class, FileDescriptor.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            channelFd = null; // not opened to us, or another JDK's classes: attributes by name then
            fdValue = null;
        }
        CHANNEL_FD = channelFd;
        FD_VALUE = fdValue;
    }

    private OpenFileStat() {
    }

    /** Whether open files' attributes can be read through their descriptor here. */
    public static boolean available() {
        return CHANNEL_FD != null && JdkUnixAttributes.descriptorsReadable();
    }

    /**
     * The attributes of the file open in {@code ch} (one the JDK opened: {@link FifoSafeOpen}), or null when they
     * cannot be read so (read them by name then). {@link FileStat#links()} is 0 once its last name was removed.
     */
    public static FileStat of(FileChannel ch) {
        if (!available() || !ch.getClass().getName().equals("sun.nio.ch.FileChannelImpl")) {
            return null;
        }
        int fd;
        try {
            fd = (int) FD_VALUE.invokeExact((FileDescriptor) CHANNEL_FD.invokeExact(ch));
        } catch (Throwable e) {
            return null;
        }
        return fd < 0 ? null : JdkUnixAttributes.ofDescriptor(fd); // a closed channel's descriptor is -1
    }
}
