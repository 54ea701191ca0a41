package dev.archivist.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.archivist.testing.CliProcess;
import dev.archivist.testing.TestDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failed fsync of a catalog folder (EIO, injected with strace into the real CLI: the Nth fsync of that folder's
 * descriptor, for every N a backup makes) fails the backup: the names it renamed may not survive a power cut, so it
 * is not reported as committed. It was ignored ("some file systems refuse fsync on a directory"), also after the
 * manifest's rename, the commit point. Each failure leaves no file of the backup (a part renamed just before the
 * failure too) and the earlier backup as it was.
 */
class DirectoryFsyncFailureTest {
    @TempDir
    Path dir;

    @Test
    void anEioOnAnyFsyncOfTheCatalogFolderFailsTheBackupAndLeavesNothing() throws Exception {
        assumeTrue(TestDb.onPath("strace"), "strace is needed to inject the failure");
        Path db = TestDb.create(dir.resolve("app.db"), TestDb.Mode.WAL, 200, 100);
        Path storage = Files.createDirectories(dir.resolve("storage"));
        FaultFixture.incompressibleFiles(storage, 20, 160_000); // 3.2 MB: several 1 MiB parts
        Path backups = dir.resolve("backups");
        CliProcess cli = new CliProcess(dir).env(Map.of("DATABASE_URL", db.toString(), "STORAGE_PATH", storage.toString(),
                "BACKUP_DIR", backups.toString(), "BACKUP_MAX_SIZE_MB", "1", "BACKUP_CHUNK_SIZE_MB", "1",
                "JSON_LOGS", "false"));
        for (String type : List.of("database", "storage")) {
            CliProcess.Result first = cli.run("backup", type, "--no-rotate");
            assertThat(first.exitCode()).as(first.describe()).isZero();
            Path folder = backups.resolve(type);
            TreeMap<String, String> before = FaultFixture.snapshot(folder);
            int failures = 0;
            for (int n = 1; n <= 10; n++) {
                List<String> strace = List.of("strace", "-f", "-qq", "-o", "/dev/null", "-P", folder.toString(),
                        "-e", "trace=fsync", "-e", "inject=fsync:error=EIO:when=" + n);
                CliProcess.Result r = cli.startWrapped(strace, "backup", type, "--no-rotate").await(Duration.ofMinutes(2));
                if (r.exitCode() == 0) { // past the backup's last fsync of the folder: committed, as it should be
                    assertThat(failures).as("some fsync of %s failed first", folder).isPositive();
                    break;
                }
                failures++;
                assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
                assertThat(r.stderr()).as(r.describe()).contains("cannot flush the folder " + folder + " to disk: Input/output error")
                        .doesNotContain("\tat ");
                assertThat(FaultFixture.snapshot(folder)).as("fsync %d of %s: nothing left, the earlier backup intact", n, folder)
                        .isEqualTo(before);
            }
            assertThat(failures).as("the folder %s was fsynced", folder).isPositive();
        }
    }

    /**
     * A restore's switch is done once its renames are: an EIO when the folder is flushed afterwards is logged, not
     * reported as a failure. A full restore took it for a failed storage swap and left the database unswitched: the
     * storage folder restored and the database not, reported as "failed". Whichever fsync fails, the pair is switched
     * together or not at all.
     */
    @Test
    void anEioAfterTheStorageSwapNeverLeavesAFullRestoreHalfDone() throws Exception {
        assumeTrue(TestDb.onPath("strace"), "strace is needed to inject the failure");
        Path db = TestDb.create(Files.createDirectories(dir.resolve("app/db")).resolve("app.db"), TestDb.Mode.WAL, 100, 50);
        Path files = Files.createDirectories(dir.resolve("app/files"));
        Path storage = Files.createDirectories(files.resolve("storage"));
        Files.writeString(storage.resolve("kept.txt"), "kept");
        Path backups = dir.resolve("backups");
        CliProcess cli = new CliProcess(dir).env(Map.of("DATABASE_URL", db.toString(), "STORAGE_PATH", storage.toString(),
                "BACKUP_DIR", backups.toString(), "JSON_LOGS", "false"));
        CliProcess.Result full = cli.run("backup", "full", "--no-rotate");
        assertThat(full.exitCode()).as(full.describe()).isZero();
        long rows = TestDb.count(db, "items");
        boolean switchedUnderEio = false;
        for (int n = 1; n <= 8; n++) {
            Files.writeString(storage.resolve("new-" + n + ".txt"), "written after the backup");
            try (var c = TestDb.open(db)) {
                TestDb.insert(c, 1, 10, 1_000_000 + n);
            }
            List<String> strace = List.of("strace", "-f", "-qq", "-o", "/dev/null", "-P", files.toString(),
                    "-e", "trace=fsync", "-e", "inject=fsync:error=EIO:when=" + n);
            CliProcess.Result r = cli.startWrapped(strace, "restore", "full", "latest", "--yes").await(Duration.ofMinutes(2));
            boolean storageSwitched = !Files.exists(storage.resolve("new-" + n + ".txt"));
            boolean databaseSwitched = TestDb.count(db, "items") == rows;
            assertThat(storageSwitched).as("fsync %d of %s: both switched or neither; %s", n, files, r.describe())
                    .isEqualTo(databaseSwitched);
            if (r.exitCode() == 0) {
                assertThat(storageSwitched).as("exit 0: switched; %s", r.describe()).isTrue();
                switchedUnderEio |= r.stderr().contains("could not be flushed to disk");
            } else {
                assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
                assertThat(storageSwitched).as("a failure changed nothing; %s", r.describe()).isFalse();
            }
            assertThat(storage.resolve("kept.txt")).hasContent("kept");
        }
        assertThat(switchedUnderEio).as("some run hit the EIO after its switch and said so").isTrue();
    }
}
