package dev.archivist.archive;

import dev.archivist.source.FileStat;
import dev.archivist.source.WalkEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * Opening and reading source files with the archive's rules: open before anything is written (so a file that
 * vanished or cannot be read is skipped, never half-stored), exactly the declared size is stored, and a change
 * (size or mtime different after reading, or fewer/more bytes than declared) is reported.
 */
final class FileLoader {
    static final String VANISHED = "vanished";
    static final String PERMISSION_DENIED = "permission denied";

    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(Sha256::digest);

    private FileLoader() {
    }

    /** A small file read whole: content padded/cut to the declared size, its SHA-256, or why it was skipped. */
    record Loaded(byte[] data, String sha256Hex, String changed, String skipReason) {
    }

    /** Opens a file without following a symlink; returns null and fills {@code why[0]} when it must be skipped. */
    static FileChannel open(Path path, String[] why) {
        try {
            return FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            why[0] = VANISHED;
        } catch (AccessDeniedException e) {
            why[0] = PERMISSION_DENIED;
        } catch (IOException e) {
            why[0] = "cannot open: " + e.getMessage();
        }
        return null;
    }

    /** Reads a whole (small) file into memory and hashes it; never throws for a problem of that file. */
    static Loaded load(WalkEntry entry) {
        String[] why = new String[1];
        FileChannel ch = open(entry.path(), why);
        if (ch == null) {
            return new Loaded(null, null, null, why[0]);
        }
        int size = (int) entry.stat().size();
        byte[] data = new byte[size];
        int n;
        try (ch) {
            ByteBuffer bb = ByteBuffer.wrap(data);
            while (bb.hasRemaining() && ch.read(bb) >= 0) {
                // keep reading until full or EOF
            }
            n = bb.position();
        } catch (IOException e) {
            return new Loaded(null, null, null, "read error: " + e.getMessage());
        }
        MessageDigest md = DIGEST.get();
        md.update(data); // a short read left zeros: the padding is what gets stored
        // growth after the declared size shows in the size after reading (no extra read for small files)
        return new Loaded(data, Sha256.hex(md.digest()), changeReason(entry, n, false), null);
    }

    /** Why a file counts as changed after {@code read} of its declared bytes were read, or null. */
    static String changeReason(WalkEntry entry, long read, boolean grew) {
        long declared = entry.stat().size();
        if (read < declared) {
            return "file shrank while being read: " + read + " of " + declared
                    + " bytes read, padded with zeros";
        }
        if (grew) {
            return "file grew while being read: only the first " + declared + " bytes were stored";
        }
        FileStat after;
        try {
            after = FileStat.lstatStamp(entry.path());
        } catch (NoSuchFileException e) {
            return "file removed while being read";
        } catch (IOException e) {
            return "cannot stat after reading: " + e.getMessage();
        }
        if (after.size() > declared) {
            return "file grew while being read: only the first " + declared + " bytes were stored";
        }
        if (!entry.stat().sameContentStamp(after)) {
            return "file changed while being read";
        }
        return null;
    }
}
