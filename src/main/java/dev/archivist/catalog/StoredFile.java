package dev.archivist.catalog;

import dev.archivist.ArchivistException;
import dev.archivist.archive.Sha256;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;

/**
 * A backup file being written under its temporary name: owner-only, SHA-256 computed while writing, fsynced and
 * renamed by {@link #commit()}, deleted by {@link #abort()}.
 *
 * <p>A file {@linkplain #createWithReservedPrefix created with a reserved prefix} is written from offset {@code n}
 * on; its first {@code n} bytes are filled in by {@link #writePrefix} once known, possibly while the rest is still
 * being written. A prefix cannot be hashed after what follows it, so {@code writePrefix} starts a thread that hashes
 * the file from its start, following the appended bytes as they land (this writer appends each byte once, so bytes
 * below the end of the file are final), and {@link #commit()} waits for it.
 */
public final class StoredFile implements AutoCloseable {
    private static final int BUFFER = 1 << 20;
    private static final long POLL_NANOS = 200_000;

    private final Path target;
    private final Path temp;
    private final int reserved;
    private final MessageDigest digest;
    private final FileChannel channel;
    private final OutputStream out;
    private volatile boolean closed;
    private volatile boolean aborted;
    /** The reason the first write failed: an interrupt closes the channel, and every later write says only that. */
    private volatile String firstFailure;
    private CompletableFuture<String> followingHash;
    private boolean committed;
    /** Set just before the rename: the target may exist from then on, even if the rename reports a failure. */
    private volatile boolean renamed;

    private StoredFile(Path target, int reserved) throws IOException {
        this.target = target;
        this.temp = Durable.tempFor(target);
        this.reserved = reserved;
        Files.deleteIfExists(temp);
        this.channel = Durable.createOwnerOnly(temp);
        channel.position(reserved);
        OutputStream file = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER);
        this.digest = reserved == 0 ? Sha256.digest() : null;
        this.out = digest != null ? new DigestOutputStream(file, digest) : file;
    }

    /** Starts writing what will become {@code target}. */
    public static StoredFile create(Path target) throws IOException {
        return new StoredFile(target, 0);
    }

    /** Starts writing what will become {@code target} at offset {@code reserved}; see {@link #writePrefix}. */
    public static StoredFile createWithReservedPrefix(Path target, int reserved) throws IOException {
        if (reserved <= 0) {
            throw new IllegalArgumentException("reserved prefix must be positive, got " + reserved);
        }
        return new StoredFile(target, reserved);
    }

    /** The stream to write the content to; closing it is optional. Its failures name the file. */
    public OutputStream stream() {
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                naming(() -> out.write(b));
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                naming(() -> out.write(b, off, len));
            }

            @Override
            public void flush() throws IOException {
                naming(out::flush);
            }

            @Override
            public void close() throws IOException {
                finishWriting();
            }
        };
    }

    /** A write to the file. */
    private interface Write {
        void run() throws IOException;
    }

    /** Runs {@code write}, its failure named as {@link #named} names it. */
    private void naming(Write write) throws IOException {
        try {
            write.run();
        } catch (IOException e) {
            throw named(e);
        }
    }

    /**
     * A failed write says only "No space left on device": say which file, so which disk. A write to the channel an
     * earlier failure closed (an interrupt closes it; the compressor still writes its last frame on close) says what
     * that failure was rather than "closed".
     */
    private IOException named(IOException e) {
        boolean closedBefore = e instanceof java.nio.channels.ClosedChannelException
                && !(e instanceof java.nio.channels.ClosedByInterruptException);
        String reason = closedBefore && firstFailure != null ? firstFailure : ArchivistException.reason(e);
        if (firstFailure == null) {
            firstFailure = reason;
        }
        return new IOException("cannot write " + temp + ": " + reason, e);
    }

    private synchronized void finishWriting() throws IOException {
        if (!closed) {
            try {
                out.close();
            } catch (IOException e) {
                throw named(e);
            } finally {
                closed = true;
            }
        }
    }

    /**
     * Fills the reserved prefix with {@code prefix}, which must be exactly its size, and starts hashing the file; may
     * be called from another thread while the stream is still being written, once.
     */
    public synchronized void writePrefix(byte[] prefix) throws IOException {
        if (prefix.length != reserved) {
            throw new IllegalArgumentException("prefix of " + prefix.length + " bytes for " + reserved + " reserved");
        }
        if (followingHash != null) {
            throw new IllegalStateException("the prefix of " + temp + " is already written");
        }
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(prefix);
            while (b.hasRemaining()) {
                ch.write(b, b.position());
            }
        } catch (java.nio.file.FileSystemException e) { // names its file already
            throw e;
        } catch (IOException e) {
            throw named(e);
        }
        followingHash = new CompletableFuture<>();
        Thread hasher = new Thread(() -> {
            try {
                followingHash.complete(hashFollowing());
            } catch (IOException | RuntimeException | Error e) {
                followingHash.completeExceptionally(e);
            }
        }, "hash-" + target.getFileName());
        hasher.setDaemon(true);
        hasher.start();
    }

    /** SHA-256 of the whole file, read as it grows, until the writer has closed it and every byte is read. */
    private String hashFollowing() throws IOException {
        MessageDigest d = Sha256.digest();
        byte[] buf = new byte[BUFFER];
        try (RandomAccessFile in = new RandomAccessFile(temp.toFile(), "r")) {
            long pos = 0;
            while (!aborted) {
                boolean done = closed; // read before the length: once closed, the length is final
                long available = in.length() - pos;
                if (available > 0) {
                    in.seek(pos);
                    int n = in.read(buf, 0, (int) Math.min(buf.length, available));
                    if (n > 0) {
                        d.update(buf, 0, n);
                        pos += n;
                        continue;
                    }
                }
                if (done) {
                    return Sha256.hex(d.digest());
                }
                LockSupport.parkNanos(POLL_NANOS);
            }
        }
        throw new IOException("hashing " + temp + " stopped: the file was discarded");
    }

    /** Fsyncs and renames to the final name; returns size and SHA-256 of the stored bytes. */
    public Manifest.Part commit() throws IOException {
        finishWriting();
        if (reserved > 0 && followingHash == null) {
            throw new IllegalStateException("the reserved prefix of " + temp + " was never written");
        }
        Durable.fsync(temp);
        long size = Files.size(temp);
        String sha256 = digest != null ? Sha256.hex(digest.digest()) : joinHash();
        renamed = true; // from here on the target may exist: a failed fsync of its folder leaves it named
        Durable.rename(temp, target);
        committed = true;
        return new Manifest.Part(target.getFileName().toString(), size, sha256);
    }

    private String joinHash() throws IOException {
        try {
            return followingHash.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while hashing " + temp, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
            throw new IOException("hashing " + temp + " failed: " + cause.getMessage(), cause);
        }
    }

    /** Deletes the file, whether temporary or already renamed. */
    public void abort() {
        aborted = true;
        try {
            finishWriting();
        } catch (IOException ignored) {
            // the file is being removed anyway
        }
        try {
            Files.deleteIfExists(temp);
            if (renamed) { // a new name of this backup's: nobody else's file
                Files.deleteIfExists(target);
            }
        } catch (IOException ignored) {
            // a leftover temp file is removed by the next run under the lock
        }
    }

    @Override
    public void close() {
        if (!committed) {
            abort();
        }
    }
}
