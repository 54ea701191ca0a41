package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.catalog.Manifest;
import dev.archivist.testing.TestDb;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore into the live database keeps its journal mode. SQLite's backup API copies page 1 as it is and gives only a
 * WAL destination its mode back, so a backup taken in WAL mode turned a live database the application had since put in
 * rollback-journal mode into a WAL database for good: its readers then had to create -wal and -shm files beside it,
 * which a read-only user cannot (every query failed), and WAL does not work on a network file system.
 */
class JournalModeKeptOnRestoreTest {
    @TempDir
    Path dir;

    @Test
    void aWalBackupRestoredIntoARollbackDatabaseLeavesItInRollbackMode() throws Exception {
        Fixture f = new Fixture(dir).database(200);
        Manifest backup = f.service().backupDatabase(false);
        try (Connection c = TestDb.open(f.db)) {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA journal_mode=DELETE")) {
                rs.next();
            }
            TestDb.insert(c, 100, 50, 1000);
        }
        assertThat(journalMode(f.db)).isEqualTo("delete");

        Fixture.Run r = f.cli("restore", "database", backup.id(), "--yes");

        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(TestDb.count(f.db, "items")).isEqualTo(200);
        assertThat(journalMode(f.db)).isEqualTo("delete");
        assertThat(TestDb.integrityCheck(f.db)).isEqualTo("ok");
    }

    @Test
    void aRollbackBackupRestoredIntoAWalDatabaseLeavesItInWalMode() throws Exception {
        Fixture f = new Fixture(dir);
        TestDb.create(f.db, TestDb.Mode.ROLLBACK, 200, 50);
        Manifest backup = f.service().backupDatabase(false);
        try (Connection c = TestDb.open(f.db)) {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA journal_mode=WAL")) {
                rs.next();
            }
            TestDb.insert(c, 100, 50, 1000);
        }

        Fixture.Run r = f.cli("restore", "database", backup.id(), "--yes");

        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(TestDb.count(f.db, "items")).isEqualTo(200);
        assertThat(journalMode(f.db)).isEqualTo("wal");
    }

    /** The journal mode a new connection finds (a WAL database stays WAL; any other reads as the default, delete). */
    private static String journalMode(Path db) throws Exception {
        try (Connection c = TestDb.open(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
