package dev.archivist;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.archivist.archive.Codecs;
import dev.archivist.archive.ProgressListener;
import dev.archivist.archive.StoredFrame;
import dev.archivist.catalog.BackupIds;
import dev.archivist.catalog.Catalog;
import dev.archivist.catalog.Durable;
import dev.archivist.catalog.Json;
import dev.archivist.catalog.Manifest;
import dev.archivist.catalog.StoredFile;
import dev.archivist.config.Settings;
import dev.archivist.source.FollowedSnapshot;
import dev.archivist.source.SqliteSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one database backup: an online snapshot into a temporary file, compressed while SQLite is still writing it
 * (every codec; a source whose header cannot be read compresses the finished copy), then
 * {@code quick_check} on the copy, beside the end of the compression; then the data file is committed and the
 * manifest written last. Any failure deletes everything this run wrote.
 */
final class DatabaseBackup {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseBackup.class);
    private static final int COPY_BUFFER = 1 << 20;
    private final Settings settings;
    private final Catalog catalog;
    private final Clock clock;
    private ProgressListener progress = ProgressListener.NONE;

    DatabaseBackup(Settings settings, Catalog catalog, Clock clock) {
        this.settings = settings;
        this.catalog = catalog;
        this.clock = clock;
    }

    /** Runs under the caller's lock. {@code preRestore} marks the safety copy taken before a restore. */
    Manifest run(Path source, boolean preRestore) throws IOException {
        return run(source, preRestore, ProgressListener.NONE);
    }

    /** As {@link #run(Path, boolean)}, telling {@code listener} (may be null) how much of the copy is compressed. */
    Manifest run(Path source, boolean preRestore, ProgressListener listener) throws IOException {
        this.progress = listener == null ? ProgressListener.NONE : listener;
        Manifest committed;
        try {
            committed = backUp(source, preRestore);
        } catch (IOException | RuntimeException | Error e) {
            progress.failed();
            throw e;
        }
        progress.finished();
        return committed;
    }

    private Manifest backUp(Path source, boolean preRestore) throws IOException {
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        String id = catalog.newId(BackupType.DATABASE, clock);
        Path dir = catalog.dir(BackupType.DATABASE);
        Path snapshot = dir.resolve(Durable.TEMP_PREFIX + id + ".snapshot.db");
        String fileName = id + ".db" + settings.compression().extension();
        StoredFile stored = null;
        CompletableFuture<Void> snapshotRemoved = null;
        try {
            Path target = dir.resolve(fileName);
            int pageSize = SqliteSnapshot.headerPageSize(source);
            OptionalInt reserved = pageSize > 0 ? StoredFrame.size(settings.compression(), pageSize) : OptionalInt.empty();
            Compressed c = reserved.isPresent()
                    ? overlapped(source, snapshot, target, pageSize, reserved.getAsInt())
                    : sequential(source, snapshot, target);
            stored = c.stored();
            SqliteSnapshot.Info info = c.info();
            long rawSize = Files.size(snapshot);
            List<String> problems = join(c.check(), "quick_check");
            if (!problems.isEmpty()) {
                throw new ArchivistException("database " + source + " failed PRAGMA quick_check, not backed up: "
                        + String.join("; ", problems.subList(0, Math.min(5, problems.size())))
                        + (problems.size() > 5 ? " (and " + (problems.size() - 5) + " more)" : ""));
            }
            // The snapshot is no longer needed: unlinking 500 MiB of page cache takes the kernel a tenth of a second,
            // so it happens beside the commit rather than after it.
            snapshotRemoved = CompletableFuture.runAsync(() -> removeSnapshot(snapshot), DatabaseBackup::daemon);
            long committing = System.nanoTime();
            Manifest.Part part = stored.commit();
            LOG.debug("{} fsynced, hashed and renamed in {} ms", fileName, (System.nanoTime() - committing) / 1_000_000);
            ObjectNode m = Json.MAPPER.createObjectNode();
            m.put("id", id);
            m.put("type", BackupType.DATABASE.wireName());
            m.put("timestamp", started.toString());
            // the id's time: ids only increase, even when the clock steps back
            m.put("created_at", BackupIds.instantOf(id).toString());
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
            Manifest committed = catalog.commit(m);
            if (info.pageCount() <= 1 && !preRestore) { // page 1 is the schema: no table has a page of its own
                LOG.warn("database {} holds no tables (a 0-byte or new file): backed up as {}, but is DATABASE_URL the"
                        + " application's database? Such backups count for rotation like any other", source, id);
            }
            return committed;
        } catch (IOException | RuntimeException | Error e) {
            if (stored != null) {
                stored.abort();
            }
            catalog.abandon(BackupType.DATABASE, id);
            throw e instanceof ArchivistException ae ? ae
                    : new ArchivistException("database backup of " + source + " failed: "
                            + withFolder(ArchivistException.reason(e), dir), e);
        } finally {
            if (snapshotRemoved != null) {
                snapshotRemoved.join();
            } else {
                removeSnapshot(snapshot);
            }
        }
    }

    /**
     * A full disk or quota, as Java and SQLite report it ("No space left on device", "database or disk is full"), says
     * not where: name the folder the snapshot and the backup were written into.
     */
    private static String withFolder(String reason, Path dir) {
        String r = reason.toLowerCase(java.util.Locale.ROOT);
        boolean noRoom = r.contains("no space left") || r.contains("disk is full") || r.contains("quota exceeded");
        return noRoom && !reason.contains(dir.toString()) ? reason + " (writing into " + dir + ")" : reason;
    }

    /** Deletes the snapshot and the -wal/-shm files that opening it (it keeps the source's WAL flag) creates. */
    private static void removeSnapshot(Path snapshot) {
        for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
            Path f = snapshot.resolveSibling(snapshot.getFileName() + suffix);
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                LOG.warn("cannot remove {} (the next run removes it): {}", f, e.getMessage());
            }
        }
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r, "snapshot-removal");
        t.setDaemon(true);
        t.start();
    }

    /** A compressed, not yet committed copy, and its {@code quick_check} running on the side. */
    private record Compressed(StoredFile stored, SqliteSnapshot.Info info, CompletableFuture<List<String>> check) {
    }

    /** Snapshot first, then compression of the finished copy while {@code quick_check} runs beside it. */
    private Compressed sequential(Path source, Path snapshot, Path target) throws IOException {
        SqliteSnapshot.Info info = SqliteSnapshot.copy(source, snapshot);
        CompletableFuture<List<String>> check = CompletableFuture.supplyAsync(() -> SqliteSnapshot.check(snapshot, false));
        return new Compressed(compressFinished(snapshot, target), info, check);
    }

    /**
     * Compression follows the copy as SQLite writes it (see {@link FollowedSnapshot}); page 1, which SQLite writes
     * last, goes into a stored frame in space reserved at the start of the file. When the streamed bytes turn out
     * not to be the finished copy's, the finished copy is compressed again from the start.
     */
    private Compressed overlapped(Path source, Path snapshot, Path target, int pageSize, int reserved) throws IOException {
        StoredFile stored = StoredFile.createWithReservedPrefix(target, reserved);
        try (FollowedSnapshot followed = FollowedSnapshot.start(source, snapshot, pageSize)) {
            long t0 = System.nanoTime();
            CompletableFuture<List<String>> check = followed.afterCopy(info -> {
                List<String> problems = SqliteSnapshot.check(snapshot, false);
                LOG.debug("quick_check of the snapshot done {} ms after the start", (System.nanoTime() - t0) / 1_000_000);
                return problems;
            });
            // Page 1 is final once the copy is: write it then, so that hashing the file can start while the rest
            // is still being compressed (rather than one more pass over the whole file at the end).
            CompletableFuture<Void> prefix = followed.afterCopy(info -> {
                try {
                    stored.writePrefix(StoredFrame.encode(settings.compression(), followed.firstPage()));
                    return null;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (InputStream body = followed.body(); OutputStream out = compressor(stored)) {
                copy(body, out);
            }
            LOG.debug("snapshot compressed {} ms after the start", (System.nanoTime() - t0) / 1_000_000);
            SqliteSnapshot.Info info = followed.await();
            join(prefix, "writing page 1");
            if (followed.bodyMatches()) {
                return new Compressed(stored, info, check);
            }
            LOG.info("snapshot of {} was not written in page order; compressing the finished copy again", source);
            stored.abort();
            return new Compressed(compressFinished(snapshot, target), info, check);
        } catch (IOException | RuntimeException | Error e) {
            stored.abort();
            throw e;
        }
    }

    /** Copies in 1 MiB reads: {@code transferTo}'s 8 KiB would mean 64,000 reads (and polls) per 500 MiB. */
    private void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[COPY_BUFFER];
        long done = 0;
        for (int n; (n = in.read(buf)) > 0; ) {
            out.write(buf, 0, n);
            done += n;
            progress.database(done);
        }
    }

    private StoredFile compressFinished(Path snapshot, Path target) throws IOException {
        StoredFile stored = StoredFile.create(target);
        try (OutputStream out = compressor(stored)) {
            try (InputStream in = Files.newInputStream(snapshot)) {
                copy(in, out);
            }
        } catch (IOException | RuntimeException | Error e) {
            stored.abort();
            throw e;
        }
        return stored;
    }

    /** A database backup holds nothing else large in memory, so zstd may use its larger, cheaper jobs. */
    private OutputStream compressor(StoredFile stored) throws IOException {
        return Codecs.compressor(settings.compression(), settings.compressionLevel(), stored.stream(), false);
    }

    /** The result of work on another thread; its failure as an IOException saying {@code what} failed. */
    private static <T> T join(CompletableFuture<T> f, String what) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during " + what, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof java.io.UncheckedIOException u ? u.getCause() : e.getCause();
            throw new IOException(what + " failed: " + cause.getMessage(), cause);
        }
    }
}
