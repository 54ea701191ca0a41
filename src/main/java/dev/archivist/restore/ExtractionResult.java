package dev.archivist.restore;

import java.util.List;

/**
 * What {@link SafeExtractor} wrote.
 *
 * @param entries      entry metadata in archive order (directories needed only as parents of included entries come
 *                     last); empty when the extraction was compared with the index as it went ({@code checked})
 * @param files        regular files written (hard links included)
 * @param bytesWritten file content bytes written
 * @param checked      the comparison with the index and the owners applied, when made while extracting; null when
 *                     they are left to the caller ({@link StorageRestorer#compare}, {@link Ownership#applyArchived})
 */
public record ExtractionResult(List<ExtractedEntry> entries, long files, long bytesWritten, IndexCheck checked) {
    public ExtractionResult {
        entries = List.copyOf(entries);
    }

    /**
     * The comparison with the index made while extracting.
     *
     * @param problems   every difference found (the first ones in full), empty when the tree is as the index says
     * @param ownersNote what became of the archived owners, for the restore report
     */
    public record IndexCheck(List<String> problems, String ownersNote) {
        public IndexCheck {
            problems = List.copyOf(problems);
        }
    }
}
