package dev.archivist.source;

import dev.archivist.ArchivistException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    private static final Path PROC = Path.of("/proc");

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

    /**
     * The first link met in resolving {@code path} (every folder of it, and chains of links, as the kernel resolves
     * them) that a user (not root) owns while what the path resolves to is not that user's: for a name that does not
     * exist (a database file that is gone), the folder it would be made in, the nearest that exists.
     */
    static String untrustedLink(Path path) {
        return walk(path).problem();
    }

    /**
     * {@code path} resolved as the kernel resolves it, in the same pass that judges its links: what a process running
     * as root then opens, by a path without links (the check and the resolution cannot disagree, as a check followed
     * by the kernel's own resolution could if a link is swapped in between). Not running as root: its real path.
     *
     * @throws ArchivistException naming the link, when {@link #problem} finds one
     * @throws IOException when it does not exist
     */
    public static Path resolve(Path path, String what) throws IOException {
        if (!ROOT) {
            return path.toRealPath();
        }
        Walk w = walk(path);
        if (w.problem() != null) {
            throw new ArchivistException(what + " " + path + ": " + w.problem());
        }
        if (!w.complete()) {
            throw new java.nio.file.NoSuchFileException(path.toString());
        }
        return w.resolved();
    }

    /** Where a path resolves to ({@code complete}: all of it exists), and the link not to follow on the way, if any. */
    private record Walk(Path resolved, boolean complete, String problem) {
    }

    private static Walk walk(Path path) {
        Deque<Path> todo = new ArrayDeque<>();
        path.toAbsolutePath().forEach(todo::add); // not normalized: ".." after a link goes up from where it leads
        Path at = path.toAbsolutePath().getRoot();
        Map<Path, Integer> userLinks = new LinkedHashMap<>();
        boolean complete = true;
        for (int hops = 0; !todo.isEmpty(); ) {
            Path name = todo.pop();
            if (name.toString().equals(".")) {
                continue; // at stays a path of folders each resolved, so that ".." is its real parent
            }
            if (name.toString().equals("..")) {
                at = at.getParent() == null ? at : at.getParent();
                continue;
            }
            Path next = at.resolve(name);
            if (next.startsWith(PROC) && !userLinks.isEmpty()) {
                // a process's /proc/<pid>/root, cwd or fd/N leads where the kernel says, not where its text does (a
                // user's bind mount in its own namespace reads as a folder of its own)
                return new Walk(at, false, userLinks.keySet().iterator().next() + " is a symlink that uid "
                        + Integer.toUnsignedLong(userLinks.values().iterator().next()) + " owns, into " + PROC
                        + ": a process running as root does not follow it");
            }
            try {
                java.nio.file.attribute.PosixFileAttributes a;
                try {
                    a = Files.readAttributes(next, java.nio.file.attribute.PosixFileAttributes.class,
                            LinkOption.NOFOLLOW_LINKS);
                } catch (java.nio.file.NoSuchFileException missing) {
                    at = next;
                    complete = false;
                    break; // the rest is made by the command, in the nearest folder that exists
                }
                if (!a.isSymbolicLink()) {
                    at = next;
                    continue;
                }
                if (++hops > 40) {
                    return new Walk(at, false, null); // a loop: the kernel refuses it too, the command names it
                }
                int owner = (Integer) Files.getAttribute(next, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                if (owner != 0 && next.startsWith(PROC)) {
                    return new Walk(at, false, next + " is a link of a process of uid " + Integer.toUnsignedLong(owner)
                            + " in " + PROC + ": a process running as root does not follow it");
                }
                if (owner != 0) {
                    userLinks.putIfAbsent(next, owner);
                }
                Path target = Files.readSymbolicLink(next);
                List<Path> rest = new ArrayList<>();
                target.forEach(rest::add);
                for (int i = rest.size() - 1; i >= 0; i--) {
                    todo.push(rest.get(i));
                }
                if (target.isAbsolute()) {
                    at = target.getRoot();
                }
            } catch (IOException | RuntimeException e) {
                // a name too long to look up, a folder that cannot be read: judged as far as it could be read, the
                // rest is not followed after a user's link (the kernel may still get further)
                return new Walk(at, false, userLinks.isEmpty() ? null : userLinks.keySet().iterator().next()
                        + " is a symlink that uid " + Integer.toUnsignedLong(userLinks.values().iterator().next())
                        + " owns, to where " + next + " cannot be checked (" + ArchivistException.reason(e)
                        + "): a process running as root does not follow it");
            }
        }
        if (userLinks.isEmpty()) {
            return new Walk(at, complete, null);
        }
        Integer resolvedOwner = ownerOfNearest(at);
        for (Map.Entry<Path, Integer> link : userLinks.entrySet()) {
            if (!link.getValue().equals(resolvedOwner)) {
                long user = Integer.toUnsignedLong(link.getValue());
                return new Walk(at, complete, link.getKey() + " is a symlink that uid " + user + " owns, to "
                        + (resolvedOwner == null ? "a place it does not own" : "what uid "
                        + Integer.toUnsignedLong(resolvedOwner) + " owns") + ": a process running as root does not"
                        + " follow it (that user could point it at files only root may touch); make the link as root,"
                        + " or run Archivist as uid " + user);
            }
        }
        return new Walk(at, complete, null);
    }

    /** The owner of {@code p}, or of the nearest folder above it that exists; null when none can be read. */
    private static Integer ownerOfNearest(Path p) {
        for (Path q = p; q != null; q = q.getParent()) {
            try {
                return (Integer) Files.getAttribute(q, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            } catch (IOException | RuntimeException e) {
                // not there: the folder it would be made in
            }
        }
        return null;
    }
}
