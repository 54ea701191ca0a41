package dev.archivist.archive;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * The tar dialect of storage archives: POSIX (pax) extended headers for names and link targets over 100
 * bytes or not ASCII, for sizes of 8 GiB and more and other big numbers, and for mtimes with a fraction of a
 * second (as GNU tar's {@code --format=posix}; commons-compress keeps 100 ns, the header the whole second); UTF-8
 * names. GNU tar and bsdtar read it and give extracted files the same times.
 */
public final class TarStreams {
    private TarStreams() {
    }

    /** A tar writer over {@code out} with the settings above (it does not buffer: give it a buffered stream). */
    public static TarArchiveOutputStream newTarOutput(OutputStream out) {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
        return tar;
    }

    /** A regular-file entry. */
    public static TarArchiveEntry file(String path, long size, int mode, FileTime mtime, int uid, int gid) {
        TarArchiveEntry e = new TarArchiveEntry(path, TarConstants.LF_NORMAL, true);
        e.setSize(size);
        return common(e, 0100000 | (mode & 07777), mtime, uid, gid);
    }

    /** A directory entry; a trailing {@code /} is added to the path. */
    public static TarArchiveEntry directory(String path, int mode, FileTime mtime, int uid, int gid) {
        TarArchiveEntry e = new TarArchiveEntry(path.endsWith("/") ? path : path + "/", TarConstants.LF_DIR, true);
        return common(e, 0040000 | (mode & 07777), mtime, uid, gid);
    }

    /** A symbolic-link entry storing {@code target} as it is. */
    public static TarArchiveEntry symlink(String path, String target, FileTime mtime, int uid, int gid) {
        TarArchiveEntry e = new TarArchiveEntry(path, TarConstants.LF_SYMLINK, true);
        e.setLinkName(target);
        return common(e, 0120777, mtime, uid, gid);
    }

    private static TarArchiveEntry common(TarArchiveEntry e, int mode, FileTime mtime, int uid, int gid) {
        e.setMode(mode);
        e.setLastModifiedTime(mtime);
        e.setUserName("");
        e.setGroupName("");
        if (uid >= 0) {
            e.setUserId(uid);
        }
        if (gid >= 0) {
            e.setGroupId(gid);
        }
        return e;
    }
}
