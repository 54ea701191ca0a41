package dev.archivist.archive;

/** Receives cumulative progress of an archive write (content bytes read, entries written) after each entry. */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (bytes, files) -> { };

    void progress(long bytes, long files);
}
