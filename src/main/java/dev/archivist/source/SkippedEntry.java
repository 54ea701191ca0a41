package dev.archivist.source;

/** An entry left out of a backup, with why (e.g. "socket", "vanished", "permission denied"). */
public record SkippedEntry(String path, String reason) {
}
