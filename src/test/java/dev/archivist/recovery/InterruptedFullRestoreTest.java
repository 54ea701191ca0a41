package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.archivist.ArchivistException;
import dev.archivist.BackupService;
import dev.archivist.BackupType;
import dev.archivist.catalog.Durable;
import dev.archivist.catalog.Manifest;
import dev.archivist.testing.TestDb;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code restore full} cut short between its storage swap and its database switch (SIGKILL, power cut) leaves
 * {@code .archivist/restore-full.json} behind; the next command holding the lock ends the restore from it. The states
 * such a crash leaves are made here with the real steps (a storage restore is a real swap, a database restore a real
 * switch), then the journal the restore would have written at that point.
 */
class InterruptedFullRestoreTest {
    @TempDir
    Path dir;

    private Fixture f;
    private BackupService service;
    private String databaseId;
    private String storageId;
    private Fixture.Generation restored;
    private Fixture.Generation old;

    @BeforeEach
    void backUpThenChangeEverything() throws Exception {
        f = new Fixture(dir);
        TestDb.create(f.db, TestDb.Mode.WAL, 50, 100);
        Files.createDirectories(f.storage.resolve("photos"));
        Files.writeString(f.storage.resolve("photos/a.jpg"), "restored a");
        service = f.service();
        Manifest full = service.backupFull(false, null);
        databaseId = full.component(BackupType.DATABASE).path("id").asText();
        storageId = full.component(BackupType.STORAGE).path("id").asText();
        restored = Fixture.Generation.of(f);

        try (var c = TestDb.open(f.db)) {
            TestDb.insert(c, 7, 100, 1_000_000);
        }
        Files.writeString(f.storage.resolve("photos/a.jpg"), "old a, changed after the backup");
        Files.writeString(f.storage.resolve("new.txt"), "old only");
        old = Fixture.Generation.of(f);
    }

    @Test
    void aSwapWithoutTheDatabaseSwitchIsCompletedWithASafetyBackup() throws Exception {
        Path aside = swapStorage();
        writeJournal("storage", aside, null); // killed just after the swap, before the journal said so
        long safetyBefore = preRestoreBackups();
        Fixture.Run list = f.cli("list", "--json"); // takes no lock, changes nothing, but says so
        assertThat(list.exitCode()).isZero();
        assertThat(list.stderr()).contains("a restore full of " + storageId + " and " + databaseId + " was interrupted")
                .contains(journal().toString());
        assertThat(new ObjectMapper().readTree(list.stdout()).isArray()).isTrue();
        Fixture.Run stats = f.cli("stats", "--json");
        assertThat(stats.exitCode()).isZero();
        assertThat(stats.stderr()).contains("a restore full of " + storageId + " and " + databaseId + " was interrupted");
        assertThat(new ObjectMapper().readTree(stats.stdout()).path("total_backups").asInt()).isPositive();
        assertThat(journal()).exists();

        service.rotate(false); // any command holding the lock

        assertThat(Fixture.Generation.of(f)).isEqualTo(restored);
        assertThat(preRestoreBackups()).as("the old database was backed up before the switch").isEqualTo(safetyBefore + 1);
        assertThat(rowsOf(newestPreRestore())).isEqualTo(old.rows());
        assertThat(Fixture.tree(aside)).as("the old tree is kept aside, as by any restore").isEqualTo(old.tree());
        assertThat(journal()).doesNotExist();
        assertThat(Fixture.names(dir)).noneMatch(n -> n.startsWith(".archivist-restore-"));
        assertThat(f.cli("list").stderr()).doesNotContain("was interrupted");
        assertThat(f.cli("stats").stderr()).doesNotContain("was interrupted");
    }

    @Test
    void filesWrittenIntoTheRestoredTreeAfterTheCrashAreKept() throws Exception {
        Path aside = swapStorage();
        writeJournal("storage", aside, null);
        Files.writeString(f.storage.resolve("uploaded-after-the-crash.jpg"), "new upload");

        service.rotate(false);

        assertThat(f.storage.resolve("uploaded-after-the-crash.jpg")).hasContent("new upload");
        assertThat(TestDb.count(f.db, "items")).isEqualTo(restored.rows());
    }

