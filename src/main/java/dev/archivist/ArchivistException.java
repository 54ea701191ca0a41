package dev.archivist;

/** An operation failed (exit code 1); the message carries the context, e.g. which backup and which part. */
public class ArchivistException extends RuntimeException {
    public ArchivistException(String message) {
        super(message);
    }

    public ArchivistException(String message, Throwable cause) {
        super(message, cause);
    }
}
