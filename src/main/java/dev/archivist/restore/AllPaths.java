package dev.archivist.restore;

import dev.archivist.restore.EntryTree.Kind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Records every path an archive holds, in whatever order its entries come, and every folder they imply: memory grows
 * with the number of entries. For archives without an index in walk order ({@link DepthFirstPaths} is for the others).
 */
final class AllPaths implements EntryTree.Paths {
    private final Map<String, Kind> kinds = new HashMap<>();
    private final Set<String> impliedDirs = new HashSet<>();

    @Override
    public void add(String entryName, String path, Kind kind) throws UnsafeEntryException {
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
            throw DepthFirstPaths.duplicate(entryName, path);
        }
        kinds.put(path, kind);
        impliedDirs.addAll(ancestors);
    }

    @Override
    public Kind kindOf(String path) {
        return kinds.get(path);
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
