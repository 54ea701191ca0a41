package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.testing.CliProcess;
import dev.archivist.testing.TestDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code restore database} signalled after its safety backup, while it copies the backup into the live database. A
 * restore is not interrupted half-way: it ends, then the process exits with the signal's code. The stop report must
 * then say what the live database holds: before, it said only "interrupted", while the live database had been
 * restored, and an operator reading exit 143 took the data for unchanged.
 */
@Tag("system")
class SignalledDatabaseRestoreTest {
    @TempDir
    Path dir;

    @Test
    void theStopReportSaysWhetherTheLiveDatabaseWasRestored() throws Exception {
        Fixture f = new Fixture(dir);
        TestDb.createBig(f.db, TestDb.Mode.WAL, 60);
        CliProcess cli = f.process();
        CliProcess.Result backup = cli.run("backup", "database", "--no-rotate");
        assertThat(backup.exitCode()).as(backup.describe()).isZero();
        long backedUp = TestDb.count(f.db, "items");
        try (var c = TestDb.open(f.db)) {
            TestDb.insert(c, 10, 100, 10_000_000);
        }
        long live = TestDb.count(f.db, "items");

        CliProcess.Running run = cli.start("restore", "database", "latest", "--yes");
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (run.process().isAlive() && System.nanoTime() < deadline && manifests(f) < 2) { // the safety backup's
            Thread.sleep(1);
        }
        run.signal("TERM");
        CliProcess.Result r = run.await(CliProcess.DEFAULT_TIMEOUT);

        long now = TestDb.count(f.db, "items");
        assertThat(now).as(r.describe()).isIn(backedUp, live);
        if (now == backedUp && r.exitCode() != 0) {
            assertThat(r.exitCode()).as(r.describe()).isEqualTo(143);
            assertThat(r.stderr()).as(r.describe()).contains("interrupted by SIGTERM")
                    .contains("database restore of").contains("completed before the stop").contains("now holds the backup");
        } else if (now == live) {
            assertThat(r.exitCode()).as(r.describe()).isNotZero();
            assertThat(r.stderr()).as(r.describe()).doesNotContain("completed before the stop");
        }
    }

    private static long manifests(Fixture f) throws Exception {
        try (Stream<Path> s = Files.list(f.backups.resolve("database"))) {
            return s.filter(p -> p.getFileName().toString().endsWith(".json")).count();
        } catch (java.nio.file.NoSuchFileException e) {
            return 0;
        }
    }
}
