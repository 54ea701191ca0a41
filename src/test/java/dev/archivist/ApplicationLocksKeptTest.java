package dev.archivist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.config.Settings;
import dev.archivist.config.SettingsLoader;
import dev.archivist.testing.TestDb;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application that embeds the library has its database open in the same process. POSIX record locks belong to a
 * process and a file, and closing any descriptor of the file drops them all: the backup's own read of the database's
 * header (opened and closed by Java) dropped the application's SQLite locks, so another process could write while the
 * application was in the middle of a write transaction (and the application's commit then failed with a disk I/O
 * error, or two writers corrupted the database).
 */
class ApplicationLocksKeptTest {
    @TempDir
    Path dir;

    @Test
    void aBackupTakenByTheApplicationLeavesItsWriteLockInPlace() throws Exception {
        Path db = TestDb.create(dir.resolve("app.db"), TestDb.Mode.ROLLBACK, 20, 10);
        Path storage = java.nio.file.Files.createDirectories(dir.resolve("storage"));
        Settings settings = SettingsLoader.load(Map.of("DATABASE_URL", db.toString(), "STORAGE_PATH", storage.toString(),
                "BACKUP_DIR", dir.resolve("backups").toString(), "JSON_LOGS", "false"), null, false, Map.of());
        BackupService service = new BackupService(settings);
        try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = app.createStatement()) {
            st.execute("BEGIN IMMEDIATE"); // the application's write transaction: SQLite's RESERVED lock on the file
            st.execute("INSERT INTO items(name, payload) VALUES ('app', x'00')");
            assertThat(otherProcessWrites(db)).as("the lock works at all").isFalse();

            service.checkDatabaseSource();
            assertThat(otherProcessWrites(db)).as("after checkDatabaseSource").isFalse();
            service.backupDatabase(false);
            assertThat(otherProcessWrites(db)).as("after backupDatabase").isFalse();
            service.backupFull(false, dev.archivist.archive.ProgressListener.NONE);
            assertThat(otherProcessWrites(db)).as("after backupFull").isFalse();

            st.execute("COMMIT");
        }
        assertThat(TestDb.integrityCheck(db)).isEqualTo("ok");
        assertThat(TestDb.countWithSqlite3(db, "items")).isEqualTo(21);
    }

    /**
     * A WAL connection holds a shared lock on the database file for as long as it is open; without it, another process
     * that closes its own connection takes itself for the last one and removes the -wal and -shm under the application.
     */
    @Test
    void aRestoreIntoTheLiveDatabaseLeavesTheApplicationsWalConnectionItsLock() throws Exception {
        Path db = TestDb.create(dir.resolve("app.db"), TestDb.Mode.WAL, 20, 10);
        Settings settings = SettingsLoader.load(Map.of("DATABASE_URL", db.toString(),
                "BACKUP_DIR", dir.resolve("backups").toString(), "JSON_LOGS", "false"), null, false, Map.of());
        BackupService service = new BackupService(settings);
        service.backupDatabase(false);
        Path wal = dir.resolve("app.db-wal");
        try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = app.createStatement()) {
            st.execute("INSERT INTO items(name, payload) VALUES ('app', x'00')");

            service.restoreDatabase("latest", null, false);
            assertThat(TestDb.sqlite3(db, "SELECT count(*) FROM items;").exitCode()).isZero();
            assertThat(wal).as("another process's close found the application's connection").exists();
            st.execute("INSERT INTO items(name, payload) VALUES ('app', x'00')");
        }
        assertThat(TestDb.integrityCheck(db)).isEqualTo("ok");
        assertThat(TestDb.countWithSqlite3(db, "items")).isEqualTo(21);
    }

    /**
     * The application's other SQLite files in its storage folder (one database per user, say) are read by an embedded
     * storage backup: closing what it read them through dropped the application's locks on them too.
     */
    @Test
    void aStorageBackupLeavesTheApplicationsLocksOnItsFilesInPlace() throws Exception {
        Path storage = java.nio.file.Files.createDirectories(dir.resolve("storage"));
        Path small = TestDb.create(storage.resolve("user-small.sqlite"), TestDb.Mode.ROLLBACK, 20, 10);
        Path large = TestDb.create(storage.resolve("user-large.sqlite"), TestDb.Mode.ROLLBACK, 600, 4000); // streamed
        Settings settings = SettingsLoader.load(Map.of("DATABASE_URL", dir.resolve("app.db").toString(),
                "STORAGE_PATH", storage.toString(), "BACKUP_DIR", dir.resolve("backups").toString(),
                "JSON_LOGS", "false"), null, false, Map.of());
        BackupService service = new BackupService(settings);
        try (Connection first = DriverManager.getConnection("jdbc:sqlite:" + small);
             Connection second = DriverManager.getConnection("jdbc:sqlite:" + large);
             Statement one = first.createStatement(); Statement two = second.createStatement()) {
            for (Statement st : java.util.List.of(one, two)) {
                st.execute("BEGIN IMMEDIATE");
                st.execute("INSERT INTO items(name, payload) VALUES ('app', x'00')");
            }
            assertThat(otherProcessWrites(small)).as("the lock works at all").isFalse();

            service.backupStorage(false, dev.archivist.archive.ProgressListener.NONE);
            assertThat(otherProcessWrites(small)).as("a small file, after backupStorage").isFalse();
            assertThat(otherProcessWrites(large)).as("a large file, after backupStorage").isFalse();
            Object identity = java.nio.file.Files.readAttributes(small, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
            int descriptors = dev.archivist.source.LockKeepingRead.descriptorsOn(identity);
            service.backupStorage(false, dev.archivist.archive.ProgressListener.NONE);
            assertThat(dev.archivist.source.LockKeepingRead.descriptorsOn(identity)).as("a second backup keeps no more")
                    .isEqualTo(descriptors);
            assertThat(otherProcessWrites(small)).as("a small file, after a second backupStorage").isFalse();
            one.execute("COMMIT");
            two.execute("COMMIT");
        }
        assertThat(TestDb.countWithSqlite3(small, "items")).isEqualTo(21);
        assertThat(TestDb.countWithSqlite3(large, "items")).isEqualTo(601);
    }

    /** Whether another process could take the write lock (and wrote a row): it must not while the application holds it. */
    private static boolean otherProcessWrites(Path db) throws Exception {
        TestDb.Tool t = TestDb.sqlite3(db, "BEGIN IMMEDIATE; INSERT INTO items(name, payload) VALUES ('other', x'00'); COMMIT;");
        if (t.exitCode() != 0) {
            assertThat(t.stderr()).contains("database is locked");
        }
        return t.exitCode() == 0;
    }
}
