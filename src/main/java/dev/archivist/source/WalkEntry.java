package dev.archivist.source;

import java.nio.file.Path;

/**
 * An entry found by {@link DirectoryWalker}: its absolute path, its path relative to the walk root with
 * {@code /} separators (no trailing slash), and its {@code lstat} attributes.
 */
public record WalkEntry(Path path, String relativePath, FileStat stat) {
    public FileStat.Type type() {
        return stat.type();
    }
}
