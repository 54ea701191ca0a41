package dev.archivist;

/** Another process held the backup-directory lock past the timeout (exit code 3). */
public final class LockUnavailableException extends ArchivistException {
    public LockUnavailableException(String message) {
        super(message);
    }
}
