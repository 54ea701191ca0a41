package dev.archivist;

import dev.archivist.archive.Sha256;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.archivist.archive.ProgressListener;
import dev.archivist.catalog.BackupIds;
import dev.archivist.catalog.Catalog;
import dev.archivist.catalog.Json;
import dev.archivist.catalog.Manifest;
import dev.archivist.config.Settings;
import dev.archivist.source.SqliteSnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;

/**
 * A full backup: a database backup, then a storage backup, each an ordinary catalogued backup, tied together by a full
 * manifest written only when both succeeded. If one part fails the other stays as an ordinary backup: the storage part
 * is taken even when the database part failed (a database that cannot be read, say), since with the original's
 * defaults the full backup is the only job that backs up the storage folder. Only a stopping process skips it.
 */
final class FullBackup {
    private final Settings settings;
    private final Catalog catalog;
    private final Clock clock;

    FullBackup(Settings settings, Catalog catalog, Clock clock) {
        this.settings = settings;
        this.catalog = catalog;
        this.clock = clock;
    }

    /**
     * Fails before anything is written (no lock, no catalog folder) when neither source can be backed up, as a
     * database or storage backup alone does for its own; with one source there, that part is taken and kept.
     */
    static void checkSources(Settings settings) {
        String database = sourceProblem(() -> SqliteSnapshot.checkSource(settings.databasePath()));
        String storage = sourceProblem(() -> StorageBackup.checkSource(settings.storagePath()));
        if (database != null && storage != null) {
            throw new ArchivistException("full backup failed: database part: " + database + "; storage part: " + storage);
        }
    }

    private static String sourceProblem(Runnable check) {
        try {
            check.run();
            return null;
        } catch (ArchivistException e) {
            return e.getMessage();
        }
    }

    Manifest run(ProgressListener progress) throws IOException {
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        Manifest db = null;
        ArchivistException dbFailure = null;
        try {
            db = new DatabaseBackup(settings, catalog, clock).run(settings.databasePath(), false, progress);
        } catch (ArchivistException | IOException failure) {
            ArchivistException e = asFailure(failure);
            if (stopping()) {
                throw new ArchivistException("full backup failed: database part: " + e.getMessage(), e);
            }
            dbFailure = e;
        }
        Manifest storage;
        try {
            storage = new StorageBackup(settings, catalog, clock).run(progress);
        } catch (ArchivistException | IOException failure) {
            ArchivistException e = asFailure(failure);
            if (dbFailure != null) {
                throw new ArchivistException("full backup failed: database part: " + dbFailure.getMessage()
                        + "; storage part: " + e.getMessage(), dbFailure);
            }
            throw new ArchivistException("full backup failed: storage part: " + e.getMessage()
                    + " (the database part " + db.id() + " was kept as an ordinary backup)", e);
        }
        if (dbFailure != null) {
            throw new ArchivistException("full backup failed: database part: " + dbFailure.getMessage()
                    + " (the storage part " + storage.id() + " was kept as an ordinary backup)", dbFailure);
        }
        try {
            return commitFull(db, storage, started, t0);
        } catch (IOException | RuntimeException e) {
            if (stopping()) {
                throw e; // the stop report says what happened
            }
            throw new ArchivistException("full backup failed: writing its manifest: " + ArchivistException.reason(e)
                    + " (the database part " + db.id() + " and the storage part " + storage.id()
                    + " were kept as ordinary backups)", e);
        }
    }

    /** The full manifest naming both parts, written last: the full backup's commit point. */
    private Manifest commitFull(Manifest db, Manifest storage, Instant started, long t0) throws IOException {
        String id = catalog.newId(BackupType.FULL, clock);
        ObjectNode m = Json.MAPPER.createObjectNode();
        m.put("id", id);
        m.put("type", BackupType.FULL.wireName());
        m.put("timestamp", started.toString());
        // the id's time: ids only increase, even when the clock steps back
        m.put("created_at", BackupIds.instantOf(id).toString());
        m.put("backup_path", catalog.dir(BackupType.FULL).resolve(Manifest.fileName(id)).toString());
        m.put("file_size", db.fileSize() + storage.fileSize());
        m.put("checksum", generationChecksum(db, storage));
        m.put("checksum_algorithm", "sha256 of the component checksums");
        m.set("database", component(db));
        m.set("storage", component(storage));
        m.put("file_count", storage.json().path("file_count").asLong());
        m.put("compression", settings.compression().wireName());
        m.put("archivist_version", Version.get());
        m.put("duration_ms", (System.nanoTime() - t0) / 1_000_000);
        try {
            return catalog.commit(m);
        } catch (IOException | RuntimeException e) {
            catalog.abandon(BackupType.FULL, id);
            throw e;
        }
    }

    /** A part's failure as one to report: an I/O error before the part's own handling (its id, say) keeps its reason. */
    private static ArchivistException asFailure(Exception e) {
        return e instanceof ArchivistException ae ? ae : new ArchivistException(ArchivistException.reason(e), e);
    }

    /** SIGTERM or Ctrl-C arrived: nothing more is started, and nothing could be committed. */
    private boolean stopping() {
        return Thread.currentThread().isInterrupted() || catalog.commitsRefused();
    }

    private static ObjectNode component(Manifest c) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("id", c.id());
        n.put("checksum", c.checksum());
        n.put("file_size", c.fileSize());
        n.put("backup_path", c.json().path("backup_path").asText());
        return n;
    }

    /** SHA-256 over "database:&lt;sum&gt;\nstorage:&lt;sum&gt;\n": identifies the generation. */
    static String generationChecksum(Manifest db, Manifest storage) {
        var digest = Sha256.digest();
        digest.update(("database:" + db.checksum() + "\nstorage:" + storage.checksum() + "\n").getBytes(StandardCharsets.UTF_8));
        return Sha256.hex(digest.digest());
    }
}
