package dev.archivist.restore;

import dev.archivist.archive.SymlinkResolution;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Lexical model of the entries seen so far (extracted or filtered out): what each path is ({@link Paths}: every path
 * with {@link AllPaths}, the current path with {@link DepthFirstPaths}), and every symlink, so that no entry goes
 * through a symlink, replaces an earlier entry, or restores a symlink that resolves outside the root (following the
 * archive's own links). A symlink
 * a partial restore leaves out is not written, so where it leads is not its problem; it still counts when another
 * link is resolved through it.
 */
final class EntryTree {
    enum Kind { FILE, DIR, SYMLINK }

    /** Appended to a refused symlink target: how to restore such links anyway. */
    static final String OUTSIDE_LINKS_HINT = " (to restore such links as they are, never followed: --allow-outside-symlinks)";

    /** Where the entries seen so far are recorded: every path, or only those a walk-order extraction needs. */
    interface Paths {
        /** Records an entry at {@code path}, refusing traversal of symlinks or files and conflicting duplicates. */
        void add(String entryName, String path, Kind kind) throws IOException;

        /** The kind recorded at {@code path}, or {@code null}. */
        Kind kindOf(String path);

        /** Called once every entry is in. */
        default void finish() throws IOException {
        }
    }

    private final boolean keepOutsideLinks;
    private final Paths paths;
    private final Map<String, String> linkTargets = new LinkedHashMap<>();
    private final Map<String, String> linkEntryNames = new HashMap<>();
    /** The links that are restored: those whose targets are checked. */
    private final Set<String> restoredLinks = new HashSet<>();

    /** Records an entry at {@code path}, refusing traversal of symlinks or files and conflicting duplicates. */
    void add(String entryName, String path, Kind kind) throws IOException {
        paths.add(entryName, path, kind);
    }

    /**
     * Records a hard link at {@code path} to {@code targetName}, which must be a regular file recorded before it;
     * returns the target's path.
     */
    String addHardLink(String entryName, String path, String targetName) throws IOException {
        String target = EntryNames.relativePath(entryName, targetName, "hard link target");
        if (target.isEmpty() || kindOf(target) != Kind.FILE) {
            throw new UnsafeEntryException(entryName,
                    "hard link target '" + EntryNames.display(targetName) + "' is not a regular file earlier in the archive");
        }
        add(entryName, path, Kind.FILE);
        return target;
    }

    /** Called once every entry is in, before {@link #checkAllLinks}. */
    void finish() throws IOException {
        paths.finish();
    }

    /**
     * @param keepOutsideLinks accept symlinks whose target is absolute or resolves outside the root, as they are (an
     *                         operator's choice for a storage folder that holds such links): they are never followed,
     *                         and an entry whose path goes through any symlink is refused all the same
     */
    EntryTree(boolean keepOutsideLinks) {
        this(keepOutsideLinks, new AllPaths());
    }

    /** A tree that records entries in {@code paths}. */
    EntryTree(boolean keepOutsideLinks, Paths paths) {
        this.keepOutsideLinks = keepOutsideLinks;
        this.paths = paths;
    }

    /**
     * Records a symlink and, when it is {@code restored}, checks that its target resolves inside the root (unless
     * outside links are kept).
     */
    void addSymlink(String entryName, String path, String target, boolean restored) throws IOException {
        if (keepOutsideLinks) {
            if (target.isEmpty() || target.indexOf('\0') >= 0) {
                throw new UnsafeEntryException(entryName, "symlink target is empty or contains a NUL character");
            }
            add(entryName, path, Kind.SYMLINK);
            return;
        }
        if (restored) {
            try {
                EntryNames.checkSymlinkTarget(entryName, target);
            } catch (UnsafeEntryException e) {
                throw withHint(e);
            }
        }
        add(entryName, path, Kind.SYMLINK);
        linkTargets.put(path, target);
        linkEntryNames.put(path, entryName);
        if (restored) {
            restoredLinks.add(path);
            checkResolvesInside(path);
        }
    }

    private static UnsafeEntryException withHint(UnsafeEntryException e) {
        return new UnsafeEntryException(e.entryName(), e.reason() + OUTSIDE_LINKS_HINT);
    }

    /** The kind recorded at {@code path}, or {@code null}. */
    Kind kindOf(String path) {
        return paths.kindOf(path);
    }

    /**
     * Re-checks every symlink with the final set of links: a later link can change what an earlier
     * target means ({@code a -> b/..} then {@code b -> .}).
     */
    void checkAllLinks() throws UnsafeEntryException {
        for (String path : linkTargets.keySet()) {
            if (restoredLinks.contains(path)) {
                checkResolvesInside(path);
            }
        }
    }

    private void checkResolvesInside(String linkPath) throws UnsafeEntryException {
        String target = linkTargets.get(linkPath);
        String problem = resolve(linkPath, target);
        if (problem != null) {
            throw new UnsafeEntryException(linkEntryNames.get(linkPath),
                    "symlink target '" + EntryNames.display(target) + "' " + problem + OUTSIDE_LINKS_HINT);
        }
    }

    /** Resolves like the kernel would, within the root; returns a problem or {@code null} if inside. */
    private String resolve(String linkPath, String target) {
        return SymlinkResolution.problem(linkTargets, linkPath, target);
    }
}
