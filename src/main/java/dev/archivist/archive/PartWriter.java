package dev.archivist.archive;

import dev.archivist.ArchivistException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The bottom layer of the archive pipeline: writes a byte stream into {@code dir} as parts of {@code chunkSize}
 * bytes, hashing each part and the whole stream while writing (no second pass).
 *
 * <p>Parts are written under temporary names ({@code .tmp-<fileName>.part001}, ...). {@link #finish()} fsyncs
 * them and, when splitting is off or the total is at most {@code maxSize}, joins them into one file
 * {@code <fileName>} (parts 2..n are appended to part 1 and deleted one by one, so the extra I/O is at most
 * {@code maxSize} and the peak disk use at most the archive plus one part); otherwise it renames them to
 * {@code <fileName>.part001}, ... Then the directory is fsynced. A full part is fsynced and closed on a background
 * thread while the next one is written (at ~1 GB/s, each 100 MiB part stalled the whole pipeline for ~0.1 s);
 * {@code finish()} waits for those syncs and fails if one did. With splitting off, one file is written
 * directly. Parts are written with direct I/O where the file system allows it ({@link SequentialFile}), by a
 * background thread while the next buffer fills ({@link WriteBehind}).
 * Files are created owner-only ({@code rw-------}); an existing target is never overwritten.
 * {@link #abort()} deletes every file this writer created. {@link #close()} only flushes: call
 * {@code finish()} or {@code abort()} to end. Not thread-safe.
 */
public final class PartWriter extends OutputStream {
    static final String TEMP_PREFIX = ".tmp-";
    /** Direct writes of 4 MiB, three buffers: one filling, two with the disk (larger writes go faster at depth 1). */
    private static final int BUFFER = 4 << 20;
    private static final int BUFFERS = 3;

    private final Path dir;
    private final String fileName;
    private final long chunkSize;
    private final long maxSize;
    private final boolean autoSplit;
    private final WriteBehind writeBehind;
    private final boolean directIo;
    private final MessageDigest total = Sha256.digest();
    private final MessageDigest partDigest = Sha256.digest();
    private final List<Path> temps = new ArrayList<>();
    /** Size and hash of each ended part, under its provisional name: {@link #finish()} names them. */
    private final List<ArchiveFiles.Part> written = new ArrayList<>();
    private final List<Path> created = new ArrayList<>();
    private final List<CompletableFuture<Void>> syncs = new ArrayList<>();
    private ExecutorService syncer;
    private SequentialFile current;
    private long partBytes;
    private long totalBytes;
    private boolean closed;
    private boolean ended;

    /**
     * @param dir       existing target directory
     * @param fileName  final name of the archive, e.g. {@code storage_backup_20261128T010203Z.tar.zst}
     * @param chunkSize size of each part (bytes, &gt; 0)
     * @param maxSize   largest archive kept as a single file when {@code autoSplit}
     * @param autoSplit split into parts when the archive is larger than {@code maxSize}
     */
    public PartWriter(Path dir, String fileName, long chunkSize, long maxSize, boolean autoSplit) throws IOException {
        this(dir, fileName, chunkSize, maxSize, autoSplit, true);
    }

    /** As above; {@code directIo} false writes through the page cache even where direct I/O is possible. */
    PartWriter(Path dir, String fileName, long chunkSize, long maxSize, boolean autoSplit, boolean directIo)
            throws IOException {
        if (chunkSize <= 0 || maxSize < 0) {
            throw new IllegalArgumentException("chunkSize must be > 0 and maxSize >= 0, got " + chunkSize + ", " + maxSize);
        }
        if (fileName.isEmpty() || fileName.contains("/") || fileName.startsWith(".")) {
            throw new IllegalArgumentException("invalid archive file name: '" + fileName + "'");
        }
        this.dir = dir;
        this.fileName = fileName;
        this.chunkSize = autoSplit ? chunkSize : Long.MAX_VALUE;
        this.maxSize = maxSize;
        this.autoSplit = autoSplit;
        this.directIo = directIo;
        this.writeBehind = new WriteBehind("archive-io " + fileName, BUFFERS, BUFFER);
        if (Files.exists(dir.resolve(fileName)) || Files.exists(dir.resolve(partName(1)))) {
            throw new FileAlreadyExistsException(dir.resolve(fileName).toString(), null, "archive already exists");
        }
    }

    /**
     * Name of part {@code n} (1-based) of {@code count}: {@code <fileName>.part001}, with as many digits as
     * {@code count} needs (at least three), so that name order is the archive's order for any number of parts
     * ({@code cat name.part*} concatenates them right: {@code part1000} would sort before {@code part101}).
     */
    public static String partName(String fileName, int n, int count) {
        int digits = Math.max(3, Integer.toString(count).length());
        return String.format("%s.part%0" + digits + "d", fileName, n);
    }

    private String partName(int n) {
        return partName(fileName, n, n);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (closed || ended) {
            throw new IOException("archive writer for " + dir.resolve(fileName) + " is closed");
        }
        while (len > 0) {
            if (current == null || partBytes == chunkSize) {
                nextPart();
            }
            int n = (int) Math.min(len, chunkSize - partBytes);
            total.update(b, off, n);
            if (temps.size() > 1) { // the first part's hash is the whole stream's up to its end: see endPart
                partDigest.update(b, off, n);
            }
            int done = 0;
            while (done < n) {
                ByteBuffer buffer = writeBehind.filling();
                if (!buffer.hasRemaining()) {
                    submitBuffer();
                    continue;
                }
                int k = Math.min(n - done, buffer.remaining());
                buffer.put(b, off + done, k);
                done += k;
            }
            partBytes += n;
            totalBytes += n;
            off += n;
            len -= n;
        }
    }

    /** Bytes written so far. */
    public long bytesWritten() {
        return totalBytes;
    }

    /** Bytes stay buffered until a buffer is full or the part ends; only reports a failed background write. */
    @Override
    public void flush() throws IOException {
        if (current != null && !ended) {
            awaitWritesIfFailed();
        }
    }

    /** Only marks the stream closed: call {@link #finish()} or {@link #abort()} to end. */
    @Override
    public void close() throws IOException {
        closed = true;
    }

    /** Syncs, joins or renames the parts to their final names and returns them; see the class comment. */
    public ArchiveFiles finish() throws IOException {
        if (ended) {
            throw new IllegalStateException("archive writer already finished or aborted: " + dir.resolve(fileName));
        }
        if (current == null) {
            nextPart(); // an empty stream is still one (empty) file
        }
        endPart(false);
        writeBehind.close();
        awaitSyncs();
        ended = true;
        String sha = Sha256.hex(total.digest());
        List<ArchiveFiles.Part> parts;
        if (!autoSplit || totalBytes <= maxSize) {
            Path target = dir.resolve(fileName);
            joinInto(temps.get(0));
            rename(temps.get(0), target);
            parts = List.of(new ArchiveFiles.Part(fileName, totalBytes, sha));
        } else {
            parts = new ArrayList<>();
            for (int i = 0; i < temps.size(); i++) {
                String name = partName(fileName, i + 1, temps.size());
                rename(temps.get(i), dir.resolve(name));
                parts.add(new ArchiveFiles.Part(name, written.get(i).size(), written.get(i).sha256Hex()));
            }
        }
        dev.archivist.catalog.Durable.fsyncDirectory(dir);
        return new ArchiveFiles(parts, totalBytes, sha);
    }

    /** Closes and deletes every file this writer created (temporary or renamed); safe to call repeatedly. */
    public void abort() {
        ended = true;
        closed = true;
        writeBehind.close(); // waits for writes in flight: no file is closed or deleted under one
        for (CompletableFuture<Void> sync : syncs) {
            sync.handle((ok, failed) -> null).join(); // its file is closed when it ends
        }
        stopSyncer();
        if (current != null) {
            try {
                current.close();
            } catch (IOException ignored) {
                // the file is deleted next
            }
            current = null;
        }
        for (Path p : created) {
            FileSupport.deleteQuietly(p, null);
        }
        created.clear();
    }

    private void nextPart() throws IOException {
        if (current != null) {
            endPart(true);
        }
        Path temp = dir.resolve(TEMP_PREFIX + partName(temps.size() + 1));
        created.add(temp);
        current = SequentialFile.create(temp, directIo);
        temps.add(temp);
        partBytes = 0;
    }

    /** Ends the current part: fsynced and closed here, or on the background thread when {@code inBackground}. */
    private void endPart(boolean inBackground) throws IOException {
        Path temp = temps.get(temps.size() - 1);
        ByteBuffer tail = writeBehind.filling();
        try {
            writeBehind.await(); // the part's earlier buffers are written: the file is this thread's again
            tail.flip();
            current.finish(tail, partBytes);
        } catch (IOException e) {
            throw new IOException("cannot write " + temp + ": " + ArchivistException.reason(e), e);
        } finally {
            tail.clear();
        }
        SequentialFile done = current;
        current = null;
        written.add(new ArchiveFiles.Part(partName(temps.size()), partBytes, Sha256.hex(partHash())));
        if (!inBackground) {
            syncAndClose(done, temp);
            return;
        }
        throwIfASyncFailed();
        if (syncer == null) {
            syncer = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "archive-sync " + fileName);
                t.setDaemon(true);
                return t;
            });
        }
        syncs.add(CompletableFuture.runAsync(() -> {
            try {
                syncAndClose(done, temp);
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, syncer));
    }

    /**
     * The SHA-256 of the part just ended. The first part is the start of the whole stream, so its hash is a copy of
     * the whole stream's digest at that point: one hashing pass instead of two over it (all of a one-part archive).
     */
    private byte[] partHash() {
        if (temps.size() > 1) {
            return partDigest.digest();
        }
        try {
            return ((MessageDigest) total.clone()).digest();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digest cannot be copied", e);
        }
    }

    private static void syncAndClose(SequentialFile file, Path path) throws IOException {
        try {
            file.forceAndClose();
        } catch (IOException e) {
            throw new IOException("cannot sync " + path + ": " + ArchivistException.reason(e), e);
        }
    }

    /** Rethrows the failure of a background sync that already ended, without waiting for the others. */
    private void throwIfASyncFailed() throws IOException {
        if (syncs.stream().anyMatch(CompletableFuture::isCompletedExceptionally)) {
            awaitSyncs();
        }
    }

    /** Waits for every background sync; rethrows the first failure. */
    private void awaitSyncs() throws IOException {
        try {
            for (CompletableFuture<Void> sync : syncs) {
                try {
                    sync.join();
                } catch (CompletionException e) {
                    Throwable cause = e.getCause();
                    throw cause instanceof IOException io ? io : new IOException(String.valueOf(cause), cause);
                }
            }
        } finally {
            stopSyncer();
        }
    }

    private void stopSyncer() {
        if (syncer != null) {
            syncer.shutdown();
            syncer = null;
        }
    }

    /** Hands the full buffer to the background writes of the current part (whole blocks: the buffer's size is). */
    private void submitBuffer() throws IOException {
        try {
            writeBehind.submit(current);
        } catch (IOException e) {
            throw new IOException("cannot write " + temps.get(temps.size() - 1) + ": " + ArchivistException.reason(e),
                    e);
        }
    }

    /** Rethrows, with the part's name, the failure of a background write that already ended. */
    private void awaitWritesIfFailed() throws IOException {
        if (writeBehind.failed()) {
            try {
                writeBehind.await();
            } catch (IOException e) {
                throw new IOException("cannot write " + temps.get(temps.size() - 1) + ": " + ArchivistException.reason(e),
                    e);
            }
        }
    }

    /** Appends the temporary parts 2..n to {@code first}, deleting each once copied. */
    private void joinInto(Path first) throws IOException {
        if (temps.size() == 1) {
            return;
        }
        try (FileChannel out = FileChannel.open(first, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            for (int i = 1; i < temps.size(); i++) {
                Path part = temps.get(i);
                try (FileChannel in = FileChannel.open(part, StandardOpenOption.READ)) {
                    long size = in.size();
                    long pos = 0;
                    while (pos < size) {
                        pos += in.transferTo(pos, size - pos, out);
                    }
                } catch (IOException e) {
                    throw new IOException("cannot append " + part + " to " + first + ": "
                            + ArchivistException.reason(e), e);
                }
                Files.delete(part);
            }
            out.force(true);
        }
    }

    private void rename(Path from, Path to) throws IOException {
        if (Files.exists(to)) {
            throw new FileAlreadyExistsException(to.toString(), null, "archive already exists");
        }
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        created.add(to);
    }
}
