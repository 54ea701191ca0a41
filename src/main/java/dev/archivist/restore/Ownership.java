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
        Changes changes = Changes.start(staging);
        for (ExtractedEntry e : result.entries()) {
            changes.apply(e.path(), e.uid(), e.gid());
        }
        return changes.note();
    }

    /** The archived owners given to restored entries one at a time, as they are written, and the note about them. */
    static final class Changes {
        private final Path staging;
        private final String refusal;
        private final long selfUid;
        private final long selfGid;
        private final List<String> failures = new ArrayList<>();
        private int changed;
        private int failed;

        private Changes(Path staging, String refusal, long selfUid, long selfGid) {
            this.staging = staging;
            this.refusal = refusal;
            this.selfUid = selfUid;
            this.selfGid = selfGid;
        }

        /** Changes for entries below {@code staging}: made only when this process owns it as root. */
        static Changes start(Path staging) throws IOException {
            if (!UNIX) {
                return new Changes(staging, "owners not restored: this file system has no numeric owners", -1, -1);
            }
            Path itself = staging.resolve("."); // the folder, also when reached through a held descriptor's link
            long uid = Integer.toUnsignedLong((Integer) Files.getAttribute(itself, "unix:uid", LinkOption.NOFOLLOW_LINKS));
            long gid = Integer.toUnsignedLong((Integer) Files.getAttribute(itself, "unix:gid", LinkOption.NOFOLLOW_LINKS));
            return new Changes(staging, uid == 0 ? null : "owners not restored: not running as root, restored entries belong to uid "
                    + uid, uid, gid);
        }

        /**
         * Gives the entry at {@code path} (relative to staging; never followed) the archived owner and group; a failure
         * is counted for the note.
         */
        void apply(String path, long uid, long gid) {
            if (refusal != null || (uid == selfUid && gid == selfGid)) {
                return;
            }
            try {
                setOwner(staging.resolve(path), uid, gid);
                changed++;
            } catch (IOException | RuntimeException x) {
                if (failed++ < MAX_REPORTED) {
                    failures.add(path + " (" + x.getMessage() + ")");
                }
            }
        }

        String note() {
            if (refusal != null) {
                return refusal;
            }
            String note = "owners restored as archived (numeric ids): " + Plural.of(changed, "entry", "entries") + " changed";
            return failed == 0 ? note : note + "; could not change " + failed + ": " + String.join(", ", failures);
        }
    }

    /**
     * Gives {@code replacement} the permission bits of {@code original}, and as root its owner and group; returns a
     * note for the restore report (also when that failed), or null when there is no original to take them from. The
     * original is read without following a link (the live data, already resolved; one found at its name now was put
     * there by someone else: nothing is taken from where it leads), and a file never takes setuid or setgid: a user
     * who could make root copy a setuid program's bits onto a file it then swapped in would own a root shell.
     */
    public static String takeOverAttributes(Path original, Path replacement, String what) {
        if (!UNIX || !Files.exists(original, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        if (Files.isSymbolicLink(original)) {
            return what + " keeps this user's owner and mode: " + original + " is a link now, not followed";
        }
        try {
            int mode = (Integer) Files.getAttribute(original, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
            if (!Files.isDirectory(original, LinkOption.NOFOLLOW_LINKS)) {
                mode &= ~06000;
            }
            String note = String.format("%s took over the mode %04o", what, mode);
            if ((Integer) Files.getAttribute(replacement, "unix:uid", LinkOption.NOFOLLOW_LINKS) == 0) {
                // uid_t is unsigned: ids of 2^31 and more come back from Java as negative ints
                long uid = Integer.toUnsignedLong((Integer) Files.getAttribute(original, "unix:uid", LinkOption.NOFOLLOW_LINKS));
                long gid = Integer.toUnsignedLong((Integer) Files.getAttribute(original, "unix:gid", LinkOption.NOFOLLOW_LINKS));
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

    /**
     * Gives {@code file}, made by root where no file stood (a live database that was deleted), the owner and group of
     * the folder it is in, so that the application that owns the folder can open it: root's 0600 file is closed to it.
     * Returns a note for the restore report, or null when nothing was changed (not root, or the folder is root's).
     */
    public static String takeOverFolderOwner(Path file, String what) {
        Path folder = file.toAbsolutePath().getParent();
        if (!UNIX || folder == null) {
            return null;
        }
        try {
            if ((Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS) != 0) {
                return null;
            }
            long uid = Integer.toUnsignedLong((Integer) Files.getAttribute(folder, "unix:uid"));
            long gid = Integer.toUnsignedLong((Integer) Files.getAttribute(folder, "unix:gid"));
            if (uid == 0) {
                return null;
            }
            setOwner(file, uid, gid);
            return what + " took the owner " + uid + ":" + gid + " of its folder";
        } catch (IOException e) {
            return what + " keeps this user's owner: " + e.getMessage();
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