    @Test
    void aJournalWrittenBeforeTheSwapHappenedChangesNothing() throws Exception {
        Path planned = f.storage.resolveSibling("storage.before-restore-" + storageId);
        Path record = f.backups.resolve(".archivist/before-restore/" + planned.getFileName() + ".json");
        Files.createDirectories(record.getParent());
        Files.writeString(record, "{\"path\":\"" + planned + "\",\"moved_aside_at\":\"2026-12-04T00:00:00Z\"}");
        writeJournal("storage", planned, null);

        service.rotate(false);

        assertThat(Fixture.Generation.of(f)).isEqualTo(old);
        assertThat(journal()).doesNotExist();
        assertThat(record).as("no record of a folder that was never moved aside").doesNotExist();
    }

    @Test
    void anUndoOfTheSwapCutShortIsFinished() throws Exception {
        Path aside = swapStorage();
        writeJournal("undo", aside, null); // the database switch had failed; killed before the swap was undone

        service.rotate(false);

        assertThat(Fixture.Generation.of(f)).isEqualTo(old);
        assertThat(aside).doesNotExist();
        assertThat(journal()).doesNotExist();
        assertThat(Fixture.names(dir)).noneMatch(n -> n.startsWith(".archivist-restore-"));
    }

    /**
     * The same for a storage folder switched in place (a mount point): its earlier entries, kept inside it, come back
     * in place, and the restored ones go.
     */
    @Test
    void anUndoOfAnInPlaceSwitchCutShortIsFinishedInPlace() throws Exception {
        Path staging = dev.archivist.restore.RestoreFiles.inPlaceStaging(f.storage, storageId);
        service.restoreStorage(storageId, staging, java.util.List.of(), false);
        Path aside = dev.archivist.restore.InPlaceSwap.swap(f.storage, staging,
                dev.archivist.restore.RestoreFiles.inPlaceAside(f.storage, storageId), storageId);
        assertThat(f.storage.resolve("new.txt")).doesNotExist(); // switched: the restored entries are in place
        writeJournal("undo", aside, null); // the database switch had failed; killed before the switch was undone

        service.rotate(false);

        assertThat(Fixture.Generation.of(f)).isEqualTo(old);
        assertThat(aside).doesNotExist();
        assertThat(journal()).doesNotExist();
        assertThat(Fixture.names(f.storage)).noneMatch(n -> n.startsWith(".archivist-"));
    }

    @Test
    void aSwapWhoseDatabaseSwitchHadNotStartedIsCompletedWithASafetyBackup() throws Exception {
        Path aside = swapStorage();
        writeJournal("database", aside, null);
        long safetyBefore = preRestoreBackups();

        service.rotate(false);

        assertThat(Fixture.Generation.of(f)).isEqualTo(restored);
        assertThat(preRestoreBackups()).as("the old database was backed up before the switch").isEqualTo(safetyBefore + 1);
        assertThat(journal()).doesNotExist();
    }

    /**
     * Killed during or after the database switch, its safety backup taken: the application may have written since,
     * so the live database is backed up again, as an ordinary backup, before the switch is redone; the safety backup
     * stays the newest pre_restore one (the one rotation keeps).
     */
    @Test
    void aSwitchRedoneAfterItsSafetyBackupKeepsWhatWasWrittenSinceAndTheSafetyBackup() throws Exception {
        Path aside = swapStorage();
        String safety = service.restoreDatabase(databaseId, null, false).safetyCopy();
        writeJournal("database", aside, safety);
        try (var c = TestDb.open(f.db)) { // the application, started again after the crash, writes
            TestDb.insert(c, 3, 100, 2_000_000);
        }
        long safetyBefore = preRestoreBackups();

        service.rotate(false);

        assertThat(Fixture.Generation.of(f)).isEqualTo(restored);
        assertThat(preRestoreBackups()).isEqualTo(safetyBefore);
        assertThat(newestPreRestore()).isEqualTo(safety);
        assertThat(rowsOf(safety)).isEqualTo(old.rows());
        Manifest since = service.list(BackupType.DATABASE).stream().filter(m -> !m.preRestore()).findFirst().orElseThrow();
        assertThat(since.id()).isNotEqualTo(databaseId);
        assertThat(rowsOf(since.id())).as("what was written after the crash is kept in a backup")
                .isEqualTo(restored.rows() + 3);
        assertThat(journal()).doesNotExist();
    }

