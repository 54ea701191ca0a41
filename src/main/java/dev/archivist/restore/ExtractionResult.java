package dev.archivist.restore;

import java.util.List;

/**
 * What {@link SafeExtractor#extract} wrote: entry metadata in archive order (directories needed only
 * as parents of included entries come last), and the total number of file content bytes.
 */
public record ExtractionResult(List<ExtractedEntry> entries, long bytesWritten) {
    public ExtractionResult {
        entries = List.copyOf(entries);
    }
}
