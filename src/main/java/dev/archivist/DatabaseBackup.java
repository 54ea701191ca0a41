package dev.archivist;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.archivist.archive.Codecs;
import dev.archivist.catalog.Catalog;
import dev.archivist.catalog.Durable;
import dev.archivist.catalog.Json;
import dev.archivist.catalog.Manifest;
import dev.archivist.catalog.StoredFile;
import dev.archivist.config.Settings;
import dev.archivist.source.SqliteSnapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Takes one database backup: online snapshot to a temporary file, then {@code quick_check} and compression run in
 * parallel over that snapshot (two cores: the check is CPU-light and reads from the page cache), then the data file is
 * committed and the manifest written last. Any failure deletes everything this run wrote.
 */
final class DatabaseBackup {
    private final Settings settings;
    private final Catalog catalog;
    private final Clock clock;

    DatabaseBackup(Settings settings, Catalog catalog, Clock clock) {
        this.settings = settings;
        this.catalog = catalog;
        this.clock = clock;
    }

    /** Runs under the caller's lock. {@code preRestore} marks the safety copy taken before a restore. */
    Manifest run(Path source, boolean preRestore) throws IOException {
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        String id = catalog.newId(BackupType.DATABASE, clock);
        Path dir = catalog.dir(BackupType.DATABASE);
        Path snapshot = dir.resolve(Durable.TEMP_PREFIX + id + ".snapshot.db");
        String fileName = id + ".db" + settings.compression().extension();
        StoredFile stored = null;
        try {
            SqliteSnapshot.Info info = SqliteSnapshot.copy(source, snapshot);
            long rawSize = Files.size(snapshot);
            CompletableFuture<List<String>> check = CompletableFuture.supplyAsync(() -> SqliteSnapshot.check(snapshot, false));
            stored = StoredFile.create(dir.resolve(fileName));
            try (OutputStream out = Codecs.compressor(settings.compression(), settings.compressionLevel(), stored.stream())) {
                Files.copy(snapshot, out);
            }
            List<String> problems = join(check);
            if (!problems.isEmpty()) {
                throw new ArchivistException("database " + source + " failed PRAGMA quick_check, not backed up: "
                        + String.join("; ", problems.subList(0, Math.min(5, problems.size()))));
            }
            Manifest.Part part = stored.commit();
            ObjectNode m = Json.MAPPER.createObjectNode();
            m.put("id", id);
            m.put("type", BackupType.DATABASE.wireName());
            m.put("timestamp", started.toString());
            m.put("created_at", started.toString());
            m.put("original_path", source.toString());
            m.put("backup_path", dir.resolve(fileName).toString());
            m.put("file", fileName);
            m.put("file_size", part.size());
            m.put("checksum", part.sha256());
            m.put("checksum_algorithm", "sha256");
            m.put("size_uncompressed", rawSize);
            m.put("size_compressed", part.size());
            m.put("compression", settings.compression().wireName());
            m.put("compression_level", settings.compressionLevel());
            m.put("page_size", info.pageSize());
            m.put("page_count", info.pageCount());
            m.putObject("integrity").put("check", "quick_check").put("result", "ok");
            m.put("sqlite_version", info.sqliteVersion());
            m.put("archivist_version", Version.get());
            m.put("pre_restore", preRestore);
            m.set("parts", Manifest.partsNode(List.of(part)));
            m.put("duration_ms", (System.nanoTime() - t0) / 1_000_000);
            return catalog.commit(m);
        } catch (IOException | RuntimeException e) {
            if (stored != null) {
                stored.abort();
            }
            throw e instanceof ArchivistException ae ? ae
                    : new ArchivistException("database backup of " + source + " failed: " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(snapshot);
            // The snapshot keeps the source's WAL flag, so opening it (info, quick_check) creates -wal/-shm beside it.
            for (String suffix : List.of("-wal", "-shm", "-journal")) {
                Files.deleteIfExists(snapshot.resolveSibling(snapshot.getFileName() + suffix));
            }
        }
    }

    private static List<String> join(CompletableFuture<List<String>> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during quick_check", e);
        } catch (ExecutionException e) {
            throw new IOException("quick_check failed: " + e.getCause().getMessage(), e.getCause());
        }
    }
}
