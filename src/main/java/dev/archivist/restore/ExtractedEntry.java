package dev.archivist.restore;

/**
 * One entry written into the staging folder.
 *
 * @param path        normalized path relative to the staging folder, {@code /}-separated, no trailing slash
 * @param type        {@code file}, {@code dir} or {@code symlink}
 * @param size        bytes written (0 for directories and symlinks)
 * @param sha256      lower-case hex SHA-256 of the content, for files; {@code null} otherwise
 * @param linkTarget  the stored target, for symlinks; {@code null} otherwise
 * @param mode        permission bits applied ({@code & 0777} for files, {@code & 03777} for directories; 0777 for
 *                    symlinks)
 * @param mtimeMillis modification time applied, epoch milliseconds
 * @param uid         owner id the archive records (applied by {@link Ownership} when restoring as root)
 * @param gid         group id the archive records
 */
public record ExtractedEntry(String path, String type, long size, String sha256, String linkTarget,
                             int mode, long mtimeMillis, long uid, long gid) {
    public static final String FILE = "file";
    public static final String DIR = "dir";
    public static final String SYMLINK = "symlink";
}
