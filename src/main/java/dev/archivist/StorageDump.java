package dev.archivist;

import dev.archivist.archive.Codecs;
import dev.archivist.archive.IndexEntry;
import dev.archivist.archive.IndexReader;
import dev.archivist.archive.Sha256;
import dev.archivist.config.Compression;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Enumeration;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * One file of a storage backup, written out as it was backed up (as {@code restic dump} and
 * {@code borg extract --stdout}): found in the index first (a folder, a symlink or a path the backup does not hold is
 * refused before any archive is read), then read from the archive and checked against the index's SHA-256 as it is
 * written. A hard link gives its file's content. Parts are opened as the archive reaches them, so a file held by the
 * first parts can be had when a later part is lost.
 */
public final class StorageDump {
    private StorageDump() {
    }

    /**
     * What was written: the entry as the index records it, the bytes, and the modification time as the archive holds
     * it (to the nanosecond, as {@code tar -xp} sets it; the index has milliseconds).
     */
    public record Dumped(IndexEntry entry, long bytes, java.nio.file.attribute.FileTime mtime) {
    }

    /**
     * Writes the content of the file {@code path} names ({@link #find}) of the backup {@code files} lists to
     * {@code out}.
     *
     * @throws NotFoundException  when the backup holds no such path
     * @throws ArchivistException when it is no file, or the archive's content differs from the index (damage)
     */
    public static Dumped write(StorageFiles files, String path, OutputStream out) throws IOException {
        return write(files, find(files, path), out);
    }

    /** Writes the content of {@code entry} ({@link #find}) to {@code out}. */
    public static Dumped write(StorageFiles files, IndexEntry entry, OutputStream out) throws IOException {
        String id = files.backup().id();
        String stored = IndexEntry.HARDLINK.equals(entry.type()) ? entry.link() : entry.path();
        Compression codec = Compression.parseOrNull(files.backup().compression());
        if (codec == null) {
            throw new ArchivistException("backup " + id + ": unknown compression '" + files.backup().compression() + "'");
        }
        LazyParts lazy = new LazyParts(files);
        try (InputStream parts = new SequenceInputStream(lazy) {
                @Override
                public void close() throws IOException {
                    lazy.stop(); // closing asks for every part left: none is to be opened for that
                    super.close();
                }
            };
             TarArchiveInputStream tar = new TarArchiveInputStream(Codecs.decompressor(codec, parts),
                     StandardCharsets.UTF_8.name())) {
            for (TarArchiveEntry e = next(tar, id); e != null; e = next(tar, id)) {
                if (e.isFile() && !e.isLink() && e.getName().equals(stored)) {
                    return new Dumped(entry, copyChecked(tar, out, entry, id), e.getLastModifiedTime());
                }
            }
        } catch (UncheckedIOException e) { // a part that could not be opened
            files.refuseIfRemoved(); // a rotation elsewhere removed the backup meanwhile: no damage
            throw damaged(id, e.getCause());
        } catch (ArchivistException e) {
            if (!(e instanceof NotFoundException)) {
                files.refuseIfRemoved();
            }
            throw e;
        }
        throw new ArchivistException("backup " + id + ": " + stored + " is in the index but not in the archive"
                + " (damaged: archivist verify " + id + ")");
    }

    private static TarArchiveEntry next(TarArchiveInputStream tar, String id) {
        try {
            return tar.getNextEntry();
        } catch (IOException e) {
            throw damaged(id, e);
        }
    }

    private static ArchivistException damaged(String id, IOException e) {
        return new ArchivistException("cannot read the archive of " + id + ": " + ArchivistException.reason(e)
                + " (damaged? archivist verify " + id + ")", e);
    }

    /**
     * The parts in order, each opened only when the one before is used up: a file held by the first parts can still
     * be had when a later part is lost.
     */
    private static final class LazyParts implements Enumeration<InputStream> {
        private final StorageFiles files;
        private int next;
        private boolean stopped;

        LazyParts(StorageFiles files) {
            this.files = files;
        }

        void stop() {
            stopped = true;
        }

        @Override
        public boolean hasMoreElements() {
            return next < files.backup().parts().size();
        }

        @Override
        public InputStream nextElement() {
            if (stopped) {
                next++;
                return InputStream.nullInputStream();
            }
            Path part = files.folder().resolve(files.backup().parts().get(next++).path());
            try {
                // a FIFO (or a link to one) at a part's name: its open would wait for a writer for ever
                if (Files.exists(part) && !Files.isRegularFile(part)) {
                    throw new IOException(part + " is not a regular file (archive part damaged): not read");
                }
                return new BufferedInputStream(Files.newInputStream(part), 1 << 16);
            } catch (NoSuchFileException e) {
                throw new UncheckedIOException(new NoSuchFileException(part + " (archive part missing)"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * The index entry of the file {@code path} names (relative to the storage root; a leading {@code /} or
     * {@code ./}, a trailing {@code /}, {@code .} and {@code ..} steps are read as a path reads).
     *
     * @throws NotFoundException  when the backup holds no such path
     * @throws ArchivistException when it is no file
     */
    public static IndexEntry find(StorageFiles files, String path) throws IOException {
        String wanted = normalized(path);
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

    private static int read(InputStream in, byte[] buf, String id) {
        try {
            return in.read(buf);
        } catch (IOException e) {
            throw damaged(id, e);
        }
    }

    /** {@code path} as the index writes paths: relative, no {@code .}, {@code ..} or empty steps, no trailing slash. */
    static String normalized(String path) {
        String p = PathSelection.withoutRoot(path);
        String n = p.isEmpty() ? "" : Path.of(p).normalize().toString();
        if (n.isEmpty() || n.equals(".") || n.equals("..") || n.startsWith("../")) {
            throw new IllegalArgumentException("'" + path + "' names no file inside the storage folder");
        }
        return n;
    }

    private static long copyChecked(InputStream in, OutputStream out, IndexEntry entry, String id) throws IOException {
        MessageDigest sha = Sha256.digest();
        byte[] buf = new byte[1 << 16];
        long total = 0;
        for (int n = read(in, buf, id); n > 0; n = read(in, buf, id)) {
            sha.update(buf, 0, n);
            out.write(buf, 0, n);
            total += n;
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
