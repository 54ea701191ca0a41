package dev.archivist;

import dev.archivist.archive.Codecs;
import dev.archivist.archive.IndexEntry;
import dev.archivist.archive.IndexReader;
import dev.archivist.archive.Sha256;
import dev.archivist.config.Compression;
import dev.archivist.verify.PartStreams;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * One file of a storage backup, written out as it was backed up (as {@code restic dump} and
 * {@code borg extract --stdout}): found in the index first (a folder, a symlink or a path the backup does not hold is
 * refused before any archive is read), then read from the archive and checked against the index's SHA-256 as it is
 * written. A hard link gives its file's content.
 */
public final class StorageDump {
    private StorageDump() {
    }

    /** What was written: the entry as the index records it and the bytes. */
    public record Dumped(IndexEntry entry, long bytes) {
    }

    /**
     * Writes the content of {@code path} (relative to the storage root; a leading {@code /} or {@code ./} is the root)
     * of the backup {@code files} lists to {@code out}.
     *
     * @throws NotFoundException  when the backup holds no such path
     * @throws ArchivistException when it is no file, or the archive's content differs from the index (damage)
     */
    public static Dumped write(StorageFiles files, String path, OutputStream out) throws IOException {
        String wanted = PathSelection.withoutRoot(path);
        IndexEntry entry = find(files, wanted);
        String stored = IndexEntry.HARDLINK.equals(entry.type()) ? entry.link() : entry.path();
        Compression codec = Compression.parseOrNull(files.backup().compression());
        if (codec == null) {
            throw new ArchivistException("backup " + files.backup().id() + ": unknown compression '"
                    + files.backup().compression() + "'");
        }
        try (InputStream parts = PartStreams.open(files.folder(), files.backup().parts());
             TarArchiveInputStream tar = new TarArchiveInputStream(Codecs.decompressor(codec, parts),
                     StandardCharsets.UTF_8.name())) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (e.isFile() && !e.isLink() && e.getName().equals(stored)) {
                    return new Dumped(entry, copyChecked(tar, out, entry, files.backup().id()));
                }
            }
        }
        throw new ArchivistException("backup " + files.backup().id() + ": " + stored
                + " is in the index but not in the archive (damaged: archivist verify " + files.backup().id() + ")");
    }

    private static IndexEntry find(StorageFiles files, String wanted) throws IOException {
        try (IndexReader reader = files.reader()) {
            while (reader.hasNext()) {
                IndexEntry e = reader.next();
                if (e.path().equals(wanted)) {
                    return switch (e.type()) {
                        case IndexEntry.FILE, IndexEntry.HARDLINK -> e;
                        case IndexEntry.DIR -> throw new ArchivistException(wanted + " is a folder in "
                                + files.backup().id() + ": restore it with archivist restore storage "
                                + files.backup().id() + " --path '" + wanted + "' --target DIR");
                        case IndexEntry.SYMLINK -> throw new ArchivistException(wanted + " is a symlink to '"
                                + e.link() + "' in " + files.backup().id() + ", not a file");
                        default -> throw new ArchivistException(wanted + " is a " + e.type() + " in "
                                + files.backup().id() + ", not a file");
                    };
                }
            }
        }
        throw new NotFoundException("no file " + wanted + " in " + files.backup().id() + " (archivist ls "
                + files.backup().id() + " lists what it holds)");
    }

    private static long copyChecked(InputStream in, OutputStream out, IndexEntry entry, String id) throws IOException {
        MessageDigest sha = Sha256.digest();
        byte[] buf = new byte[1 << 16];
        long total = 0;
        for (int n; (n = in.read(buf)) > 0; total += n) {
            sha.update(buf, 0, n);
            out.write(buf, 0, n);
        }
        out.flush();
        if (total != entry.size() || !Sha256.hex(sha.digest()).equals(entry.sha256())) {
            throw new ArchivistException("the content of " + entry.path() + " in " + id + " does not match its "
                    + "index (" + total + " bytes read, " + entry.size() + " recorded): the output is damaged; "
                    + "archivist verify " + id + " tells more");
        }
        return total;
    }
}
