package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.archivist.BackupService;
import dev.archivist.BackupType;
import dev.archivist.catalog.Manifest;
import dev.archivist.config.SettingsLoader;
import dev.archivist.testing.CliProcess;
import dev.archivist.testing.TestDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code list} and {@code stats} read without the lock. While another process holds it, the journal of a
 * {@code restore full} is that process's work in progress: they said "a restore full ... was interrupted; the next
 * backup, restore or rotate ends it" to an operator looking at the catalog while a restore ran. Once nobody holds
 * the lock, a journal left behind is an interrupted restore, named as before.
 */
@Tag("system")
class RestoreAtWorkNotInterruptedTest {
    @TempDir
    Path dir;

    @Test
    void aRestoreJournalUnderAHeldLockIsNotCalledInterrupted() throws Exception {
        Path db = TestDb.create(dir.resolve("app.db"), TestDb.Mode.ROLLBACK, 20, 50);
        Path storage = Files.createDirectories(dir.resolve("storage"));
        Files.writeString(storage.resolve("a.txt"), "a");
        Path backups = dir.resolve("backups");
        BackupService service = new BackupService(SettingsLoader.load(Map.of("DATABASE_URL", db.toString(),
                "STORAGE_PATH", storage.toString(), "BACKUP_DIR", backups.toString()), null, false, Map.of()),
                Clock.systemUTC(), n -> { });
        Manifest full = service.backupFull(false, null);
        CliProcess cli = CliProcess.forApp(dir, db, backups).env("STORAGE_PATH", storage.toString());
        Path journal = backups.resolve(".archivist/restore-full.json");

        CliProcess.Running holder;
        try (Connection app = TestDb.open(db); Statement st = app.createStatement()) {
            st.execute("BEGIN EXCLUSIVE"); // the backup below holds Archivist's lock while it waits for this one
            holder = cli.start("backup", "database", "--no-rotate");
            long deadline = System.currentTimeMillis() + 60_000;
            Path inFlight = backups.resolve(".archivist/in-flight");
            // its id allocated: past the settling of interrupted restores that taking the lock begins with
            while (!marked(inFlight) && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertThat(marked(inFlight)).as("the other process took the lock and began its backup").isTrue();
            // what a restore full at work has written under that lock
            Files.write(journal, new ObjectMapper().createObjectNode()
                    .put("database_backup", full.componentId(BackupType.DATABASE))
                    .put("storage_backup", full.componentId(BackupType.STORAGE)).put("live", storage.toString())
                    .putNull("aside").put("phase", "storage").putNull("safety_backup").toString().getBytes());

            for (String command : new String[] {"list", "stats"}) {
                CliProcess.Result r = cli.run(command);
                assertThat(r.exitCode()).as(r.describe()).isZero();
                assertThat(r.stderr()).as(command + " while the lock is held").doesNotContain("was interrupted");
            }
            st.execute("COMMIT");
        }
        assertThat(holder.process().waitFor()).isZero();

        CliProcess.Result after = cli.run("list"); // nobody holds the lock: the journal is an interrupted restore's
        assertThat(after.stderr()).contains("a restore full of " + full.componentId(BackupType.STORAGE))
                .contains("was interrupted");
        Files.delete(journal);
    }

    private static boolean marked(Path inFlight) throws java.io.IOException {
        if (!Files.isDirectory(inFlight)) {
            return false;
        }
        try (var ids = Files.list(inFlight)) {
            return ids.findAny().isPresent();
        }
    }
}
