package dev.archivist.archive;

import dev.archivist.source.SkippedEntry;
import java.util.List;

/**
 * What {@link StorageArchiver#write} stored: regular files archived, content bytes read from them,
 * entries left out (with reasons), files that changed while being read, and entries stored that restore refuses by
 * default ({@link RestoreWarnings}).
 */
public record ArchiveResult(long fileCount, long bytesRead, List<SkippedEntry> skipped, List<ChangedFile> changed,
                            List<SkippedEntry> restoreWarnings) {
    public ArchiveResult {
        skipped = List.copyOf(skipped);
        changed = List.copyOf(changed);
        restoreWarnings = List.copyOf(restoreWarnings);
    }
}
