package dev.archivist.archive;

import java.util.List;

/**
 * The files an archive was written as: one element in {@code parts} for a single file, else the numbered parts
 * in order. {@code sha256Hex} covers the whole stream (= the concatenation of the parts).
 */
public record ArchiveFiles(List<Part> parts, long totalSize, String sha256Hex) {
    public ArchiveFiles {
        parts = List.copyOf(parts);
    }

    /** True when the archive was split into several part files. */
    public boolean split() {
        return parts.size() > 1;
    }

    /** One file on disk: its name inside the target directory, size and lowercase hex SHA-256. */
    public record Part(String fileName, long size, String sha256Hex) {
    }
}
