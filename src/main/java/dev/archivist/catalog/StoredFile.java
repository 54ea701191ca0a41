package dev.archivist.catalog;

import dev.archivist.archive.Sha256;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;

/**
 * A backup file being written under its temporary name: owner-only, SHA-256 computed while writing, fsynced and
 * renamed by {@link #commit()}, deleted by {@link #abort()}.
 */
public final class StoredFile implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private final MessageDigest digest;
    private final OutputStream out;
    private boolean closed;
    private boolean committed;

    private StoredFile(Path target) throws IOException {
        this.target = target;
        this.temp = Durable.tempFor(target);
        Files.deleteIfExists(temp);
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        this.digest = Sha256.digest();
        this.out = new DigestOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(temp, StandardOpenOption.WRITE), 1 << 20), digest);
    }

    /** Starts writing what will become {@code target}. */
    public static StoredFile create(Path target) throws IOException {
        return new StoredFile(target);
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

    /** Fsyncs and renames to the final name; returns size and SHA-256 of the stored bytes. */
    public Manifest.Part commit() throws IOException {
        finishWriting();
        Durable.fsync(temp);
        long size = Files.size(temp);
        Durable.rename(temp, target);
        committed = true;
        return new Manifest.Part(target.getFileName().toString(), size, Sha256.hex(digest.digest()));
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
