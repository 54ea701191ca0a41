package dev.archivist.archive;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;

/** Passes bytes through while counting them and computing their SHA-256. */
public final class HashingOutputStream extends FilterOutputStream {
    private final MessageDigest digest = Sha256.digest();
    private long count;

    public HashingOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        digest.update((byte) b);
        count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        digest.update(b, off, len);
        count += len;
    }

    public long count() {
        return count;
    }

    /** Lowercase hex SHA-256 of everything written; call once, at the end. */
    public String sha256Hex() {
        return Sha256.hex(digest.digest());
    }
}
