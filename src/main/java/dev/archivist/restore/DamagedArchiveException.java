package dev.archivist.restore;

import dev.archivist.ArchivistException;
import dev.archivist.archive.Codecs;
import dev.archivist.archive.FailureWordingInputStream;
import dev.archivist.config.Compression;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedChannelException;

/**
 * A backup's data that could not be read on, its checksums intact: the decompressor found it corrupt (a gzip or xz
 * check, zstd's frame format). Told apart from a failure to write what was read (a full disk), so that a restore
 * refuses such a backup as damaged and records it as a failed verify, as a deep verify does.
 */
public final class DamagedArchiveException extends IOException {
    public DamagedArchiveException(IOException cause) {
        super(ArchivistException.reason(cause), cause);
    }

    /**
     * {@code in} whose read failures become {@link DamagedArchiveException}s, but for an interruption or a stop (an
     * {@link InterruptedIOException}, a channel closed under the read, or any failure of an interrupted thread): a
     * backup is never recorded as damaged because its restore was stopped.
     */
    public static InputStream marking(InputStream in) {
        return new FailureWordingInputStream(in, DamagedArchiveException::marked);
    }

    /**
     * {@code codec}'s decompression of {@code in}, {@link #marking marking} its read failures; a header that does not
     * decode is damage too. The one way the restorers open a backup's data.
     */
    public static InputStream decompressor(Compression codec, InputStream in) throws IOException {
        try {
            return marking(Codecs.decompressor(codec, in));
        } catch (IOException e) {
            throw marked(e);
        }
    }

    private static IOException marked(IOException e) {
        if (e instanceof DamagedArchiveException || e instanceof InterruptedIOException
                || e instanceof ClosedChannelException || Thread.currentThread().isInterrupted()) {
            return e;
        }
        return new DamagedArchiveException(e);
    }

    /** The {@link DamagedArchiveException} in {@code e}'s causes ({@code e} itself included), or null. */
    public static DamagedArchiveException in(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DamagedArchiveException d) {
                return d;
            }
        }
        return null;
    }
}
