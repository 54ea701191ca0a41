package dev.archivist.verify;

import dev.archivist.archive.Sha256;
import dev.archivist.catalog.Manifest;
import dev.archivist.catalog.StoredFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Reads a backup's parts in order as one stream while checking, part by part, size and SHA-256 against the manifest
 * and hashing the whole archive; every mismatch becomes a {@link Problem}. One pass serves both the checksum check and
 * the deep read.
 */
public final class CheckedParts extends InputStream {
    private final Path dir;
    private final List<Manifest.Part> parts;
    private final String backupId;
    private final List<Problem> problems;
    private final BooleanSupplier stopping;
    private final MessageDigest whole = Sha256.digest();
    private MessageDigest current;
    private InputStream in;
    private long currentSize;
    private int index = -1;
    private long total;

    public CheckedParts(Path dir, List<Manifest.Part> parts, String backupId, List<Problem> problems) {
        this(dir, parts, backupId, problems, () -> false);
    }

    /**
     * As {@link #CheckedParts(Path, List, String, List)}, ending with an {@link InterruptedIOException} at the next
     * read (on whichever thread reads it) once {@code stopping} says so.
     */
    public CheckedParts(Path dir, List<Manifest.Part> parts, String backupId, List<Problem> problems,
                        BooleanSupplier stopping) {
        this.dir = dir;
        this.parts = parts;
        this.backupId = backupId;
        this.problems = problems;
        this.stopping = stopping;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (stopping.getAsBoolean()) {
            throw new InterruptedIOException("stopped reading " + backupId);
        }
        while (true) {
            if (in == null && !advance()) {
                return -1;
            }
            int n = in.read(b, off, len);
            if (n > 0) {
                current.update(b, off, n);
                whole.update(b, off, n);
                currentSize += n;
                total += n;
                return n;
            }
            finishPart();
        }
    }

    private boolean advance() throws IOException {
        index++;
        if (index >= parts.size()) {
            return false;
        }
        current = Sha256.digest();
        currentSize = 0;
        in = Files.newInputStream(dir.resolve(parts.get(index).path()));
        return true;
    }

    private void finishPart() throws IOException {
        in.close();
        in = null;
        Manifest.Part p = parts.get(index);
        if (currentSize != p.size()) {
            problems.add(new Problem(backupId, "part " + p.path(), "size " + currentSize + " differs from manifest " + p.size()));
        }
        String sha = Sha256.hex(current.digest());
        if (!sha.equals(p.sha256())) {
            problems.add(new Problem(backupId, "part " + p.path(), "SHA-256 mismatch (stored file changed or damaged)"));
        }
    }

    /** Reads whatever the consumer left unread, so every part is fully checked. */
    public void drain() throws IOException {
        byte[] buf = new byte[1 << 20];
        while (read(buf, 0, buf.length) >= 0) {
            // checking as we go
        }
    }

    public String wholeSha256() {
        return Sha256.hex(whole.digest());
    }

    public long total() {
        return total;
    }

    @Override
    public void close() throws IOException {
        if (in != null) {
            in.close();
        }
    }
}
