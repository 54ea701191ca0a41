package dev.archivist;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.archivist.archive.ArchiveFiles;
import dev.archivist.archive.ArchiveResult;
import dev.archivist.archive.Codecs;
import dev.archivist.archive.IndexWriter;
import dev.archivist.archive.PartWriter;
import dev.archivist.archive.PipelinedOutputStream;
import dev.archivist.archive.ProgressListener;
import dev.archivist.archive.StorageArchiver;
import dev.archivist.archive.WrittenFile;
import dev.archivist.catalog.BackupIds;
import dev.archivist.catalog.Catalog;
import dev.archivist.catalog.Json;
import dev.archivist.catalog.Manifest;
import dev.archivist.config.Settings;
import dev.archivist.source.DirectoryWalker;
import dev.archivist.source.MissingSource;
import java.io.IOException;
import java.io.OutputStream;
import dev.archivist.source.LinkTrust;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.io.output.ProxyOutputStream;

/**
 * Takes one storage backup: a streaming PAX tar of the storage folder, compressed, split into parts while writing,
 * hashed on the way (per part, whole archive, per file in the index); the manifest is written last.
 */
final class StorageBackup {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StorageBackup.class);

    private final Settings settings;
    private final Catalog catalog;
    private final Clock clock;

    StorageBackup(Settings settings, Catalog catalog, Clock clock) {
        this.settings = settings;
        this.catalog = catalog;
        this.clock = clock;
    }

    /** Fails before writing anything when the storage folder is missing. */
    static void checkSource(Path storage) {
        LinkTrust.check(storage, "storage folder");
        if (!Files.isDirectory(storage)) {
            throw new ArchivistException("storage folder " + storage + " "
                    + (Files.exists(storage) ? "is not a directory" : MissingSource.describe(storage)));
        }
        if (!Files.isReadable(storage) || !Files.isExecutable(storage)) { // listable but not enterable: nothing to read
            throw new ArchivistException("storage folder " + storage + " is not readable");
        }
    }

    /** The identity (device and inode) of the folder {@code storage} leads to, or null when it cannot be read. */
    private static Object folderKey(Path storage) {
        try {
            return Files.readAttributes(storage, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The identity of the folder {@code storage} leads to, through links resolved in the same pass that judged them
     * ({@link LinkTrust#resolve}): the walk then refuses to read another folder than this one, should a link be
     * swapped in at a name on the way after the check. Null when it cannot be read (the walk names why).
     */
    private static Object trustedFolderKey(Path storage) {
        try {
            return Files.readAttributes(LinkTrust.resolve(storage, "storage folder"),
                    java.nio.file.attribute.BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Fails the backup when the storage folder was removed, or replaced by another (a volume unmounted, a deploy that
     * swaps the folder), while it ran: the walk went on through its open folders and saw their files vanish, so the
     * archive holds a fraction of the data, and a rotation would have counted it as a good backup.
     */
    private static void checkStillThere(Path storage, Object atStart) {
        Object now = folderKey(storage);
        if (now == null || !now.equals(atStart)) {
            throw new ArchivistException("storage folder " + storage + (now == null ? " was removed" : " was replaced by "
                    + whatIsAt(storage)) + " while the backup ran: it would not hold the folder's content, so it was not kept");
        }
    }

    /** What now stands at {@code storage} (links followed, as the folder's path is): "another folder", "a file", ... */
    private static String whatIsAt(Path storage) {
        try {
            java.nio.file.attribute.BasicFileAttributes a =
                    Files.readAttributes(storage, java.nio.file.attribute.BasicFileAttributes.class);
            return a.isDirectory() ? "another folder" : a.isRegularFile() ? "a file" : "a special file";
        } catch (IOException e) {
            return "another entry";
        }
    }

    /** Runs under the caller's lock. */
    Manifest run(ProgressListener listener) throws IOException {
        ProgressListener progress = listener == null ? ProgressListener.NONE : listener;
        Path storage = settings.storagePath();
        checkSource(storage);
        Object folderAtStart = trustedFolderKey(storage);
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        String id = catalog.newId(BackupType.STORAGE, clock);
        Path dir = catalog.dir(BackupType.STORAGE);
        String fileName = id + ".tar" + settings.compression().extension();
        Settings.ArchiveSettings a = settings.archive();
        PartWriter parts = null;
        IndexWriter index = null;
        WrittenFile indexFile = null;
        try {
            parts = new PartWriter(dir, fileName, a.chunkSizeBytes(), a.maxSizeBytes(), a.autoSplit());
            index = new IndexWriter(dir, IndexWriter.fileNameFor(id));
            ReservedPaths reserved = ReservedPaths.of(settings);
            ArchiveResult result;
            long excluded;
            PipelinedOutputStream toParts = new PipelinedOutputStream(new ProxyOutputStream(parts) {
                private long stored;

                @Override
                protected void afterWrite(int n) {
                    stored += n;
                    progress.stored(stored);
                }
            }, "archive-write " + id);
            try (OutputStream compressed = Codecs.compressor(settings.compression(), settings.compressionLevel(), toParts)) {
                DirectoryWalker walker = new DirectoryWalker(storage, a.excludes(), reserved.entries())
                        .expectingRoot(folderAtStart);
                result = new StorageArchiver().write(walker, compressed, index, progress);
                excluded = walker.excluded();
            } catch (IOException | RuntimeException | Error e) {
                toParts.abort();
                throw e;
            }
            toParts.close();
            checkStillThere(storage, folderAtStart);
            ArchiveFiles files = parts.finish();
            indexFile = index.finish();
            ObjectNode m = manifest(id, started, storage, dir, fileName, files, indexFile, index.entries(), result,
                    reserved.allReasons());
            m.put("excluded_count", excluded);
            if (result.fileCount() == 0 && excluded > 0) { // a pattern like "**" or "*" left nothing: say so
                LOG.warn("storage backup {} holds no files: BACKUP_STORAGE_EXCLUDE ({}) left out {} entries of {}, and no file was left to back up",
                        id, String.join(",", settings.archive().excludes()), excluded, storage);
            }
            m.put("duration_ms", (System.nanoTime() - t0) / 1_000_000);
            Manifest committed = catalog.commit(m);
            progress.finished(); // committed: the line of figures ends before the result is printed
            return committed;
        } catch (IOException | RuntimeException | Error e) {
            progress.failed();
            if (parts != null) {
                parts.abort();
            }
            if (index != null) {
                index.abort();
            }
            if (indexFile != null) {
                Files.deleteIfExists(dir.resolve(indexFile.fileName()));
            }
            catalog.abandon(BackupType.STORAGE, id);
            throw e instanceof ArchivistException ae ? ae
                    : new ArchivistException("storage backup of " + storage + " failed: " + ArchivistException.reason(e), e);
        }
    }

    private ObjectNode manifest(String id, Instant started, Path storage, Path dir, String fileName, ArchiveFiles files,
                                WrittenFile indexFile, long indexEntries, ArchiveResult result,
                                java.util.Collection<String> byDesign) {
        ObjectNode m = Json.MAPPER.createObjectNode();
        m.put("id", id);
        m.put("type", BackupType.STORAGE.wireName());
        m.put("timestamp", started.toString());
        // the id's time: ids only increase, even when the clock steps back
        m.put("created_at", BackupIds.instantOf(id).toString());
        m.put("original_path", storage.toString());
        m.put("backup_path", dir.resolve(files.parts().get(0).fileName()).toString());
        m.put("file", fileName);
        m.put("file_size", files.totalSize());
        m.put("checksum", files.sha256Hex());
        m.put("checksum_algorithm", "sha256");
        m.put("archive_sha256", files.sha256Hex());
        List<Manifest.Part> list = new ArrayList<>();
        files.parts().forEach(p -> list.add(new Manifest.Part(p.fileName(), p.size(), p.sha256Hex())));
        m.set("parts", Manifest.partsNode(list));
        m.put("split", files.parts().size() > 1);
        m.put("part_count", files.parts().size());
        m.putObject("index").put("path", indexFile.fileName()).put("size", indexFile.size())
                .put("sha256", indexFile.sha256Hex()).put("entries", indexEntries).put("format", IndexWriter.FORMAT);
        m.put("file_count", result.fileCount());
        m.put("bytes_read", result.bytesRead());
        m.put("bytes_written", files.totalSize());
        m.put("compression", settings.compression().wireName());
        m.put("compression_level", settings.compressionLevel());
        m.put("format", "pax");
        ArrayNode excludes = m.putArray("excludes");
        settings.archive().excludes().forEach(excludes::add);
        ArrayNode skipped = m.putArray("skipped");
        result.skipped().forEach(s -> skipped.addObject().put("path", s.path()).put("reason", s.reason()));
        ArrayNode changed = m.putArray("changed");
        result.changed().forEach(c -> changed.addObject().put("path", c.path()).put("reason", c.reason()));
        ArrayNode warnings = m.putArray("restore_warnings");
        result.restoreWarnings().forEach(w -> warnings.addObject().put("path", w.path()).put("reason", w.reason()));
        // the catalog, the live database and a restore's own entries are skipped by design (see ReservedPaths);
        // anything else is data left out
        List<dev.archivist.source.SkippedEntry> leftOut = result.skipped().stream()
                .filter(e -> !byDesign.contains(e.reason())).toList();
        if (!leftOut.isEmpty()) {
            LOG.warn("{} not stored (see skipped in the manifest), e.g. {}: {}", Plural.of(leftOut.size(), "entry was", "entries were"),
                    leftOut.get(0).path(), leftOut.get(0).reason());
        }
        if (!result.changed().isEmpty()) { // GNU tar warns "file changed as we read it"
            LOG.warn("{} while being read, stored as read (see changed in the manifest), e.g. {}: {}",
                    Plural.of(result.changed().size(), "file changed", "files changed"), result.changed().get(0).path(),
                    result.changed().get(0).reason());
        }
        if (!result.restoreWarnings().isEmpty()) {
            LOG.warn("{} stored but refused by a default restore (see restore_warnings in the manifest), e.g. {}: {}",
                    Plural.of(result.restoreWarnings().size(), "entry is", "entries are"), result.restoreWarnings().get(0).path(),
                    result.restoreWarnings().get(0).reason());
        }
        m.put("archivist_version", Version.get());
        return m;
    }
}