    /**
     * The completing run records its safety backup in the journal, as the killed restore does: killed after its own
     * switch, the run after it must back up the (now restored) live database as an ordinary backup, not as the newest
     * pre_restore one, which rotation keeps while it removes the older one holding the old database. Here the switch
     * fails after the safety backup (a WAL database with another page size than the backup's: SQLite refuses), which
     * leaves the journal as such a kill would.
     */
    @Test
    void aCompletionCutShortAfterItsSafetyBackupLeavesThatBackupInTheJournal() throws Exception {
        Path aside = swapStorage();
        writeJournal("storage", aside, null);
        try (var c = TestDb.open(f.db); var st = c.createStatement()) {
            st.execute("PRAGMA journal_mode=DELETE");
            st.execute("PRAGMA page_size=8192");
            st.execute("VACUUM");
            st.execute("PRAGMA journal_mode=WAL");
        }
        long safetyBefore = preRestoreBackups();

        assertThatThrownBy(() -> service.rotate(false)).hasMessageContaining("cannot be completed");
        String safety = newestPreRestore();
        assertThat(preRestoreBackups()).isEqualTo(safetyBefore + 1);
        assertThat(new ObjectMapper().readTree(journal().toFile()).path("safety_backup").asText()).isEqualTo(safety);

        try (var c = TestDb.open(f.db); var st = c.createStatement()) { // the cause fixed
            st.execute("PRAGMA journal_mode=DELETE");
        }
        service.rotate(false);

        assertThat(Fixture.Generation.of(f)).isEqualTo(restored);
        assertThat(preRestoreBackups()).as("no second pre_restore backup").isEqualTo(safetyBefore + 1);
        assertThat(newestPreRestore()).isEqualTo(safety);
        assertThat(rowsOf(safety)).isEqualTo(old.rows());
        assertThat(journal()).doesNotExist();
    }

    /**
     * No storage folder before the restore, killed before its swap: the application, started again, created the
     * folder (its first upload). That folder is not the restored tree: nothing is switched, the upload stays.
     */
    @Test
    void aFolderTheApplicationCreatedIsNotTakenForASwapThatDidNotHappen() throws Exception {
        Path staging = dir.resolve(".archivist-restore-storage-" + storageId);
        service.restoreStorage(storageId, staging, java.util.List.of(), false); // the prepared staging folder
        Durable.deleteTree(f.storage); // there was no storage folder
        writeJournal("storage", null, null);
        Files.createDirectories(f.storage);
        Files.writeString(f.storage.resolve("uploaded-after-the-crash.jpg"), "new upload");
        long safetyBefore = preRestoreBackups();

        service.rotate(false);

        assertThat(TestDb.count(f.db, "items")).as("the database is not switched").isEqualTo(old.rows());
        assertThat(Fixture.tree(f.storage)).containsOnlyKeys("uploaded-after-the-crash.jpg");
        assertThat(preRestoreBackups()).isEqualTo(safetyBefore);
        assertThat(journal()).doesNotExist();
        assertThat(Fixture.names(dir)).noneMatch(n -> n.startsWith(".archivist-restore-"));
    }

    /** The same after an undo of a swap with no previous folder: the folder the application created since stays. */
    @Test
    void aFolderTheApplicationCreatedAfterAnUndoIsKept() throws Exception {
        Path staging = dir.resolve(".archivist-restore-storage-" + storageId);
        service.restoreStorage(storageId, staging, java.util.List.of(), false); // the restored tree, moved back out
        Durable.deleteTree(f.storage);
        writeJournal("undo", null, null);
        Files.createDirectories(f.storage);
        Files.writeString(f.storage.resolve("uploaded-after-the-crash.jpg"), "new upload");

        service.rotate(false);

        assertThat(f.storage.resolve("uploaded-after-the-crash.jpg")).hasContent("new upload");
        assertThat(TestDb.count(f.db, "items")).isEqualTo(old.rows());
        assertThat(journal()).doesNotExist();
        assertThat(Fixture.names(dir)).noneMatch(n -> n.startsWith(".archivist-restore-"));
    }

