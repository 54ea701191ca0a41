package dev.archivist.catalog;

import dev.archivist.archive.Sha256;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A backup file being written under its temporary name: owner-only, SHA-256 computed while writing, fsynced and
 * renamed by {@link #commit()}, deleted by {@link #abort()}.
 *
 * <p>A file {@linkplain #createWithReservedPrefix created with a reserved prefix} is written from offset {@code n}
 * on; its first {@code n} bytes are filled in by {@link #writePrefix} once known, and its SHA-256 is then computed
 * from the file at commit (a prefix cannot be hashed after what follows it).
 */
public final class StoredFile implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private final int reserved;
    private final MessageDigest digest;
    private final FileChannel channel;
    private final OutputStream out;
    private static final int BUFFER = 1 << 20;
    private boolean closed;
    private boolean prefixWritten;
    private boolean committed;

    private StoredFile(Path target, int reserved) throws IOException {
        this.target = target;
        this.temp = Durable.tempFor(target);
        this.reserved = reserved;
        Files.deleteIfExists(temp);
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        this.channel = FileChannel.open(temp, StandardOpenOption.WRITE);
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

    /** The stream to write the content to; closing it is optional. */
    public OutputStream stream() {
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                finishWriting();
            }
        };
    }

    private void finishWriting() throws IOException {
        if (!closed) {
            closed = true;
            out.close();
        }
    }

    /** Finishes the stream and fills the reserved prefix with {@code prefix}, which must be exactly its size. */
    public void writePrefix(byte[] prefix) throws IOException {
        if (prefix.length != reserved) {
            throw new IllegalArgumentException("prefix of " + prefix.length + " bytes for " + reserved + " reserved");
        }
        finishWriting();
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(prefix);
            while (b.hasRemaining()) {
                ch.write(b, b.position());
            }
        }
        prefixWritten = true;
    }

    /** Fsyncs and renames to the final name; returns size and SHA-256 of the stored bytes. */
    public Manifest.Part commit() throws IOException {
        finishWriting();
        if (reserved > 0 && !prefixWritten) {
            throw new IllegalStateException("the reserved prefix of " + temp + " was never written");
        }
        // Without a running digest, hash the file beside the fsync rather than after it.
        CompletableFuture<String> hash = digest != null ? CompletableFuture.completedFuture(Sha256.hex(digest.digest()))
                : CompletableFuture.supplyAsync(() -> {
                    try {
                        return Sha256.ofFile(temp);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
        Durable.fsync(temp);
        long size = Files.size(temp);
        String sha256 = joinHash(hash);
        Durable.rename(temp, target);
        committed = true;
        return new Manifest.Part(target.getFileName().toString(), size, sha256);
    }

    private String joinHash(CompletableFuture<String> hash) throws IOException {
        try {
            return hash.get();
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
        try {
            finishWriting();
        } catch (IOException ignored) {
            // the file is being removed anyway
        }
        try {
            Files.deleteIfExists(temp);
            if (committed) {
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
