package dev.archivist.archive;

/** A file written and committed (synced, renamed) in its directory: name, size, lowercase hex SHA-256. */
public record WrittenFile(String fileName, long size, String sha256Hex) {
}
