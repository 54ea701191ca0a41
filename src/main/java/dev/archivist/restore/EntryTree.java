package dev.archivist.restore;

import dev.archivist.archive.SymlinkResolution;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lexical model of every entry seen so far (extracted or filtered out): what each path is, which
 * directories entries imply, and the symlinks, so that no entry goes through a symlink, replaces an
 * earlier entry, or restores a symlink that resolves outside the root (following the archive's own links). A symlink
 * a partial restore leaves out is not written, so where it leads is not its problem; it still counts when another
 * link is resolved through it.
 */
final class EntryTree {
    enum Kind { FILE, DIR, SYMLINK }

    /** Appended to a refused symlink target: how to restore such links anyway. */
    static final String OUTSIDE_LINKS_HINT = " (to restore such links as they are, never followed: --allow-outside-symlinks)";

    private final boolean keepOutsideLinks;
    private final Map<String, Kind> kinds = new HashMap<>();
    private final Set<String> impliedDirs = new HashSet<>();
    private final Map<String, String> linkTargets = new LinkedHashMap<>();
    private final Map<String, String> linkEntryNames = new HashMap<>();
    /** The links that are restored: those whose targets are checked. */
    private final Set<String> restoredLinks = new HashSet<>();

    /** Records an entry at {@code path}, refusing traversal of symlinks or files and conflicting duplicates. */
    void add(String entryName, String path, Kind kind) throws UnsafeEntryException {
        List<String> ancestors = uncheckedAncestors(path);
        for (String ancestor : ancestors) {
            Kind k = kinds.get(ancestor);
            if (k == Kind.SYMLINK) {
                throw new UnsafeEntryException(entryName, "path goes through the symlink '" + EntryNames.display(ancestor) + "'");
            }
            if (k == Kind.FILE) {
                throw new UnsafeEntryException(entryName, "parent '" + EntryNames.display(ancestor) + "' is not a directory");
            }
        }
        Kind previous = kinds.get(path);
        boolean dirAgain = kind == Kind.DIR && (previous == Kind.DIR || (previous == null && impliedDirs.contains(path)));
        if ((previous != null || impliedDirs.contains(path)) && !dirAgain) {
            throw new UnsafeEntryException(entryName, "duplicate entry: '" + EntryNames.display(path) + "' already exists in the archive");
        }
        kinds.put(path, kind);
        impliedDirs.addAll(ancestors);
    }

    /**
     * @param keepOutsideLinks accept symlinks whose target is absolute or resolves outside the root, as they are (an
     *                         operator's choice for a storage folder that holds such links): they are never followed,
     *                         and an entry whose path goes through any symlink is refused all the same
     */
    EntryTree(boolean keepOutsideLinks) {
        this.keepOutsideLinks = keepOutsideLinks;
    }

    /**
     * Records a symlink and, when it is {@code restored}, checks that its target resolves inside the root (unless
     * outside links are kept).
     */
    void addSymlink(String entryName, String path, String target, boolean restored) throws UnsafeEntryException {
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
        return kinds.get(path);
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

    /**
     * The ancestors of {@code path}, outermost first, below the innermost one already known as a folder: that one and
     * its own ancestors were checked when it was recorded, and a folder is never replaced (checking all of them for
     * every entry made a tree 2,000 levels deep cubic in its depth to restore).
     */
    private List<String> uncheckedAncestors(String path) {
        List<String> result = new ArrayList<>();
        for (int i = path.lastIndexOf('/'); i >= 0; i = i == 0 ? -1 : path.lastIndexOf('/', i - 1)) {
            String ancestor = path.substring(0, i);
            if (impliedDirs.contains(ancestor) || kinds.get(ancestor) == Kind.DIR) {
                break;
            }
            result.add(ancestor);
        }
        Collections.reverse(result);
        return result;
    }
}
