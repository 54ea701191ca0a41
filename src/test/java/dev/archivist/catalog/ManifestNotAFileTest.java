package dev.archivist.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.testing.CliProcess;
import dev.archivist.testing.TestDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A FIFO at a manifest's name in {@code BACKUP_DIR} (left by hand, by a copy tool, by a broken restore of the backup
 * directory) is named as an unreadable manifest: opening it waited for a writer for ever, so {@code list},
 * {@code stats} and every backup (the daemon's too) hung.
 */
@Tag("system")
class ManifestNotAFileTest {
    @TempDir
    Path dir;

    @Test
    void aFifoAtAManifestsNameHangsNoCommand() throws Exception {
        Path db = TestDb.create(dir.resolve("app.db"), TestDb.Mode.WAL, 20, 20);
        Path backups = dir.resolve("backups");
        CliProcess cli = CliProcess.forApp(dir, db, backups).env("STORAGE_PATH", dir.resolve("storage").toString())
                .timeout(Duration.ofSeconds(60));
        assertThat(cli.run("backup", "database").exitCode()).isZero();
        Path fifo = backups.resolve("database").resolve("db_backup_20260101T000000.000Z.json");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();

        CliProcess.Result list = cli.run("list");
        assertThat(list.exitCode()).as(list.describe()).isZero();
        assertThat(list.stdout()).as(list.describe()).contains("db_backup_20260101T000000.000Z")
                .contains("BROKEN: manifest unreadable").contains("FIFO");
        CliProcess.Result stats = cli.run("stats");
        assertThat(stats.exitCode()).as(stats.describe()).isZero();
        assertThat(stats.stdout()).contains("1 manifest cannot be read");
        CliProcess.Result backup = cli.run("backup", "database");
        assertThat(backup.exitCode()).as(backup.describe()).isZero();
        assertThat(Files.exists(fifo)).as("left where it is").isTrue();

        // in full/, where rotation also reads an unreadable manifest's raw text for the ids it names
        Path fullFifo = backups.resolve("full").resolve("full_backup_20260101T000000.000Z.json");
        Files.createDirectories(fullFifo.getParent());
        assertThat(new ProcessBuilder("mkfifo", fullFifo.toString()).start().waitFor()).isZero();
        for (String[] args : new String[][] {{"rotate", "--dry-run"}, {"rotate"}, {"list"}}) {
            CliProcess.Result r = cli.run(args);
            assertThat(r.exitCode()).as(r.describe()).isZero();
        }
    }
}
