package dev.archivist.restore;

import dev.archivist.restore.EntryTree.Kind;
import dev.archivist.source.WalkOrder;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Records the entries of an archive written in {@link WalkOrder}, holding only those on the current path: an entry
 * whose path does not come after the previous one is refused, so none repeats, and an entry that lies inside an
 * earlier one is still on the stack when it comes (the walk order puts nothing between a folder and what it holds
 * but more of what it holds). Memory grows with the depth of the tree, not with its size. A folder is handed to
 * {@code leaving} once the archive has left it for good, so that its mode and time can be set then.
 */
final class DepthFirstPaths implements EntryTree.Paths {
    /** Told of each folder entry the archive has left for good, innermost first. */
    interface Leaving {
        void left(String dir) throws IOException;
    }

    private record Frame(String path, Kind kind) {
    }

    private final Deque<Frame> stack = new ArrayDeque<>();
    private final Set<String> remembered;
    private final Map<String, Kind> rememberedKinds = new HashMap<>();
    private final Leaving leaving;
    private String previous;

    /**
     * @param remembered the paths whose kind {@link #kindOf} must answer for later (the targets of hard links)
     */
    DepthFirstPaths(Set<String> remembered, Leaving leaving) {
        this.remembered = remembered;
        this.leaving = leaving;
    }

    @Override
    public void add(String entryName, String path, Kind kind) throws IOException {
        if (previous != null) {
            int order = WalkOrder.compare(previous, path);
            if (order == 0) {
                throw duplicate(entryName, path);
            }
            if (order > 0) {
                throw new UnsafeEntryException(entryName, "out of order after '" + EntryNames.display(previous)
                        + "': the index lists its entries depth-first by name, as Archivist writes them, and the"
                        + " archive does not");
            }
        }
        previous = path;
        leaveAllBut(path);
        Frame parent = stack.peek(); // only the innermost can be other than a folder: nothing went inside the others
        if (parent != null && parent.kind() == Kind.SYMLINK) {
            throw new UnsafeEntryException(entryName, "path goes through the symlink '" + EntryNames.display(parent.path()) + "'");
        }
        if (parent != null && parent.kind() == Kind.FILE) {
            throw new UnsafeEntryException(entryName, "parent '" + EntryNames.display(parent.path()) + "' is not a directory");
        }
        stack.push(new Frame(path, kind));
        if (remembered.contains(path)) {
            rememberedKinds.put(path, kind);
        }
    }

    /** The kind of a path among those {@code remembered}, or {@code null}. */
    @Override
    public Kind kindOf(String path) {
        return rememberedKinds.get(path);
    }

    @Override
    public void finish() throws IOException {
        leaveAllBut(null);
    }

    /** Leaves every entry on the stack that {@code path} is not inside (all of them for null). */
    private void leaveAllBut(String path) throws IOException {
        while (!stack.isEmpty() && (path == null || !WalkOrder.isInside(path, stack.peek().path()))) {
            Frame left = stack.pop();
            if (left.kind() == Kind.DIR) {
                leaving.left(left.path());
            }
        }
    }

    static UnsafeEntryException duplicate(String entryName, String path) {
        return new UnsafeEntryException(entryName, "duplicate entry: '" + EntryNames.display(path) + "' already exists in the archive");
    }
}
