package dev.archivist.archive;

import dev.archivist.ArchivistException;

/**
 * A codec this machine cannot run (zstd's native library did not load): the backup or check fails naming the cause,
 * and a verify reports the backup as not checked here, never as damaged.
 */
public final class CodecUnavailableException extends ArchivistException {
    public CodecUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
