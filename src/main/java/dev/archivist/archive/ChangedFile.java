package dev.archivist.archive;

/**
 * A file archived while it was changing (like GNU tar's "file changed as we read it"): the archive is still
 * valid and holds exactly the size declared in the entry's header (zero-padded if the file shrank, cut if it
 * grew); the index records the SHA-256 of the bytes stored.
 */
public record ChangedFile(String path, String reason) {
}
