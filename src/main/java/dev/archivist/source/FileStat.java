package dev.archivist.source;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;

/**
 * What {@code lstat} says about a path (links are not followed): file type and permission bits as in
 * {@code st_mode}, size, modification time, owner ids (-1 where unknown), number of names (hard links; 1 where
 * unknown) and which file it is ({@link BasicFileAttributes#fileKey()}: device and inode; null where unknown): two
 * names with one key are hard links, and a path that leads to another key leads to another file; the status change
 * time ({@code st_ctime}, null where unknown) tells a file rewritten in place with its mtime set back (GNU tar's
 * "file changed as we read it" compares it too).
 *
 * <p>Owner ids are unsigned 32-bit values ({@code uid_t}): Java's {@code unix:uid} attribute gives them as an
 * {@code int}, so an id of 2^31 or more (3000000000, common for user namespaces and some directory services) reads
 * back negative and is widened here to the id it is.
 */
public record FileStat(int mode, long size, FileTime lastModified, long uid, long gid, Object inode, int links,
                       long changeTime) {
    /** {@link #changeTime} where it is unknown. */
    public static final long UNKNOWN_CHANGE_TIME = Long.MIN_VALUE;

    /** The kinds of entry a walk reports; everything else (sockets, FIFOs, devices) is {@link #OTHER}. */
    public enum Type { DIRECTORY, FILE, SYMLINK, OTHER }

    private static final int S_IFMT = 0170000;
    private static final boolean UNIX_VIEW = FileSystems.getDefault().supportedFileAttributeViews().contains("unix");
    private static final String UNIX_ATTRS = "unix:mode,uid,gid,size,lastModifiedTime,nlink,fileKey,ctime";

    /**
     * The modification time of attributes the JDK read, as exact as a walk's: to the nanosecond also before 1677 and
     * after 2262 where {@link JdkUnixAttributes} can read it (the JDK's own conversion keeps microseconds there).
     */
    public static FileTime lastModifiedOf(BasicFileAttributes a) {
        return JdkUnixAttributes.lastModified(a);
    }

    /**
     * The status change time ({@code st_ctime}) of attributes the JDK read, as seconds × 10^9 + nanoseconds (a plain
     * number: compared twice for every file read, with no allocation), or {@link #UNKNOWN_CHANGE_TIME} where it cannot
     * be read (not the JDK's own attributes, or its classes not opened to us).
     */
    public static long changeTimeOf(BasicFileAttributes a) {
        return JdkUnixAttributes.changeTime(a);
    }

    /** Reads the attributes of {@code path} itself (a symlink is not followed). */
    public static FileStat lstat(Path path) throws IOException {
        if (UNIX_VIEW) {
            Map<String, Object> a = Files.readAttributes(path, UNIX_ATTRS, LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) a.get("mode");
            return new FileStat(mode, (Long) a.get("size"), (FileTime) a.get("lastModifiedTime"),
                    Integer.toUnsignedLong((Integer) a.get("uid")), Integer.toUnsignedLong((Integer) a.get("gid")),
                    a.get("fileKey"), (Integer) a.get("nlink"), nanos((FileTime) a.get("ctime")));
        }
        BasicFileAttributes b;
        int perms = 0;
        try {
            PosixFileAttributes p = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            for (PosixFilePermission perm : p.permissions()) {
                perms |= 0400 >> perm.ordinal();
            }
            b = p;
        } catch (UnsupportedOperationException e) {
            b = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            perms = b.isDirectory() ? 0755 : 0644;
        }
        int type = b.isDirectory() ? 0040000 : b.isRegularFile() ? 0100000 : b.isSymbolicLink() ? 0120000 : 0;
        return new FileStat(type | perms, b.size(), b.lastModifiedTime(), -1, -1, b.fileKey(), 1, UNKNOWN_CHANGE_TIME);
    }

    private static long nanos(FileTime t) {
        if (t == null) {
            return UNKNOWN_CHANGE_TIME;
        }
        java.time.Instant i = t.toInstant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /** Whether both status change times are known and differ: the file's inode changed in between. */
    public static boolean changedBetween(long before, long after) {
        return before != UNKNOWN_CHANGE_TIME && after != UNKNOWN_CHANGE_TIME && before != after;
    }

    public Type type() {
        switch (mode & S_IFMT) {
            case 0040000: return Type.DIRECTORY;
            case 0100000: return Type.FILE;
            case 0120000: return Type.SYMLINK;
            default: return Type.OTHER;
        }
    }

    /** Permission bits including set-uid, set-gid and sticky ({@code mode & 07777}). */
    public int permissions() {
        return mode & 07777;
    }

    /** A short name of a non-archivable type, for skip reasons. */
    public String typeName() {
        switch (mode & S_IFMT) {
            case 0140000: return "socket";
            case 0010000: return "fifo";
            case 0020000: return "character device";
            case 0060000: return "block device";
            default: return type().name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** True for a regular file with more than one name (hard links), on a file system that tells. */
    public boolean hardLinked() {
        return inode != null && links > 1 && type() == Type.FILE;
    }
}
