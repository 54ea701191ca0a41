package dev.archivist.source;

/** An entry left out of a backup, with why (e.g. "socket", "vanished", "permission denied"). */
public record SkippedEntry(String path, String reason) {
    /** A socket, FIFO or device found by the walk: never stored, recorded with its type as the reason. */
    public static SkippedEntry special(WalkEntry e) {
        return new SkippedEntry(e.relativePath(), e.stat().typeName());
    }
}
