package dev.archivist.archive;

/**
 * Receives cumulative progress of an archive write after each entry (content bytes read and regular files written,
 * the counts the manifest ends with), then {@link #finished()} once when the archive stream ends, written or failed.
 */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (bytes, files) -> { };

    void progress(long bytes, long files);

    /** The archive stream ended (written or failed): nothing more will be reported. */
    default void finished() {
    }
}
