package dev.archivist.source;

import java.nio.file.Path;

/**
 * An entry found by {@link DirectoryWalker}: its absolute path, its path relative to the walk root with
 * {@code /} separators (no trailing slash), its {@code lstat} attributes, and the open folder it is in with its name
 * there: read it through {@link #folder()}, never through {@link #path()}, which a folder swapped for a symlink while
 * the backup runs could redirect. Call {@link #done()} once it is written, so that the folder can be closed.
 */
public record WalkEntry(Path path, String relativePath, FileStat stat, FolderHandle folder, String name) {
    /** An entry reached through its path (for entries made outside a walk). */
    public WalkEntry(Path path, String relativePath, FileStat stat) {
        this(path, relativePath, stat, FolderHandle.byPath(path.getParent()), path.getFileName().toString());
    }

    public FileStat.Type type() {
        return stat.type();
    }

    /** Lets go of the entry's folder. */
    public void done() {
        folder.release();
    }
}
