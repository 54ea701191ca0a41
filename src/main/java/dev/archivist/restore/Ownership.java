package dev.archivist.restore;

import dev.archivist.Plural;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Owners and the storage folder's own attributes on a restored tree, the way GNU tar and restic treat them: a restore
 * run as root gives every entry the numeric owner and group the archive records (links themselves, never their
 * targets); any other user keeps the entries as its own, since it could not give them away. What replaces a live
 * file or folder (the restored storage folder, a database copied over a damaged one) takes over its permission bits
 * and, as root, its owner and group: the archive has no entry for the storage root itself, and the application must
 * find its data as it left it.
 *
 * <p>A failure to change an owner (a file system that refuses it) does not fail the restore: the content is what
 * was asked for and has been checked. It is reported in the restore's notes instead.
 */
public final class Ownership {
    private static final boolean UNIX = FileSystems.getDefault().supportedFileAttributeViews().contains("unix");
    private static final int MAX_REPORTED = 3;

    private Ownership() {
    }

    /**
     * Applies the archived owners to the entries of {@code staging} when this process may (it owns {@code staging}
     * as root); returns a note for the restore report.
     */
    public static String applyArchived(ExtractionResult result, Path staging) throws IOException {
        if (!UNIX) {
            return "owners not restored: this file system has no numeric owners";
        }
        long selfUid = Integer.toUnsignedLong((Integer) Files.getAttribute(staging, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        long selfGid = Integer.toUnsignedLong((Integer) Files.getAttribute(staging, "unix:gid", LinkOption.NOFOLLOW_LINKS));
        if (selfUid != 0) {
            return "owners not restored: not running as root, restored entries belong to uid " + selfUid;
        }
        int changed = 0;
        List<String> failures = new ArrayList<>();
        int failed = 0;
        for (ExtractedEntry e : result.entries()) {
            if (e.uid() == selfUid && e.gid() == selfGid) {
                continue;
            }
            try {
                setOwner(staging.resolve(e.path()), e.uid(), e.gid());
                changed++;
            } catch (IOException | RuntimeException x) {
                if (failed++ < MAX_REPORTED) {
                    failures.add(e.path() + " (" + x.getMessage() + ")");
                }
            }
        }
        String note = "owners restored as archived (numeric ids): " + Plural.of(changed, "entry", "entries") + " changed";
        return failed == 0 ? note : note + "; could not change " + failed + ": " + String.join(", ", failures);
    }

    /**
     * Gives {@code replacement} the permission bits of {@code original} (links followed), and as root its owner and
     * group; returns a note for the restore report (also when that failed), or null when there is no original to
     * take them from.
     */
    public static String takeOverAttributes(Path original, Path replacement, String what) {
        if (!UNIX || !Files.exists(original)) {
            return null;
        }
        try {
            int mode = (Integer) Files.getAttribute(original, "unix:mode") & 07777;
            String note = String.format("%s took over the mode %04o", what, mode);
            if ((Integer) Files.getAttribute(replacement, "unix:uid", LinkOption.NOFOLLOW_LINKS) == 0) {
                // uid_t is unsigned: ids of 2^31 and more come back from Java as negative ints
                long uid = Integer.toUnsignedLong((Integer) Files.getAttribute(original, "unix:uid"));
                long gid = Integer.toUnsignedLong((Integer) Files.getAttribute(original, "unix:gid"));
                setOwner(replacement, uid, gid);
                note += " and the owner " + uid + ":" + gid;
            }
            // after the owner: chown clears set-id bits on some systems
            Files.setAttribute(replacement, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
            return note + " of the one it replaces";
        } catch (IOException e) {
            return what + " keeps this user's owner and mode: " + e.getMessage();
        }
    }

    private static void setOwner(Path path, long uid, long gid) throws IOException {
        if (uid < 0 || gid < 0 || uid > 0xFFFFFFFFL || gid > 0xFFFFFFFFL) {
            throw new IOException("owner " + uid + ":" + gid + " is out of range");
        }
        // ids above 2^31 are passed on as the same 32 bits, which is what uid_t holds
        Files.setAttribute(path, "unix:uid", (int) uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", (int) gid, LinkOption.NOFOLLOW_LINKS);
    }
}
