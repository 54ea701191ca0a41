package dev.archivist.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.testing.CliProcess;
import dev.archivist.testing.TestDb;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 2 acceptance: a source database that is already corrupt, missing, or not SQLite is reported (exit 1, a clear
 * message) rather than backed up; nothing is left in the backup directory and the catalog is unchanged.
 */
@Tag("system")
class BackupRefusesBadSourceTest {
    @TempDir
    Path dir;
    Path backups;
    String listBefore;

    @BeforeEach
    void oneGoodBackupExists() throws Exception {
        backups = dir.resolve("backups");
        Path good = TestDb.create(dir.resolve("good.db"), TestDb.Mode.WAL, 200, 100);
        CliProcess.Result r = cli(good.toString()).run("backup", "database");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        listBefore = listJson();
    }

    @Test
    void corruptDatabaseIsReportedNotBackedUp() throws Exception {
        Path db = TestDb.create(dir.resolve("corrupt.db"), TestDb.Mode.ROLLBACK, 20_000, 300);
        TestDb.corruptMiddlePage(db);
        TestDb.Tool check = TestDb.sqlite3(db, "PRAGMA quick_check;");
        assertThat(check.stdout() + check.stderr()).as("precondition: the source is corrupt").doesNotContain("\nok").isNotEqualTo("ok\n");
        assertThat(TestDb.sqlite3(db, "SELECT count(*) FROM sqlite_schema;").exitCode()).as("header still valid").isZero();

        assertRefused(db.toString(), "quick_check");
    }

    /** Many damaged cells: quick_check's findings come as rows of several lines; the message stays one line. */
    @Test
    void aBadlyDamagedDatabaseIsReportedInOneLine() throws Exception {
        Path db = TestDb.create(dir.resolve("damaged.db"), TestDb.Mode.ROLLBACK, 20_000, 300);
        long size = java.nio.file.Files.size(db);
        java.util.Random random = new java.util.Random(11);
        try (var file = new java.io.RandomAccessFile(db.toFile(), "rw")) {
            for (long at = size / 3; at < size / 3 + 40 * 4096L; at += 4096) { // 200 bytes into each of 40 pages
                byte[] garbage = new byte[200];
                random.nextBytes(garbage);
                file.seek(at + 100);
                file.write(garbage);
            }
        }
        assertRefused(db.toString(), "quick_check");
    }

    @Test
    void corruptWalDatabaseIsReportedNotBackedUp() throws Exception {
        Path db = TestDb.create(dir.resolve("corrupt-wal.db"), TestDb.Mode.WAL, 20_000, 300);
        TestDb.corruptMiddlePage(db);
        assertRefused(db.toString(), "quick_check");
    }

