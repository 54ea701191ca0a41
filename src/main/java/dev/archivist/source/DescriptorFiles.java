package dev.archivist.source;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.util.concurrent.locks.Lock;

/**
 * Small files read by descriptor, through the JDK's own native calls: {@code openat} in an open folder (no symlink
 * followed, never waiting on a FIFO: {@code O_NONBLOCK}), {@code read} into a direct buffer, {@code fstat}, {@code
 * close}. A storage backup reads every small file this way.
 *
 * <p>Why reach into the JDK: a {@code FileChannel} costs, per file, a channel object with its interruptible-I/O
 * machinery, a cleaner, a thread set, a temporary direct buffer and a copy out of it (~1.5 us of CPU per file: 0.15 s
 * of a backup of 100,000 files of 1 KiB), and Java's relative open cannot pass {@code O_NONBLOCK}, so a FIFO put in a
 * file's place must be watched for ({@link FifoSafeOpen}). The JDK's {@code sun.nio.fs.UnixNativeDispatcher} has the
 * calls themselves; with {@code java.base/sun.nio.fs} and {@code java.base/sun.nio.ch} opened (the jar's manifest has
 * them as {@code Add-Opens}; the tests pass them) they are reached through method handles. The open holds the JDK's
 * own read lock of the folder, as its relative open does, so a folder closed meanwhile fails the open instead of
 * lending its descriptor number to another file. Elsewhere (another JDK's classes, another platform, nothing opened)
 * {@link #available()} is false and files are read through channels.
 */
public final class DescriptorFiles {
    /** Flags the JDK's constants do not include, as Linux numbers them on x86-64 and aarch64 (asm-generic). */
    private static final int O_NONBLOCK = 04000;
    private static final int O_CLOEXEC = 02000000;

    /** The JDK's calls and fields used here, all found, or null ({@link #find}). */
    private static final Calls JDK = find();

    /** Handles on the JDK's own code (records' fields are trusted finals: the compilers fold them as constants). */
    private record Calls(MethodHandle openat, MethodHandle nameBytes, MethodHandle read, MethodHandle close,
                         MethodHandle translate, MethodHandle address, MethodHandle folderFd,
                         MethodHandle folderStream, MethodHandle readLock, MethodHandle isOpen, int openFlags) {
    }

    private DescriptorFiles() {
    }

