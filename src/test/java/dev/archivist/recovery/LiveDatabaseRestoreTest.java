package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.BackupType;
import dev.archivist.catalog.Manifest;
import dev.archivist.testing.CliProcess;
import dev.archivist.testing.TestDb;
import dev.archivist.restore.RestoreFiles;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4 acceptance (SEED-SPEC defect 4: the database was overwritten under a running app): restoring a database
 * while another process holds it open and reads it in a loop (WAL mode). The reader then sees the restored content and
 * meets no error other than retried SQLITE_BUSY.
 */
@Tag("system")
class LiveDatabaseRestoreTest {
    @TempDir
    Path dir;

    @Test
    void aBackupTakenFromAnotherDatabaseIsNamedAsSuchBeforeItIsRestored() throws Exception {
        Fixture f = new Fixture(dir).database(30);
        Manifest own = f.service().backupDatabase(false);
        Path other = dir.resolve("other-app.db");
        Files.copy(f.db, other);
        Manifest foreign = f.set("DATABASE_URL", other.toString()).service().backupDatabase(false);
        f.set("DATABASE_URL", f.db.toString());

        Fixture.Run r = f.cli("restore", "database", foreign.id(), "--yes");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.stderr()).contains("warning: " + foreign.id() + " was taken from " + other + ", not from the database "
                + f.db);
        Fixture.Run same = f.cli("restore", "database", own.id(), "--yes");
        assertThat(same.exitCode()).as(same.describe()).isZero();
        assertThat(same.stderr()).doesNotContain("was taken from");
    }

    /**
     * Two applications sharing a BACKUP_DIR: {@code restore full} of the other one's full backup names each part taken
     * from elsewhere, as {@code restore database} and {@code restore storage} do, before anything is restored.
     */
    @Test
    void aFullBackupTakenFromAnotherApplicationIsNamedAsSuchBeforeItIsRestored() throws Exception {
        Fixture f = new Fixture(dir).database(30).storage(3, 1_000);
        Manifest own = f.service().backupFull(false, null);
        Path otherDb = dir.resolve("other-app.db");
        Path otherStorage = Files.createDirectories(dir.resolve("other-storage"));
        Files.copy(f.db, otherDb);
        Files.writeString(otherStorage.resolve("other.txt"), "the other application's");
        Manifest foreign = f.set("DATABASE_URL", otherDb.toString()).set("STORAGE_PATH", otherStorage.toString())
                .service().backupFull(false, null);
        f.set("DATABASE_URL", f.db.toString()).set("STORAGE_PATH", f.storage.toString());

        Fixture.Run r = f.cli("restore", "full", foreign.id(), "--yes");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.stderr()).contains("warning: " + foreign.componentId(dev.archivist.BackupType.DATABASE)
                + " (database part of " + foreign.id() + ") was taken from " + otherDb + ", not from the database "
                + f.db);
        assertThat(r.stderr()).contains("warning: " + foreign.componentId(dev.archivist.BackupType.STORAGE)
                + " (storage part of " + foreign.id() + ") was taken from " + otherStorage
                + ", not from the storage folder " + f.storage);
        Fixture.Run same = f.cli("restore", "full", own.id(), "--yes");
        assertThat(same.exitCode()).as(same.describe()).isZero();
        assertThat(same.stderr()).doesNotContain("was taken from");
    }

    /**
     * A restore into the live database decompresses and checks the backup in the catalog's state folder, not beside
     * the database (that folder may be another user's, who could swap the file there for a link); what a killed one
     * left there is removed by the next command that takes the lock.
     */
    @Test
    void aLiveRestoreWorksInTheCatalogsStateFolderAndItsLeftoverIsSwept() throws Exception {
        Fixture f = new Fixture(dir).database(30);
        f.service().backupDatabase(false);
        List<String> backedUp = Fixture.rows(f.db);
        try (var c = TestDb.open(f.db); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE written_after_the_backup(x)");
            st.execute("INSERT INTO written_after_the_backup VALUES (1)");
        }
        assertThat(Fixture.rows(f.db)).isNotEqualTo(backedUp);

        Fixture.Run r = f.cli("restore", "database", "latest", "--yes");

        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(Fixture.rows(f.db)).isEqualTo(backedUp);
        Path state = f.backups.resolve(".archivist");
        assertThat(Fixture.names(state)).noneMatch(n -> n.startsWith(RestoreFiles.PREFIX));
        Path killed = Files.writeString(RestoreFiles.scratchDatabase(state, "killed"), "left by a killed restore");
        assertThat(f.cli("backup", "database", "--no-rotate").exitCode()).isZero();
        assertThat(killed).doesNotExist();
    }

    @Test
    void aReaderInAnotherProcessSeesTheRestoredContentWithoutErrors() throws Exception {
        Fixture f = new Fixture(dir);
        TestDb.createBig(f.db, TestDb.Mode.WAL, 40);
        Manifest backup = f.service().backupDatabase(false);
        String restoredState;
        try (var c = TestDb.open(f.db); Statement st = c.createStatement()) {
            try (var rs = st.executeQuery("SELECT count(*), (SELECT name FROM items WHERE id = 1), sum(length(payload)) FROM items")) {
                rs.next();
                restoredState = "rows=" + rs.getLong(1) + " first=" + rs.getString(2) + " bytes=" + rs.getLong(3);
            }
            st.execute("DELETE FROM items WHERE id % 2 = 0");
            st.execute("UPDATE items SET name = 'changed after the backup' WHERE id = 1");
        }

        File out = dir.resolve("reader.out").toFile();
        File err = dir.resolve("reader.err").toFile();
        Path stop = dir.resolve("stop");
        Process reader = f.process().startMain(LoopingReader.class, out, err, f.db.toString(), stop.toString());
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (Files.size(out.toPath()) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(Files.readString(out.toPath())).contains("first=changed after the backup");

            CliProcess.Result r = f.process().run("restore", "database", backup.id(), "--yes");
            assertThat(r.exitCode()).as(r.describe()).isZero();

            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readString(out.toPath()).contains(restoredState) && reader.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Files.writeString(stop, "stop");
            assertThat(reader.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            reader.destroyForcibly();
        }
        String lines = Files.readString(out.toPath());
        assertThat(reader.exitValue()).as(lines + Files.readString(err.toPath())).isZero();
        assertThat(lines).doesNotContain("ERROR").contains(restoredState).contains("done reads=");
        // every state the reader saw was either the old or the restored one: never a torn mix
        for (String line : lines.split("\n")) {
            if (line.startsWith("rows=")) {
                assertThat(line).matches(l -> l.equals(restoredState) || l.contains("first=changed after the backup"), line);
            }
        }
        assertThat(TestDb.integrityCheck(f.db)).isEqualTo("ok");
        assertThat(f.service().list(BackupType.DATABASE)).anyMatch(Manifest::preRestore);
    }
}
