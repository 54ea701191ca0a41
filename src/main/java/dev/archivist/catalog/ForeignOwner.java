package dev.archivist.catalog;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Says how to mend a permission denied inside {@code BACKUP_DIR} that comes from another user owning what Archivist
 * must write there: after one {@code sudo archivist backup}, root owns the folders and files it made (the lock, the
 * last id, the backups) and every later run as the usual user failed with "permission denied" alone.
 */
public final class ForeignOwner {
    private ForeignOwner() {
    }

    /**
     * For a failure caused by a permission denied on a path inside {@code backupDir} ({@code backupDir} included): when
     * the deepest of that path and its parents that can be looked at is owned by another user than this process's,
     * {@code " (PATH is owned by OWNER, not by USER: created by a run as OWNER? chown -R USER BACKUP_DIR)"}; when it is
     * this user's but its mode denies its owner (a {@code chmod 000}), the {@code chmod} that mends it; else {@code ""}.
     */
    public static String hint(Path backupDir, Throwable failure) {
        AccessDeniedException denied = deniedIn(failure);
        return denied == null || denied.getFile() == null ? "" : hint(backupDir, Path.of(denied.getFile()));
    }

    /** As {@link #hint(Path, Throwable)}, for {@code denied}, a path this process was refused. */
    public static String hint(Path backupDir, Path denied) {
        Path root = backupDir.toAbsolutePath().normalize();
        for (Path p = denied.toAbsolutePath().normalize(); p != null && p.startsWith(root); p = p.getParent()) {
            int myUid;
            int ownerUid;
            String owner;
            try { // compared by uid: a uid without a passwd entry (a container's) has no name, user.name is then "?"
                myUid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
                ownerUid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                owner = Files.getOwner(p, LinkOption.NOFOLLOW_LINKS).getName();
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
                continue; // missing, or in a folder that cannot be entered: its parent says why
            }
            if (ownerUid == myUid) {
                return ownerBitsHint(p);
            }
            String name = System.getProperty("user.name", "?");
            String me = name.isEmpty() || name.equals("?") ? String.valueOf(myUid) : name;
            return " (" + p + " is owned by " + owner + ", not by " + me + ": created by a run as " + owner + "? chown -R "
                    + me + " " + root + ")";
        }
        return "";
    }

    /**
     * For {@code p}, this user's own: when its mode denies its owner what Archivist needs (a folder without
     * {@code rwx}, a file without {@code rw}, as a {@code chmod 000} leaves them),
     * {@code " (PATH has mode ---------: chmod u+rwx PATH)"}; else {@code ""}.
     */
    private static String ownerBitsHint(Path p) {
        try {
            java.util.Set<PosixFilePermission> mode = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
            boolean folder = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
            java.util.Set<PosixFilePermission> needed = folder
                    ? java.util.EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                            PosixFilePermission.OWNER_EXECUTE)
                    : java.util.EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            if (mode.containsAll(needed)) {
                return "";
            }
            return " (" + p + " has mode " + PosixFilePermissions.toString(mode) + ": chmod u+" + (folder ? "rwx" : "rw")
                    + " " + p + ")";
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }

    private static AccessDeniedException deniedIn(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AccessDeniedException denied) {
                return denied;
            }
        }
        return null;
    }
}
