package dev.archivist.archive;

import dev.archivist.source.DirectoryWalker;
import dev.archivist.source.OwnerNames;
import dev.archivist.source.SkippedEntry;
import dev.archivist.source.WalkEntry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a storage folder as a POSIX (pax) tar ({@link PaxTarWriter}) into a sink, and its file index.
 *
 * <p>Entries are in {@link DirectoryWalker} order with paths relative to the root ({@code dir/} for
 * directories), mode, mtime (to the nanosecond) and uid/gid; symlinks are stored as links with their target
 * unchanged, never followed. Each file's SHA-256 is computed while it is copied into the tar.
 *
 * <p>Problems with single entries never fail the backup (like GNU tar, which warns and goes on):
 * <ul>
 *   <li>a file deleted between the walk and its reading is recorded in {@code skipped} as {@code "vanished"};
 *       files are opened before their header is written, so no half entry is left;</li>
 *   <li><b>decision:</b> a file that cannot be read (permission denied) is skipped and recorded in
 *       {@code skipped} with the reason, rather than failing the whole backup;</li>
 *   <li>sockets, FIFOs and devices are skipped with their type as the reason;</li>
 *   <li>a file whose size or mtime changed while it was read, or whose byte count differs from the header's
 *       size, is recorded in {@code changed}: exactly the declared size is stored (zero-padded if it shrank,
 *       cut if it grew) and the index holds the SHA-256 of those stored bytes.</li>
 * </ul>
 * Errors of the sink (disk full, ...) or of the root fail the write with an {@link IOException}.
 *
 * <p>Performance: small files (&lt; 1 MiB) are read and hashed ahead on a small pool, bounded to 32 MiB in
 * flight, so open/read latency overlaps with compression; large files are streamed in 1 MiB chunks.
 * Memory stays flat whatever the number and size of files. Not thread-safe; one instance per write.
 */
public final class StorageArchiver {
    static final long SMALL_FILE_LIMIT = 1 << 20;
    static final long MAX_BYTES_IN_FLIGHT = 32L << 20;
    private static final int SINK_BUFFER = 256 << 10;

    private final int readerThreads;
    private final long maxBytesInFlight;
    private final long smallFileLimit;

    /** The default: read-ahead on {@code max(2, processors)} threads. */
    public StorageArchiver() {
        this(Math.max(2, Runtime.getRuntime().availableProcessors()), MAX_BYTES_IN_FLIGHT, SMALL_FILE_LIMIT);
    }

    /** With {@code readerThreads == 0} everything runs on the caller's thread (no read-ahead). */
    StorageArchiver(int readerThreads, long maxBytesInFlight, long smallFileLimit) {
        this.readerThreads = readerThreads;
        this.maxBytesInFlight = maxBytesInFlight;
        this.smallFileLimit = smallFileLimit;
    }

    /**
     * Archives {@code root} into {@code tarSink} and lists each entry in {@code index}.
     *
     * <p>Ends the tar stream (end-of-archive records) and flushes, but does not close {@code tarSink} nor
     * finish {@code index}: the caller closes the compressor, then finishes (or, on failure, aborts) the
     * {@link PartWriter} and the {@link IndexWriter}.
     *
     * @param excludes globs relative to the root (see {@link DirectoryWalker})
     */
    public ArchiveResult write(Path root, List<String> excludes, OutputStream tarSink, IndexWriter index,
            ProgressListener progress) throws IOException {
        return write(new DirectoryWalker(root, excludes), tarSink, index, progress);
    }

    /** As {@link #write(Path, List, OutputStream, IndexWriter, ProgressListener)}, walking with {@code walker}. */
    public ArchiveResult write(DirectoryWalker walker, OutputStream tarSink, IndexWriter index,
            ProgressListener progress) throws IOException {
        // the tar writer emits 512-byte headers and content in the caller's pieces: batch them for the compressor
        OutputStream buffered = new java.io.BufferedOutputStream(new NonClosing(tarSink), SINK_BUFFER);
        PaxTarWriter tar = new PaxTarWriter(buffered, OwnerNames.system());
        ProgressListener listener = progress == null ? ProgressListener.NONE : progress;
        dev.archivist.source.LockKeepingRead.lookAgain(); // the application's files open now are read keeping its locks
        return archive(walker, tar, new EntryWriter(tar, index, listener), buffered, tarSink);
    }

    private ArchiveResult archive(DirectoryWalker walker, PaxTarWriter tar, EntryWriter writer,
            OutputStream buffered, OutputStream tarSink) throws IOException {
        try {
            if (readerThreads == 0) {
                walker.walk(new DirectoryWalker.Visitor() {
                    @Override
                    public void entry(WalkEntry e) throws IOException {
                        boolean small = e.type() == dev.archivist.source.FileStat.Type.FILE
                                && e.stat().size() < smallFileLimit;
                        try {
                            writer.write(e, small ? FileLoader.load(e) : null);
                        } finally {
                            e.done();
                        }
                    }

                    @Override
                    public void skipped(SkippedEntry s) {
                        writer.skipped(s);
                    }
                });
            } else {
                try (ReadAhead ahead = new ReadAhead(walker, readerThreads, maxBytesInFlight, smallFileLimit)) {
                    ahead.start();
                    for (List<ReadAhead.Item> batch = ahead.take(); batch != null; batch = ahead.take()) {
                        for (ReadAhead.Item item : batch) {
                            if (item.skipped != null) {
                                writer.skipped(item.skipped);
                            } else {
                                try {
                                    writer.write(item.entry, item.loaded);
                                } finally {
                                    item.entry.done();
                                }
                            }
                            item.loaded = null; // let the content go as soon as it is written
                        }
                    }
                }
            }
        } finally {
            walker.closeFolders(); // those still open when the backup failed half-way
        }
        tar.finish();
        buffered.close(); // flushes and closes the buffer, not the sink
        tarSink.flush();
        return writer.result();
    }

    /** Keeps {@code close()} of the layers above from closing the caller's sink. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
