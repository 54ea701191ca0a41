package dev.archivist.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Temporary files in the state folder: those written only under the lock (before-restore records, id counter) are
 * removed by the next run that holds it; those also written without it (verification records, scheduler state) only
 * once they are old enough to be abandoned. (A restore killed while recording its before-restore folder once left
 * such a file behind for good.)
 */
class CatalogLeftoversTest {
    @TempDir
    Path root;

    @Test
    void removesLockOnlyTemporariesAtOnceAndOthersWhenAbandoned() throws Exception {
        Catalog catalog = new Catalog(root);
        catalog.ensureLayout();
        Path state = catalog.stateDir();
        Path beforeRestore = Files.createDirectories(state.resolve("before-restore"));
        Path verified = Files.createDirectories(state.resolve("verified"));
        Path record = Files.writeString(beforeRestore.resolve(".tmp-storage.before-restore-x.json.123-2"), "{");
        Path counter = Files.writeString(state.resolve(".tmp-last-id.123-1"), "x");
        Path freshVerification = Files.writeString(verified.resolve(".tmp-a.json.456-1"), "{");
        Path oldVerification = Files.writeString(verified.resolve(".tmp-b.json.456-2"), "{");
        Files.setLastModifiedTime(oldVerification, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        Path freshSchedulerState = Files.writeString(state.resolve(".tmp-scheduler-state.json.789-1"), "{");

        assertThat(catalog.removeLeftovers()).containsExactlyInAnyOrder(record, counter, oldVerification);
        assertThat(freshVerification).exists();
        assertThat(freshSchedulerState).exists();
    }

    /**
     * Only names Archivist writes are ever swept from the catalog folders. (Every file no manifest referenced used to
     * be deleted: with {@code BACKUP_DIR=.} and {@code STORAGE_PATH=./storage} a backup emptied the live storage
     * folder, and a first run deleted the Python tool's backups beside ours.)
     */
    @Test
    void neverDeletesWhatArchivistDidNotWrite() throws Exception {
        Catalog catalog = new Catalog(root);
        catalog.ensureLayout();
        Path database = catalog.dir(dev.archivist.BackupType.DATABASE);
        Path storage = catalog.dir(dev.archivist.BackupType.STORAGE);
        Path pythonBackup = Files.writeString(database.resolve("db_backup_20240101_020000.db"), "SQLite");
        Path pythonManifest = Files.writeString(database.resolve("db_backup_20240101_020000.json"), "{}");
        Path photo = Files.writeString(Files.createDirectories(storage.resolve("photos")).resolve("p.jpg"), "jpeg");
        Path notes = Files.writeString(storage.resolve("notes.txt"), "mine");
        Path someonesTemp = Files.writeString(storage.resolve(".tmp-upload"), "partial upload");
        Path orphanData = Files.writeString(storage.resolve("storage_backup_20261128T010203.456Z.tar.zst"), "x");
        Path orphanPart = Files.writeString(storage.resolve(".tmp-storage_backup_20261128T010203.456Z.tar.zst.part001"), "x");
        Path orphanSnapshot = Files.writeString(database.resolve(".tmp-db_backup_20261128T010203.456Z.snapshot.db"), "x");

        assertThat(catalog.removeLeftovers()).containsExactlyInAnyOrder(orphanData, orphanPart, orphanSnapshot);
        assertThat(java.util.List.of(pythonBackup, pythonManifest, photo, notes, someonesTemp)).allMatch(Files::exists);
    }
}
