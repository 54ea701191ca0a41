package dev.archivist.archive;

/**
 * Receives cumulative progress of an archive write: content bytes read and regular files written (the counts the
 * manifest ends with) after each entry and during large files, the compressed bytes stored so far (from the thread
 * writing the parts), then {@link #finished()} once everything is stored, or {@link #failed()} when the backup failed
 * (or was stopped). A database backup (and a full backup's first part) reports through {@link #database(long)}, then
 * {@link #finished()} or {@link #failed()}.
 */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (bytes, files) -> { };

    void progress(long bytes, long files);

    /** Compressed bytes stored so far; called from the thread that writes the parts. */
    default void stored(long archiveBytes) {
    }

    /** Bytes of the database copy compressed so far. */
    default void database(long bytes) {
    }

    /**
     * Everything is stored: nothing more will be reported for this part (may be called twice); a full backup's storage
     * part reports afresh after its database part.
     */
    default void finished() {
    }

    /**
     * The backup failed or was stopped, and what it had stored was discarded with its temporary files: nothing more
     * will be reported for this part (also after {@link #finished()}, when the commit failed).
     */
    default void failed() {
        finished();
    }
}
