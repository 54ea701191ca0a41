package dev.archivist;

/** The backup the caller named does not exist (exit code 1). */
public final class NotFoundException extends ArchivistException {
    public NotFoundException(String message) {
        super(message);
    }
}
