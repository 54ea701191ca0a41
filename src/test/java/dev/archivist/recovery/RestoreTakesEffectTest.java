package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.catalog.Manifest;
import dev.archivist.testing.RowWriter;
import dev.archivist.testing.TestDb;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database restore into the live file says "restored" exactly when SQLite copied the backup in. sqlite-jdbc's backup
 * call returns the source's error code, so a copy SQLite refused or could not lock came back as success; the page count
 * and schema compared afterwards matched whenever the backup was of the same database (the restore passed with the old
 * content still live), and an application committing right after a real restore changed the page count (the restore
 * failed as "did not take effect" with the backup already live).
 */
class RestoreTakesEffectTest {
    @TempDir
    Path dir;

    @Test
    void aCopySqliteRefusesIsReportedAsFailedAndChangesNothing() throws Exception {
        Fixture f = new Fixture(dir);
        tinyWalDatabase(f.db, 1024, "backed up");
        Manifest backup = f.service().backupDatabase(false);
        for (String suffix : List.of("", "-wal", "-shm")) {
            Files.deleteIfExists(dir.resolve("app.db" + suffix));
        }
        // the live database, rebuilt since, is in WAL mode with another page size: SQLite refuses to copy into it
        tinyWalDatabase(f.db, 4096, "live");

        Fixture.Run r = f.cli("restore", "database", backup.id(), "--yes");

        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        assertThat(r.stderr()).contains("did not complete").contains("WAL mode").contains("page size")
                .contains("the live database was not changed");
        assertThat(r.stdout()).doesNotContain("restored");
        assertThat(value(f.db)).isEqualTo("live");
        assertThat(TestDb.integrityCheck(f.db)).isEqualTo("ok");
    }

    @Test
    void aRestoreWhileTheApplicationKeepsWritingSucceedsAndIsReportedSo() throws Exception {
        Fixture f = new Fixture(dir).database(2000);
        Manifest backup = f.service().backupDatabase(false);
        try (Connection c = TestDb.open(f.db)) {
            TestDb.insert(c, 3000, 200, 10_000);
        }
        Path log = dir.resolve("writer.log");
        Path stop = dir.resolve("stop");
        File out = dir.resolve("writer.out").toFile();
        File err = dir.resolve("writer.err").toFile();
        Process writer = f.process().startMain(RowWriter.class, out, err, f.db.toString(), "wal", log.toString(), stop.toString(),
                "9000"); // every commit adds pages: a page count compared after the copy is out of date at once
        try {
            waitForLines(log, 50);
            for (int round = 0; round < 4; round++) {
                long before = count(f.db);
                Fixture.Run r = f.cli("restore", "database", backup.id(), "--yes");
                assertThat(r.exitCode()).as("round " + round + ": " + r.describe()).isZero();
                // the backup's 2000 rows, plus what the writer committed since the restore
                assertThat(count(f.db)).as("round " + round + ": rows after the restore").isLessThan(before);
                waitForLines(log, Files.readAllLines(log).size() + 20);
            }
        } finally {
            Files.writeString(stop, "stop");
            assertThat(writer.waitFor(60, TimeUnit.SECONDS)).isTrue();
            writer.destroyForcibly();
        }
        assertThat(writer.exitValue()).as(Files.readString(err.toPath())).isZero();
        assertThat(TestDb.integrityCheck(f.db)).isEqualTo("ok");
    }

    private static void tinyWalDatabase(Path db, int pageSize, String value) throws Exception {
        try (Connection c = TestDb.open(db); Statement st = c.createStatement()) {
            st.execute("PRAGMA page_size=" + pageSize);
            st.execute("PRAGMA journal_mode=wal");
            st.execute("CREATE TABLE t(v TEXT)");
            st.execute("INSERT INTO t VALUES ('" + value + "')");
        }
    }

    private static String value(Path db) throws Exception {
        try (Connection c = TestDb.open(db); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT v FROM t")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static long count(Path db) throws Exception {
        try (Connection c = TestDb.open(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM items")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void waitForLines(Path log, int lines) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while ((!Files.exists(log) || Files.readAllLines(log).size() < lines) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(Files.readAllLines(log).size()).as("lines the writer logged").isGreaterThanOrEqualTo(lines);
    }
}