    /** Killed while it wrote the swap journal (before its rename): the temporary file is not left beside the storage. */
    @Test
    void theTemporaryFileOfASwapJournalCutShortIsRemoved() throws Exception {
        Path temp = dir.resolve(".tmp-.archivist-restore-storage.journal.json.4242-4");
        Files.writeString(temp, "{\"live\":\"" + f.storage + "\",\"aside\":\"");
        Path similar = dir.resolve(".tmp-storage-notes.txt"); // not ours
        Files.writeString(similar, "the user's");

        service.rotate(false);

        assertThat(temp).doesNotExist();
        assertThat(similar).hasContent("the user's");
        assertThat(Fixture.Generation.of(f)).isEqualTo(old);
    }

    @Test
    void aSwitchThatCannotBeCompletedFailsEveryCommandAndKeepsTheJournal() throws Exception {
        Path aside = swapStorage();
        databaseId = "db_backup_20000101T000000.000Z"; // not in the catalog
        writeJournal("database", aside, null);

        assertThatThrownBy(() -> service.rotate(false)).isInstanceOf(ArchivistException.class)
                .hasMessageContaining("cannot be completed").hasMessageContaining(journal().toString());
        assertThat(journal()).exists();
        assertThat(TestDb.count(f.db, "items")).isEqualTo(old.rows());
    }

    @Test
    void aTruncatedOrEmptyJournalChangesNothingAndSaysWhatToDo() throws Exception {
        Path aside = swapStorage();
        writeJournal("database", aside, null);
        byte[] whole = Files.readAllBytes(journal());

        for (byte[] damaged : java.util.List.of(java.util.Arrays.copyOf(whole, whole.length / 2), new byte[0])) {
            Files.write(journal(), damaged);

            assertThatThrownBy(() -> service.rotate(false)).isInstanceOf(ArchivistException.class)
                    .hasMessageContaining("rotate failed: the journal of an interrupted restore full, " + journal())
                    .hasMessageContaining("cannot be read").hasMessageContaining("remove " + journal())
                    .hasMessageNotContaining("Unexpected end-of-input").hasMessageNotContaining("No enum constant");
            assertThat(journal()).exists();
            assertThat(TestDb.count(f.db, "items")).isEqualTo(old.rows());
            assertThat(Fixture.tree(f.storage)).isEqualTo(restored.tree());
            assertThat(aside).exists();
        }
    }

    /** The storage restore of the full backup, a real swap; returns where the old folder went. */
    private Path swapStorage() throws Exception {
        service.restoreStorage(storageId, null, java.util.List.of(), false);
        assertThat(Fixture.tree(f.storage)).isEqualTo(restored.tree());
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("storage.before-restore-")).findFirst().orElseThrow();
        }
    }

    private Path journal() {
        return f.backups.resolve(".archivist/restore-full.json");
    }

    private void writeJournal(String phase, Path aside, String safety) throws Exception {
        ObjectNode n = new ObjectMapper().createObjectNode().put("database_backup", databaseId)
                .put("storage_backup", storageId).put("live", f.storage.toString()).put("aside", aside == null ? null : aside.toString())
                .put("phase", phase).put("safety_backup", safety);
        Files.write(journal(), new ObjectMapper().writeValueAsBytes(n));
    }

    private String newestPreRestore() {
        return service.list(BackupType.DATABASE).stream().filter(Manifest::preRestore).findFirst().orElseThrow().id();
    }

    /** The rows of a database backup, restored into a new file. */
    private long rowsOf(String backupId) throws Exception {
        Path copy = dir.resolve("check-" + backupId + ".db");
        service.restoreDatabase(backupId, copy, false);
        return TestDb.count(copy, "items");
    }

    private long preRestoreBackups() {
        return service.list(BackupType.DATABASE).stream().filter(Manifest::preRestore).count();
    }
}