    @Test
    void anEmptyDatabaseIsBackedUpWithAWarningAndAGoodOneWithout() throws Exception {
        Path empty = dir.resolve("empty.db");
        Files.createFile(empty); // what a DATABASE_URL that names the wrong file often finds
        CliProcess.Result r = cli(empty.toString()).run("backup", "database");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.stderr()).as(r.describe()).contains("holds no tables").contains("is DATABASE_URL the application's database?");
        CliProcess.Result good = cli(dir.resolve("good.db").toString()).run("backup", "database");
        assertThat(good.stderr()).as(good.describe()).doesNotContain("holds no tables");
    }

    @Test
    void missingDatabaseIsReported() throws Exception {
        assertRefused(dir.resolve("nope.db").toString(), "does not exist");
        assertThat(dir.resolve("nope.db")).as("not created by the attempt").doesNotExist();
    }

    /**
     * A database behind a folder that may not be entered is not said not to exist: the folder is named. And a storage
     * folder that cannot be read does not stop a database backup (which only looks there for a restore's leftovers).
     */
    @Test
    void aDatabaseBehindAFolderThatMayNotBeEnteredNamesTheFolder() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(!CliProcess.runningAsRoot() || TestDb.onPath("setpriv"),
                "running as root without setpriv: permission bits do not bind");
        Path priv = Files.createDirectories(dir.resolve("priv"));
        Path db = TestDb.create(priv.resolve("app.db"), TestDb.Mode.WAL, 20, 10);
        Path storage = Files.createDirectories(dir.resolve("storage"));
        List<String> bound = CliProcess.withoutPermissionBypass("-dac_override,-dac_read_search");
        Files.setPosixFilePermissions(priv, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(storage, java.nio.file.attribute.PosixFilePermissions.fromString("-w-------"));
        try {
            CliProcess.Result hidden = cli(db.toString()).startWrapped(bound, "backup", "database").await(java.time.Duration.ofMinutes(2));
            assertThat(hidden.exitCode()).as(hidden.describe()).isEqualTo(1);
            assertThat(hidden.stderr()).contains("database " + db + " cannot be reached: permission denied on the folder " + priv)
                    .doesNotContain("does not exist");
            Files.setPosixFilePermissions(priv, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            CliProcess.Result taken = cli(db.toString()).env("STORAGE_PATH", storage.toString())
                    .startWrapped(bound, "backup", "database", "--no-rotate").await(java.time.Duration.ofMinutes(2));
            assertThat(taken.exitCode()).as("a storage folder it may not read: %s", taken.describe()).isZero();
        } finally {
            Files.setPosixFilePermissions(priv, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            Files.setPosixFilePermissions(storage, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void aSymlinkToAMissingDatabaseIsNamedAsOne() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("app.db"), dir.resolve("unmounted/app.db"));
        assertRefused(link.toString(), "database " + link + " is a symlink to " + dir.resolve("unmounted/app.db")
                + ", which does not exist");
    }

    /**
     * A JVM started under a locale that is not UTF-8 (an embedding application under systemd without LANG) cannot read
     * a name that is not ASCII: the backup fails saying so and what to change (it said "directory walk failed:
     * InvalidPathException"), and nothing is written.
     */
    @Test
    void aJvmThatCannotDecodeUtf8NamesSaysWhatToChange() throws Exception {
        Path storage = Files.createDirectories(dir.resolve("storage"));
        Files.writeString(storage.resolve("plain.txt"), "a");
        Files.writeString(storage.resolve("résumé.txt"), "b");
        CliProcess.Result r = cli(dir.resolve("good.db").toString()).env("STORAGE_PATH", storage.toString())
                .env("LANG", "C").env("LC_ALL", "C").run("backup", "storage");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        assertThat(r.stderr()).as(r.describe()).contains("Java decodes file names as ANSI_X3.4-1968 here, not UTF-8")
                .contains("start Java with LANG=C.UTF-8").doesNotContain("InvalidPathException").doesNotContain("\tat ");
        assertThat(backups.resolve("storage")).as("nothing written").satisfiesAnyOf(
                p -> assertThat(p).doesNotExist(), p -> assertThat(TestDb.files(p)).isEmpty());
    }

    @Test
    void aSymlinkToAMissingStorageFolderIsNamedAsOne() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("storage"), Path.of("/nowhere-" + System.nanoTime()));
        CliProcess.Result r = cli(dir.resolve("good.db").toString()).env("STORAGE_PATH", link.toString())
                .run("backup", "storage");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        assertThat(r.stderr()).contains("storage folder " + link + " is a symlink to /nowhere-")
                .contains(", which does not exist");
        assertThat(backups.resolve("storage")).as("nothing written").satisfiesAnyOf(
                p -> assertThat(p).doesNotExist(), p -> assertThat(TestDb.files(p)).isEmpty());

        Path loop = Files.createSymbolicLink(dir.resolve("loop-a"), Path.of("loop-b"));
        Files.createSymbolicLink(dir.resolve("loop-b"), Path.of("loop-a"));
        CliProcess.Result looped = cli(dir.resolve("good.db").toString()).env("STORAGE_PATH", loop.toString())
                .run("backup", "storage");
        assertThat(looped.exitCode()).as(looped.describe()).isEqualTo(1);
        assertThat(looped.stderr()).contains("storage folder " + loop + " is a symlink to loop-b, which cannot be"
                + " followed (a loop of links");
    }

    @Test
    void randomBytesAreNotADatabase() throws Exception {
        Path f = dir.resolve("random.db");
        byte[] bytes = new byte[64 * 1024];
        new Random(1).nextBytes(bytes);
        Files.write(f, bytes);
        assertRefused(f.toString(), "not a SQLite database");
        assertThat(Files.readAllBytes(f)).as("source untouched").isEqualTo(bytes);
    }

    @Test
    void aFileThatIsNotADatabaseIsRefusedBeforeTheCatalogIsCreated() throws Exception {
        Path f = Files.writeString(dir.resolve("junk.db"), "junk\n");
        Path fresh = dir.resolve("fresh-backups");
        CliProcess.Result r = new CliProcess(dir).env("DATABASE_URL", f.toString()).env("BACKUP_DIR", fresh.toString())
                .env("JSON_LOGS", "false").run("backup", "database");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        assertThat(r.stderr()).contains("not a SQLite database");
        assertThat(fresh).as("no lock, no catalog folders").doesNotExist();
    }

    /** The reason stays readable when the file's name holds a word that names secrets (auth, key, token, ...). */
    @Test
    void aDatabaseNamedLikeASecretIsStillNamedNotSqlite() throws Exception {
        for (String name : List.of("auth.db", "keys.db", "tokens.sqlite")) {
            Path f = Files.writeString(dir.resolve(name), "hello, not a database\n");
            assertRefused(f.toString(), name + ": not a SQLite database");
        }
    }

    @Test
    void textFileIsNotADatabase() throws Exception {
        Path f = dir.resolve("notes.txt");
        Files.writeString(f, "hello\nthis is not a database\n".repeat(500), StandardCharsets.UTF_8);
        assertRefused(f.toString(), "not a SQLite database");
    }

    private void assertRefused(String databaseUrl, String messageFragment) throws Exception {
        List<String> before = TestDb.files(backups.resolve("database"));
        CliProcess.Result r = cli(databaseUrl).run("backup", "database");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        assertThat(r.stderr()).as(r.describe()).contains("archivist:").contains(messageFragment);
        assertThat(r.stderr()).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception");
        // a corrupt database's quick_check can return its findings as one row of ~100 lines: at most five are shown
        assertThat(r.stderr().lines().count()).as(r.describe()).isLessThanOrEqualTo(5);
        assertThat(r.stdout()).doesNotContain("created");
        assertThat(TestDb.files(backups.resolve("database"))).as("nothing left behind, not even temporary files")
                .isEqualTo(before);
        assertThat(TestDb.files(backups.resolve(".archivist"))).allSatisfy(f -> assertThat(f).doesNotContain(".tmp-"));
        assertThat(listJson()).as("catalog unchanged").isEqualTo(listBefore);
    }

    private String listJson() {
        CliProcess.Result r = cli(dir.resolve("good.db").toString()).run("list", "--json");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        return r.stdout();
    }

    private CliProcess cli(String databaseUrl) {
        return new CliProcess(dir).env("DATABASE_URL", databaseUrl).env("BACKUP_DIR", backups.toString())
                .env("JSON_LOGS", "false");
    }
}