    /** The calls, on Linux where the JDK's classes are this JDK's and opened to us; else null (channels then). */
    private static Calls find() {
        String arch = System.getProperty("os.arch", "");
        if (!System.getProperty("os.name", "").equals("Linux")
                || !(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))
                || !JdkUnixAttributes.descriptorsReadable()) {
            return null;
        }
        try {
            // a lookup in a class reaches its private members and its package's others
            Class<?> dispatcher = Class.forName("sun.nio.fs.UnixNativeDispatcher");
            Class<?> unixException = Class.forName("sun.nio.fs.UnixException");
            Class<?> secure = Class.forName("sun.nio.fs.UnixSecureDirectoryStream");
            Class<?> plain = Class.forName("sun.nio.fs.UnixDirectoryStream");
            Class<?> direct = Class.forName("sun.nio.ch.DirectBuffer");
            MethodHandles.Lookup fs = lookupIn(dispatcher);
            MethodHandles.Lookup inSecure = lookupIn(secure);
            return new Calls(
                    fs.findStatic(dispatcher, "openat",
                            MethodType.methodType(int.class, int.class, byte[].class, int.class, int.class)),
                    fs.findVirtual(Class.forName("sun.nio.fs.UnixPath"), "asByteArray",
                                    MethodType.methodType(byte[].class))
                            .asType(MethodType.methodType(byte[].class, Path.class)),
                    fs.findStatic(dispatcher, "read",
                            MethodType.methodType(int.class, int.class, long.class, int.class)),
                    fs.findStatic(dispatcher, "close", MethodType.methodType(void.class, int.class)),
                    lookupIn(unixException).findVirtual(unixException, "translateToIOException",
                                    MethodType.methodType(IOException.class, String.class, String.class))
                            .asType(MethodType.methodType(IOException.class, Throwable.class, String.class,
                                    String.class)),
                    lookupIn(direct).findVirtual(direct, "address", MethodType.methodType(long.class))
                            .asType(MethodType.methodType(long.class, ByteBuffer.class)),
                    inSecure.findGetter(secure, "dfd", int.class)
                            .asType(MethodType.methodType(int.class, DirectoryStream.class)),
                    inSecure.findGetter(secure, "ds", plain)
                            .asType(MethodType.methodType(Object.class, DirectoryStream.class)),
                    fs.findVirtual(plain, "readLock", MethodType.methodType(Lock.class))
                            .asType(MethodType.methodType(Lock.class, Object.class)),
                    fs.findVirtual(plain, "isOpen", MethodType.methodType(boolean.class))
                            .asType(MethodType.methodType(boolean.class, Object.class)),
                    (int) fs.findStaticGetter(Class.forName("sun.nio.fs.UnixConstants"), "O_NOFOLLOW", int.class)
                            .invokeExact() | O_NONBLOCK | O_CLOEXEC); // O_RDONLY is 0
        } catch (Throwable e) {
            return null; // not opened to us, or another JDK's classes
        }
    }

    private static MethodHandles.Lookup lookupIn(Class<?> c) throws IllegalAccessException {
        return MethodHandles.privateLookupIn(c, MethodHandles.lookup());
    }

    /** Whether files can be read by descriptor here. */
    public static boolean available() {
        return JDK != null;
    }

    /** Whether {@code folder} is a folder the JDK opened relative to its descriptor (its secure directory stream). */
    static boolean opens(DirectoryStream<Path> folder) {
        return JDK != null && folder.getClass().getName().equals("sun.nio.fs.UnixSecureDirectoryStream");
    }

    /**
     * Opens {@code name} (a path of one name, of the folder's file system) in {@code folder} (a stream {@link #opens}
     * accepts, at {@code folderPath}) for reading: not following a symlink (an exception naming too many levels of
     * links), never waiting on a FIFO. Failures are the JDK's own exceptions ({@code NoSuchFileException},
     * {@code AccessDeniedException}, ...) for the file's path.
     */
    static int open(DirectoryStream<Path> folder, Path folderPath, Path name) throws IOException {
        Object stream;
        Lock lock;
        byte[] bytes;
        try {
            stream = JDK.folderStream().invokeExact(folder);
            lock = (Lock) JDK.readLock().invokeExact(stream);
            bytes = (byte[]) JDK.nameBytes().invokeExact(name);
        } catch (Throwable e) {
            throw new IOException("cannot open " + folderPath.resolve(name) + ": " + e, e);
        }
        lock.lock();
        try {
            if (!(boolean) JDK.isOpen().invokeExact(stream)) {
                throw new IOException(folderPath.resolve(name) + ": its folder was closed");
            }
            int fd = (int) JDK.folderFd().invokeExact(folder);
            return (int) JDK.openat().invokeExact(fd, bytes, JDK.openFlags(), 0);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) { // the JDK's UnixException
            throw translated(e, folderPath.resolve(name).toString());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads up to {@code length} bytes of {@code fd} (the file at {@code path}) into the direct buffer {@code into} at
     * {@code position}; the count read, 0 at the end of the file.
     */
    public static int read(int fd, ByteBuffer into, int position, int length, Path path) throws IOException {
        if (!into.isDirect() || position < 0 || length < 0 || position + length > into.capacity()) {
            throw new IllegalArgumentException("read of " + length + " bytes at " + position + " into " + into);
        }
        try {
            return (int) JDK.read().invokeExact(fd, (long) JDK.address().invokeExact(into) + position, length);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw translated(e, path.toString());
        }
    }

    /** The attributes of the file open at {@code fd}, or null when they cannot be read. */
    public static FileStat stat(int fd) {
        return JdkUnixAttributes.ofDescriptor(fd);
    }

    /** Closes {@code fd} (its errors, which a file opened only for reading cannot have, are ignored). */
    public static void close(int fd) {
        try {
            JDK.close().invokeExact(fd);
        } catch (Throwable e) {
            // nothing was written through it
        }
    }

    private static IOException translated(Throwable unixException, String path) {
        try {
            return (IOException) JDK.translate().invokeExact(unixException, path, (String) null);
        } catch (Throwable e) {
            return new IOException(path + ": " + unixException.getMessage(), unixException);
        }
    }
}
