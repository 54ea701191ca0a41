package dev.archivist.recovery;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.archivist.BackupType;
import dev.archivist.archive.Codecs;
import dev.archivist.archive.IndexEntry;
import dev.archivist.archive.IndexWriter;
import dev.archivist.archive.WrittenFile;
import dev.archivist.catalog.BackupIds;
import dev.archivist.catalog.Catalog;
import dev.archivist.catalog.Json;
import dev.archivist.catalog.Manifest;
import dev.archivist.config.Compression;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Forges a storage backup in a catalog from hand-made tar entries: compressed, written as parts, with a per-file index
 * and a manifest whose every checksum (parts, whole archive, index, manifest_checksum) is correct. Only the content is
 * hostile, so checksum checks pass and the restore's own defences are what is tested.
 */
final class ForgedBackup {
    private final List<TarArchiveEntry> entries = new ArrayList<>();
    private final List<byte[]> contents = new ArrayList<>();
    private final List<IndexEntry> index = new ArrayList<>();
    private byte[] end;

    /** A harmless regular file (also listed in the index). */
    ForgedBackup file(String name, String content) {
        byte[] data = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_NORMAL, true);
        e.setSize(data.length);
        e.setMode(0100644);
        entries.add(e);
        contents.add(data);
        index.add(new IndexEntry(name, IndexEntry.FILE, data.length, 1_700_000_000_000L, "0644", null, sha256(data)));
        return this;
    }

    /**
     * A file as archives of earlier versions stored it: the tar header holds the whole second of {@code mtimeMillis},
     * the index the milliseconds.
     */
    ForgedBackup fileWithWholeSecondTarTime(String name, String content, long mtimeMillis) {
        file(name, content);
        TarArchiveEntry e = entries.get(entries.size() - 1);
        e.setLastModifiedTime(java.nio.file.attribute.FileTime.from(Math.floorDiv(mtimeMillis, 1000L),
                java.util.concurrent.TimeUnit.SECONDS));
        IndexEntry i = index.get(index.size() - 1);
        index.set(index.size() - 1,
                new IndexEntry(i.path(), i.type(), i.size(), mtimeMillis, i.mode(), null, i.sha256()));
        return this;
    }

    /** A file whose index entry claims other content (the archive and its index disagree). */
    ForgedBackup fileIndexedAs(String name, String content, String indexed) {
        file(name, content);
        byte[] data = indexed.getBytes(StandardCharsets.UTF_8);
        index.set(index.size() - 1, new IndexEntry(name, IndexEntry.FILE, data.length, 1_700_000_000_000L, "0644", null, sha256(data)));
        return this;
    }

    /** A regular file in the archive that the index does not list. */
    ForgedBackup unindexedFile(String name, String content) {
        file(name, content);
        index.remove(index.size() - 1);
        return this;
    }

    /** A file the index lists but the archive does not hold. */
    ForgedBackup indexedOnly(String name, String content) {
        byte[] data = content.getBytes(StandardCharsets.UTF_8);
        index.add(new IndexEntry(name, IndexEntry.FILE, data.length, 1_700_000_000_000L, "0644", null, sha256(data)));
        return this;
    }

    /** Lists the last entry in the index as a folder, whatever the archive holds there. */
    ForgedBackup indexedAsFolder(String name) {
        index.set(index.size() - 1, new IndexEntry(name, IndexEntry.DIR, 0, 1_700_000_000_000L, "0755", null, null));
        return this;
    }

    /** Lists the last entry in the index as {@code type}, its other fields as they are (a forged or damaged index). */
    ForgedBackup indexedAsType(String type) {
        IndexEntry i = index.get(index.size() - 1);
        index.set(index.size() - 1, new IndexEntry(i.path(), type, i.size(), i.mtime(), i.mode(), i.link(), i.sha256()));
        return this;
    }

    /** Lists the last entry in the index without the SHA-256 of its content. */
    ForgedBackup indexedWithoutSha256() {
        IndexEntry i = index.get(index.size() - 1);
        index.set(index.size() - 1, new IndexEntry(i.path(), i.type(), i.size(), i.mtime(), i.mode(), i.link(), null));
        return this;
    }

    /** Lists the index in the reverse of the archive's order. */
    ForgedBackup indexReversed() {
        java.util.Collections.reverse(index);
        return this;
    }

    ForgedBackup dir(String name) {
        TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR, true);
        e.setMode(040755);
        entries.add(e);
        contents.add(null);
        index.add(new IndexEntry(name, IndexEntry.DIR, 0, 1_700_000_000_000L, "0755", null, null));
        return this;
    }

    /** Any hand-made entry, listed in the index as a file of its content (whatever its tar type). */
    ForgedBackup raw(TarArchiveEntry e, String content) {
        byte[] data = content == null ? null : content.getBytes(StandardCharsets.UTF_8);
        if (data != null) {
            e.setSize(data.length);
        }
        entries.add(e);
        contents.add(data);
        String type = e.isSymbolicLink() ? IndexEntry.SYMLINK : e.isDirectory() ? IndexEntry.DIR : IndexEntry.FILE;
        index.add(new IndexEntry(e.getName(), type, data == null ? 0 : data.length, 1_700_000_000_000L, "0644",
                e.isSymbolicLink() || e.isLink() ? e.getLinkName() : null, data == null ? null : sha256(data)));
        return this;
    }

    static TarArchiveEntry entry(String name, byte type) {
        TarArchiveEntry e = new TarArchiveEntry(name, type, true);
        e.setMode(type == TarConstants.LF_DIR ? 040755 : 0100644);
        return e;
    }

    static TarArchiveEntry link(String name, byte type, String target) {
        TarArchiveEntry e = new TarArchiveEntry(name, type, true);
        e.setLinkName(target);
        e.setMode(type == TarConstants.LF_SYMLINK ? 0120777 : 0100644);
        return e;
    }

    /** Puts these bytes where the tar's end-of-archive records would be (inside the same compressed stream). */
    ForgedBackup endInstead(byte[] bytes) {
        end = bytes.clone();
        return this;
    }

    /** The uncompressed tar. */
    byte[] tar() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        // records of 512 bytes (no padding to 10 KiB): the end-of-archive is exactly the last two records
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes, 512, "UTF-8")) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setAddPaxHeadersForNonAsciiNames(true);
            for (int i = 0; i < entries.size(); i++) {
                tar.putArchiveEntry(entries.get(i));
                if (contents.get(i) != null) {
                    tar.write(contents.get(i));
                }
                tar.closeArchiveEntry();
            }
        }
        if (end == null) {
            return bytes.toByteArray();
        }
        byte[] all = bytes.toByteArray();
        ByteArrayOutputStream replaced = new ByteArrayOutputStream();
        replaced.write(all, 0, all.length - 1024);
        replaced.write(end);
        return replaced.toByteArray();
    }

    /** Writes the backup into the catalog at {@code backupDir} (compressed with {@code codec}, in {@code parts} parts). */
    Manifest writeTo(Path backupDir, Compression codec, int parts) throws IOException {
        Catalog catalog = new Catalog(backupDir);
        catalog.ensureLayout();
        String id = BackupIds.next(BackupType.STORAGE, Clock.systemUTC(), catalog.stateDir(), catalog.dir(BackupType.STORAGE));
        Path dir = catalog.dir(BackupType.STORAGE);
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (OutputStream c = Codecs.compressor(codec, codec.defaultLevel(), compressed)) {
            c.write(tar());
        }
        byte[] archive = compressed.toByteArray();
        String file = id + ".tar" + codec.extension();
        List<Manifest.Part> written = new ArrayList<>();
        int chunk = (archive.length + parts - 1) / parts;
        for (int p = 0; p < parts; p++) {
            int from = Math.min(archive.length, p * chunk);
            int to = p == parts - 1 ? archive.length : Math.min(archive.length, from + chunk);
            byte[] slice = java.util.Arrays.copyOfRange(archive, from, to);
            String name = parts == 1 ? file : String.format("%s.part%03d", file, p + 1);
            Files.write(dir.resolve(name), slice);
            written.add(new Manifest.Part(name, slice.length, sha256(slice)));
        }
        IndexWriter iw = new IndexWriter(dir, IndexWriter.fileNameFor(id));
        for (IndexEntry e : index) {
            iw.add(e);
        }
        WrittenFile idx = iw.finish();
        ObjectNode m = Json.MAPPER.createObjectNode();
        String now = java.time.Instant.now().toString();
        m.put("id", id).put("type", "storage").put("timestamp", now).put("created_at", now)
                .put("file", file).put("file_size", archive.length).put("checksum", sha256(archive))
                .put("checksum_algorithm", "sha256");
        m.set("parts", Manifest.partsNode(written));
        m.put("split", parts > 1).put("part_count", parts);
        m.putObject("index").put("path", idx.fileName()).put("size", idx.size()).put("sha256", idx.sha256Hex())
                .put("entries", index.size()).put("format", IndexWriter.FORMAT);
        m.put("file_count", index.stream().filter(e -> IndexEntry.FILE.equals(e.type())).count());
        m.put("compression", codec.wireName()).put("format", "pax");
        return catalog.commit(m);
    }

    /**
     * Puts {@code plainDb}, compressed with database backup {@code m}'s codec, in place of its file under
     * {@code backups}, and recomputes every checksum of its manifest to match (as an attacker or a confused operator
     * could): only what a restore or a deep verify reads in the content can tell.
     */
    static void replaceDatabaseFile(Path backups, Manifest m, Path plainDb) throws IOException {
        Path part = backups.resolve("database").resolve(m.parts().get(0).path());
        Compression codec = Compression.parseOrNull(m.compression());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = Codecs.compressor(codec, codec.defaultLevel(), bytes)) {
            Files.copy(plainDb, out);
        }
        byte[] stored = bytes.toByteArray();
        Files.write(part, stored);
        String sha = sha256(stored);
        ObjectNode json = m.json().deepCopy();
        json.put("checksum", sha).put("file_size", stored.length).put("size_compressed", stored.length);
        ((ObjectNode) json.path("parts").get(0)).put("size", stored.length).put("sha256", sha);
        json.put(Manifest.SELF_CHECKSUM, Manifest.selfChecksum(json));
        Files.write(backups.resolve("database").resolve(m.id() + ".json"), Manifest.toBytes(json));
    }

    /**
     * Corrupts a page of database backup {@code m}'s content (decompressed into {@code scratch}, removed after), then
     * recomputes every checksum to match: only integrity_check (a deep verify, a restore's check) can tell.
     */
    static void corruptPagesKeepingChecksums(Path backups, Manifest m, Path scratch) throws IOException {
        Path part = backups.resolve("database").resolve(m.parts().get(0).path());
        Compression codec = Compression.parseOrNull(m.compression());
        try (java.io.InputStream in = Codecs.decompressor(codec, Files.newInputStream(part))) {
            Files.copy(in, scratch);
        }
        dev.archivist.testing.TestDb.corruptMiddlePage(scratch);
        replaceDatabaseFile(backups, m, scratch);
        Files.delete(scratch);
    }

    /**
     * Flips a bit in the middle of backup {@code m}'s stored (compressed) data, then recomputes every checksum of its
     * manifest to match: only reading the data through (its decompression) can tell.
     */
    static void damageKeepingChecksums(Path backups, Manifest m) throws IOException {
        Path dir = backups.resolve(m.type().wireName());
        Manifest.Part middle = m.parts().get(m.parts().size() / 2);
        Fixture.flipAByte(dir.resolve(middle.path()));
        ObjectNode json = m.json().deepCopy();
        MessageDigest whole = digest();
        ArrayNode parts = (ArrayNode) json.path("parts");
        for (int i = 0; i < parts.size(); i++) {
            byte[] data = Files.readAllBytes(dir.resolve(parts.get(i).path("path").asText()));
            whole.update(data);
            ((ObjectNode) parts.get(i)).put("sha256", sha256(data));
        }
        json.put("checksum", HexFormat.of().formatHex(whole.digest()));
        json.put(Manifest.SELF_CHECKSUM, Manifest.selfChecksum(json));
        Files.write(dir.resolve(m.id() + ".json"), Manifest.toBytes(json));
    }

    static String sha256(byte[] data) {
        return HexFormat.of().formatHex(digest().digest(data));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
