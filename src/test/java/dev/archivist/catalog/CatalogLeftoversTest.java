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
        Path orphanPart = Files.writeString(storage.resolve(".tmp-storage_backup_20261128T010203.456Z.tar.zst.part001"), "x");
        Path orphanSnapshot = Files.writeString(database.resolve(".tmp-db_backup_20261128T010203.456Z.snapshot.db"), "x");

        assertThat(catalog.removeLeftovers()).containsExactlyInAnyOrder(orphanPart, orphanSnapshot);
        assertThat(java.util.List.of(pythonBackup, pythonManifest, photo, notes, someonesTemp)).allMatch(Files::exists);
    }

    /**
     * Files under a backup's final names without its manifest are an interrupted run's only when their id was marked
     * in flight (allocated, or being removed, and not committed); those of a backup whose manifest was lost or moved
     * away (an incomplete copy, a bad block) are left alone. (Every such file was deleted: a committed backup whose
     * manifest went missing was removed by the next, unrelated backup, with an INFO line calling it a leftover.)
     */
    @Test
    void removesAnInterruptedRunsFilesButNotABackupWhoseManifestWasLost() throws Exception {
        Catalog catalog = new Catalog(root);
        String interrupted = catalog.newId(dev.archivist.BackupType.STORAGE, java.time.Clock.systemUTC());
        Path storage = catalog.dir(dev.archivist.BackupType.STORAGE);
        Path renamedPart = Files.writeString(storage.resolve(interrupted + ".tar.zst.part001"), "x");
        Path index = Files.writeString(storage.resolve(interrupted + ".index.jsonl.zst"), "x");
        Path lost = Files.writeString(storage.resolve("storage_backup_20261128T010203.456Z.tar.zst"), "x");
        Path lostIndex = Files.writeString(storage.resolve("storage_backup_20261128T010203.456Z.index.jsonl.gz"), "x");

        assertThat(catalog.removeLeftovers()).containsExactlyInAnyOrder(renamedPart, index);
        assertThat(lost).exists();
        assertThat(lostIndex).exists();
        // the run's mark went with its files: what appears under its id later is not swept
        Path later = Files.writeString(storage.resolve(interrupted + ".tar.zst"), "x");
        assertThat(catalog.removeLeftovers()).isEmpty();
        assertThat(later).exists();

        // a committed backup's mark ends with its commit: its manifest lost later, its data stays
        Path kept = Files.writeString(storage.resolve(committed(catalog) + ".tar.zst"), "x");
        Files.delete(storage.resolve(kept.getFileName().toString().replace(".tar.zst", Manifest.SUFFIX)));
        // removing a backup marks it until its files are gone: a failure (a crash) between leaves them to the sweep
        String removing = committed(catalog);
        Path stuck = Files.createDirectories(storage.resolve(removing + ".tar.zst")).resolve("x"); // cannot be deleted
        Files.writeString(stuck, "x");
        Manifest m = catalog.find(removing, dev.archivist.BackupType.STORAGE);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> catalog.delete(m)).isInstanceOf(java.io.IOException.class);
        assertThat(catalog.removeLeftovers()).containsExactly(stuck.getParent());
        assertThat(kept).exists();
        assertThat(catalog.removeLeftovers()).isEmpty();
    }

    /** Commits a storage manifest whose one part is {@code <id>.tar.zst}; returns the id. */
    private static String committed(Catalog catalog) throws Exception {
        String id = catalog.newId(dev.archivist.BackupType.STORAGE, java.time.Clock.systemUTC());
        catalog.commit(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                .put("id", id).put("type", "storage").put("created_at", BackupIds.instantOf(id).toString())
                .set("parts", Manifest.partsNode(java.util.List.of(new Manifest.Part(id + ".tar.zst", 1, "00")))));
        return id;
    }
}
