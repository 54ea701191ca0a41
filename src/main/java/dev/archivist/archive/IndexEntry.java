package dev.archivist.archive;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One line of a file index ({@code <base>.index.jsonl.zst}; gzip, {@code .gz}, in backups of earlier builds): an entry
 * of a storage archive.
 *
 * <ul>
 *   <li>{@code path}: relative to the storage root, {@code /} separators, no trailing slash;</li>
 *   <li>{@code type}: {@code "file"}, {@code "dir"}, {@code "symlink"} or {@code "hardlink"} (a regular file
 *       stored as another name of an earlier {@code "file"}, as tar stores hard links);</li>
 *   <li>{@code size}: bytes stored in the archive (files; a hard link's are its target's; 0 otherwise);</li>
 *   <li>{@code mtime}: modification time in epoch milliseconds, as read from the source (the tar keeps it to
 *       the nanosecond; archives of earlier versions kept whole seconds);</li>
 *   <li>{@code mode}: permission bits as a 4-digit octal string, e.g. {@code "0644"};</li>
 *   <li>{@code link}: a symlink's target as stored, a hard link's target path (null otherwise);</li>
 *   <li>{@code sha256}: lowercase hex SHA-256 of the bytes stored in the archive (files and hard links, else
 *       null).</li>
 * </ul>
 */
@JsonPropertyOrder({"path", "type", "size", "mtime", "mode", "link", "sha256"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record IndexEntry(String path, String type, long size, long mtime, String mode, String link, String sha256) {
    public static final String FILE = "file";
    public static final String DIR = "dir";
    public static final String SYMLINK = "symlink";
    public static final String HARDLINK = "hardlink";

    /**
     * A time as the index stores it: epoch milliseconds rounded down, like the tar's seconds and the file system's
     * own. ({@code FileTime.toMillis()} rounds toward zero, so a 1960 time with a fraction came out a millisecond
     * late, and the restore then took it for a different time.)
     */
    public static long millis(java.nio.file.attribute.FileTime t) {
        java.time.Instant i = t.toInstant();
        try {
            return i.toEpochMilli();
        } catch (ArithmeticException beyondALong) {
            return i.isBefore(java.time.Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /** Formats permission bits as the index stores them ({@code 0644}). */
    public static String octalMode(int permissions) {
        char[] c = new char[4];
        int m = permissions & 07777;
        for (int i = 3; i >= 0; i--) {
            c[i] = (char) ('0' + (m & 7));
            m >>>= 3;
        }
        return new String(c);
    }

    /** True for entries with content: a file, or a hard link (whose content is its target's). */
    public boolean hasContent() {
        return FILE.equals(type) || HARDLINK.equals(type);
    }

    /** The permission bits of {@link #mode()}. */
    public int permissions() {
        return Integer.parseInt(mode, 8);
    }
}
