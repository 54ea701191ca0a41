package dev.archivist.archive;

import dev.archivist.source.SkippedEntry;
import java.util.List;

/**
 * What {@link StorageArchiver#write} stored: regular files archived, content bytes read from them,
 * entries left out (with reasons) and files that changed while being read.
 */
public record ArchiveResult(long fileCount, long bytesRead, List<SkippedEntry> skipped, List<ChangedFile> changed) {
    public ArchiveResult {
        skipped = List.copyOf(skipped);
        changed = List.copyOf(changed);
    }
}
