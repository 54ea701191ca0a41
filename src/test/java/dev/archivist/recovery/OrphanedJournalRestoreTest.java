package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.catalog.Manifest;
import dev.archivist.testing.TestDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SEED-SPEC defect 4 (no WAL handling): a restore that writes the database as a new file (the live file is gone, or
 * {@code --target}) must not leave a -wal or -journal of another database beside it. SQLite replays such a log into
 * the restored file the first time it is opened: the restore was silently undone (here the restored database turned
 * into the other database, passing integrity_check) while the command had said "restored".
 */
class OrphanedJournalRestoreTest {
    @TempDir
    Path dir;

    @Test
    void theWalOfADeletedLiveDatabaseIsKeptAsideNotReplayedIntoTheRestoredOne() throws Exception {
        Fixture f = new Fixture(dir).database(300);
        Manifest backup = f.service().backupDatabase(false);
        List<String> backedUp = Fixture.rows(f.db);
        byte[] staleWal = walOfAnotherDatabase(dir.resolve("other.db"));
        for (String suffix : List.of("", "-wal", "-shm")) {
            Files.deleteIfExists(dir.resolve("app.db" + suffix));
        }
        // the application crashed and someone deleted its database file, not its write-ahead log
        Files.write(dir.resolve("app.db-wal"), staleWal);

        Fixture.Run r = f.cli("restore", "database", backup.id(), "--yes");

        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(Fixture.rows(f.db)).as("the restored database, opened (and so recovered) by SQLite").isEqualTo(backedUp);
        assertThat(TestDb.integrityCheck(f.db)).isEqualTo("ok");
        assertThat(r.stdout()).contains("app.db-wal").contains("orphaned-before-restore");
        Path kept = dir.resolve("app.db.orphaned-before-restore-" + backup.id() + "-wal");
        assertThat(kept).exists();
        assertThat(Files.readAllBytes(kept)).isEqualTo(staleWal);
    }

    @Test
    void aTargetWithALeftoverWalBesideItIsRefused() throws Exception {
        Fixture f = new Fixture(dir).database(300);
        Manifest backup = f.service().backupDatabase(false);
        Path target = dir.resolve("restored.db");
        Files.write(dir.resolve("restored.db-wal"), walOfAnotherDatabase(dir.resolve("other.db")));

        Fixture.Run r = f.cli("restore", "database", backup.id(), "--target", target.toString());

        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        assertThat(r.stderr()).contains("restored.db-wal").contains("replay");
        assertThat(target).doesNotExist();
        assertThat(Fixture.names(dir)).noneMatch(n -> n.startsWith(".archivist-restore-"));
    }

    /** The committed -wal of a WAL database with another schema, copied while its connection still had it open. */
    private static byte[] walOfAnotherDatabase(Path other) throws Exception {
        try (Connection c = TestDb.open(other); Statement st = c.createStatement()) {
            st.execute("PRAGMA journal_mode=wal");
            st.execute("PRAGMA wal_autocheckpoint=0");
            st.execute("CREATE TABLE other(a INTEGER PRIMARY KEY, b TEXT)");
            st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            st.execute("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 2000)"
                    + " INSERT INTO other(b) SELECT printf('%.300c', 'y') FROM n");
            return Files.readAllBytes(other.resolveSibling(other.getFileName() + "-wal"));
        }
    }
}
