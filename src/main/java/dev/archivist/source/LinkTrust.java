package dev.archivist.source;

import dev.archivist.ArchivistException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Refuses, in a process running as root, to follow a symlink on the live data's path that a user owns and that leads
 * to what that user does not own: Linux's {@code fs.protected_symlinks} rule, which the kernel applies only in sticky
 * world-writable folders, applied to every folder of the path. The database's folder and the storage folder's parent
 * are often the application's user's: a link that user put at {@code app.db} or {@code storage} would otherwise have
 * a backup copy a file only root may read into a backup that user may restore, and a restore replace a root folder
 * (or create a root file where the link leads) with that user's data. Links root made, and a user's links to its own
 * files and folders, are followed as always (the database on a data volume).
 */
public final class LinkTrust {
    private static final boolean ROOT = runningAsRoot();

    private LinkTrust() {
    }

    private static boolean runningAsRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | RuntimeException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** Fails, naming the link, when {@link #problem} finds one on {@code path} ({@code what}: "database", say). */
    public static void check(Path path, String what) {
        String problem = problem(path);
        if (problem != null) {
            throw new ArchivistException(what + " " + path + ": " + problem);
        }
    }

    /** Why a process running as root must not follow a link on {@code path}, or null (not root: null always). */
    public static String problem(Path path) {
        return ROOT ? untrustedLink(path) : null;
    }

    /** The first link on {@code path} that a user (not root) owns and that leads to what that user does not own. */
    static String untrustedLink(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        Path prefix = abs.getRoot();
        for (Path name : abs) {
            prefix = prefix.resolve(name);
            int linkOwner;
            try {
                if (!Files.isSymbolicLink(prefix)) {
                    continue;
                }
                linkOwner = (Integer) Files.getAttribute(prefix, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            } catch (IOException | RuntimeException e) {
                return null; // gone: the command names what is missing itself
            }
            if (linkOwner == 0) {
                continue;
            }
            Integer targetOwner = ownerWhereItLeads(prefix);
            if (targetOwner == null || targetOwner != linkOwner) {
                return prefix + " is a symlink that uid " + Integer.toUnsignedLong(linkOwner) + " owns, to "
                        + (targetOwner == null ? "a place it does not own" : "what uid "
                        + Integer.toUnsignedLong(targetOwner) + " owns") + ": a process running as root does not"
                        + " follow it (that user could point it at files only root may touch); make the link as root,"
                        + " or run Archivist as uid " + Integer.toUnsignedLong(linkOwner);
            }
        }
        return null;
    }

    /**
     * The owner of what {@code link} leads to; for a link to a name that does not exist (a database file that is
     * gone), the owner of the folder that name would be made in; null when neither can be read.
     */
    private static Integer ownerWhereItLeads(Path link) {
        try {
            return (Integer) Files.getAttribute(link, "unix:uid");
        } catch (IOException | RuntimeException e) {
            try {
                Path target = link.resolveSibling(Files.readSymbolicLink(link)).normalize();
                return target.getParent() == null ? null : (Integer) Files.getAttribute(target.getParent(), "unix:uid");
            } catch (IOException | RuntimeException unreadable) {
                return null;
            }
        }
    }
}
