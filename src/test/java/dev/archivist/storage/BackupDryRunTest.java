package dev.archivist.storage;

import static dev.archivist.storage.StorageFixtures.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.archivist.testing.CliProcess;
import dev.archivist.testing.TestDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code archivist backup TYPE --dry-run}: nothing written (not even the backup folder), the same checks of the
 * sources as the backup, and a preview that agrees with what the backup then stores.
 */
class BackupDryRunTest {
    @TempDir
    Path tmp;

    @Test
    void aStorageDryRunWritesNothingAndForetellsWhatTheBackupStores() throws Exception {
        Path storage = tmp.resolve("storage");
        StorageFixtures.buildAwkward(storage, tmp.resolve("outside.txt"), 0.5);
        Files.createLink(storage.resolve("docs/text again.txt"), storage.resolve("docs/text.txt"));
        Path backups = tmp.resolve("backups");
        List<String> before = StorageFixtures.snapshot(storage);

        CliProcess.Result dry = cli(storage, backups).run("backup", "storage", "--dry-run", "--json");
        assertThat(dry.exitCode()).as(dry.describe()).isZero();
        assertThat(backups).doesNotExist();
        assertThat(StorageFixtures.snapshot(storage)).isEqualTo(before);
        JsonNode preview = JSON.readTree(dry.stdout());
        assertThat(preview.path("dry_run").asBoolean()).isTrue();
        JsonNode s = preview.path("storage");

        CliProcess.Result real = cli(storage, backups).run("backup", "storage", "--json", "--no-rotate");
        assertThat(real.exitCode()).as(real.describe()).isZero();
        JsonNode m = JSON.readTree(real.stdout());
        assertThat(s.path("files").asLong()).isEqualTo(m.path("file_count").asLong());
        assertThat(s.path("bytes").asLong()).isEqualTo(m.path("bytes_read").asLong());
        assertThat(s.path("excluded_count").asLong()).isEqualTo(m.path("excluded_count").asLong()).isPositive();
        assertThat(paths(s.path("skipped"))).containsExactlyInAnyOrderElementsOf(paths(m.path("skipped")))
                .contains("a-fifo");
        assertThat(texts(s.path("excluded"))).contains("top.tmp", "docs/draft.tmp", "cache/a.bin", "cache/sub");
        assertThat(s.path("symlinks").asLong()).isEqualTo(5);
    }

    @Test
    void theTextNamesWhatIsLeftOutAndTheBackupFolderInsideTheStorageIsSkippedAsInABackup() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        Files.writeString(storage.resolve("photo.jpg"), "jpeg");
        Files.writeString(storage.resolve("scratch.tmp"), "tmp");
        Files.writeString(storage.resolve("evil\n\u001b[2J.tmp"), "a name that would forge a line, clear a screen");
        Path backups = storage.resolve("backups");
        assertThat(cli(storage, backups).run("backup", "storage", "--no-rotate").exitCode()).isZero();
        List<String> catalog = StorageFixtures.snapshot(backups);

        CliProcess.Result dry = cli(storage, backups).run("backup", "storage", "--dry-run");
        assertThat(dry.exitCode()).as(dry.describe()).isZero();
        assertThat(dry.stdout()).contains("dry run: nothing written")
                .contains("would store 1 file (4 B), 0 folders, 0 symlinks")
                .contains("excluded by BACKUP_STORAGE_EXCLUDE: 2").contains("    scratch.tmp")
                .contains("    evil\\n\\033[2J.tmp").doesNotContain("\u001b")
                .contains("would be skipped: 1").contains("    backups: ");
        assertThat(StorageFixtures.snapshot(backups)).isEqualTo(catalog);
    }

    /** The names of excluded and skipped entries are the folder's data, listed as they are, not masked as secrets. */
    @Test
    void namesThatLookLikeSecretsAreListedAsTheyAre() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        Files.writeString(storage.resolve("a.txt"), "a");
        Files.writeString(storage.resolve("password=hunter2.tmp"), "excluded");
        Files.writeString(storage.resolve("api_key: notes.tmp"), "excluded");
        Path fifo = storage.resolve("secret");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        Path backups = tmp.resolve("backups");

        CliProcess.Result text = cli(storage, backups).run("backup", "storage", "--dry-run");
        assertThat(text.exitCode()).as(text.describe()).isZero();
        assertThat(text.stdout()).as(text.describe()).contains("    password=hunter2.tmp\n")
                .contains("    api_key: notes.tmp\n").contains("    secret: fifo\n").doesNotContain("***");

        CliProcess.Result json = cli(storage, backups).run("backup", "storage", "--dry-run", "--json");
        assertThat(json.exitCode()).as(json.describe()).isZero();
        JsonNode preview = JSON.readTree(json.stdout()).path("storage");
        assertThat(texts(preview.path("excluded"))).containsExactly("api_key: notes.tmp", "password=hunter2.tmp");
        assertThat(paths(preview.path("skipped"))).containsExactly("secret");
        assertThat(preview.path("skipped").get(0).path("reason").asText()).isEqualTo("fifo");
    }

    /** As the preview lists them, a backup's JSON and list --json give the skipped names as the manifest records them. */
    @Test
    void theBackupAndListPrintSkippedNamesAsTheManifestRecordsThem() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        Files.writeString(storage.resolve("a.txt"), "a");
        Path fifo = storage.resolve("token=abc");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        Path backups = tmp.resolve("backups");

        CliProcess.Result backup = cli(storage, backups).run("backup", "storage", "--json", "--no-rotate");
        assertThat(backup.exitCode()).as(backup.describe()).isZero();
        assertThat(paths(JSON.readTree(backup.stdout()).path("skipped"))).containsExactly("token=abc");
        CliProcess.Result list = cli(storage, backups).run("list", "--json");
        assertThat(list.exitCode()).as(list.describe()).isZero();
        assertThat(paths(JSON.readTree(list.stdout()).get(0).path("skipped"))).containsExactly("token=abc");
    }

    @Test
    void aFullDryRunChecksBothSourcesAndFailsAsTheBackupWouldWithoutWriting() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        Files.writeString(storage.resolve("a.txt"), "a");
        TestDb.create(tmp.resolve("app.db"), TestDb.Mode.WAL, 10, 100);
        Path backups = tmp.resolve("backups");

        CliProcess.Result ok = cli(storage, backups).run("backup", "full", "--dry-run");
        assertThat(ok.exitCode()).as(ok.describe()).isZero();
        assertThat(ok.stdout()).contains("database " + tmp.resolve("app.db") + ": ")
                .contains("storage " + storage + ": would store 1 file (1 B)");

        CliProcess.Result noStorage = cli(tmp.resolve("missing"), backups).run("backup", "full", "--dry-run");
        assertThat(noStorage.exitCode()).as(noStorage.describe()).isEqualTo(1);
        assertThat(noStorage.stderr()).contains("full backup would fail: storage part: storage folder")
                .contains("does not exist");

        CliProcess.Result noDatabase = cli(storage, backups).env("DATABASE_URL", "sqlite:///" + tmp.resolve("none.db"))
                .run("backup", "database", "--dry-run", "--json");
        assertThat(noDatabase.exitCode()).as(noDatabase.describe()).isEqualTo(1);
        assertThat(JSON.readTree(noDatabase.stdout()).path("error").asText()).contains("none.db does not exist");
        assertThat(backups).doesNotExist();
    }

    @Test
    void aDatabaseDryRunRefusesAFileTheBackupWouldRefuseAndCountsTheWal() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        Path backups = tmp.resolve("backups");
        Path text = tmp.resolve("notes.db");
        Files.writeString(text, "this is not a SQLite database, only text that is long enough to look like a header");
        CliProcess notSqlite = cli(storage, backups).env("DATABASE_URL", text.toString());
        CliProcess.Result dry = notSqlite.run("backup", "database", "--dry-run");
        CliProcess.Result real = notSqlite.run("backup", "database");
        assertThat(real.exitCode()).as(real.describe()).isEqualTo(1);
        assertThat(dry.exitCode()).as(dry.describe()).isEqualTo(1);
        assertThat(dry.stderr()).contains("database backup would fail").contains("notes.db: not a SQLite database");
        assertThat(real.stderr()).contains("notes.db: not a SQLite database");

        // a WAL database whose pages are all in its -wal (a reader keeps them from being checkpointed)
        Path db = TestDb.create(tmp.resolve("app.db"), TestDb.Mode.WAL, 10, 100);
        try (var reader = TestDb.open(db); var hold = reader.createStatement()) {
            reader.setAutoCommit(false);
            hold.executeQuery("SELECT count(*) FROM items").close(); // a read transaction stays open
            try (var writer = TestDb.open(db)) {
                TestDb.insert(writer, 2000, 1000, 1_000_000);
            }
            Path wal = tmp.resolve("app.db-wal");
            assertThat(Files.size(wal)).isGreaterThan(Files.size(db));
            CliProcess.Result r = cli(storage, backups).run("backup", "database", "--dry-run", "--json");
            assertThat(r.exitCode()).as(r.describe()).isZero();
            JsonNode d = JSON.readTree(r.stdout()).path("database");
            assertThat(d.path("size").asLong()).isEqualTo(Files.size(db));
            assertThat(d.path("wal_size").asLong()).isGreaterThan(2000L * 1000);
            assertThat(cli(storage, backups).run("backup", "database", "--dry-run").stdout()).contains("in its -wal");
        }
    }

    @Test
    void aHotJournalLeftByACrashedApplicationPassesTheDryRunAsTheBackup() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        Path db = TestDb.create(tmp.resolve("app.db"), TestDb.Mode.ROLLBACK, 3000, 100);
        crashMidTransaction(db);

        CliProcess.Result dry = cli(storage, tmp.resolve("backups")).run("backup", "database", "--dry-run");
        assertThat(dry.exitCode()).as(dry.describe()).isZero();
        CliProcess.Result real = cli(storage, tmp.resolve("backups")).run("backup", "database");
        assertThat(real.exitCode()).as(real.describe()).isZero();
    }

    /**
     * A user who may read the database but not write it cannot roll its hot journal back, so the backup fails: the
     * dry run, whose read-only check passes any hot journal, said it would succeed.
     */
    @Test
    void aHotJournalThisUserCannotRollBackFailsTheDryRunAsTheBackup() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        Path db = TestDb.create(tmp.resolve("app.db"), TestDb.Mode.ROLLBACK, 3000, 100);
        crashMidTransaction(db);
        Files.setPosixFilePermissions(db, java.nio.file.attribute.PosixFilePermissions.fromString("r--r--r--"));
        java.util.Map<String, String> env = plainLogs(storage, db);

        CliProcess.Result dry = dryRunFailingAsTheBackup(env);
        assertThat(dry.stderr()).contains("hot journal").contains(db + " is not writable");
    }

    /**
     * A sound WAL database in a folder this user may not write: SQLite cannot make its -shm, so neither the backup nor
     * the dry run's check can read it. The dry run said the database "failed PRAGMA quick_check", which reads as damage
     * (the usual reason to restore it), where the backup names the real cause.
     */
    @Test
    void aSoundDatabaseTheCheckCannotOpenIsNotCalledDamaged() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        Path app = Files.createDirectories(tmp.resolve("app"));
        Path db = TestDb.create(app.resolve("app.db"), TestDb.Mode.WAL, 300, 100);
        Files.setPosixFilePermissions(app, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
        java.util.Map<String, String> env = plainLogs(storage, db);
        try {
            CliProcess.Result dry = dryRunFailingAsTheBackup(env);
            assertThat(dry.stderr()).contains("database " + db + ": ").contains("READONLY")
                    .doesNotContain("quick_check");
        } finally {
            Files.setPosixFilePermissions(app, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /** The application dies in the middle of a transaction: its rollback journal stays, hot. */
    private void crashMidTransaction(Path db) throws Exception {
        Process app = new ProcessBuilder("sqlite3", db.toString()).redirectErrorStream(true).start();
        // a tiny page cache spills changed pages into the database file, so the journal is synced first: hot
        app.getOutputStream().write("PRAGMA cache_size=2; BEGIN; UPDATE items SET payload = randomblob(100);\n"
                .getBytes());
        app.getOutputStream().flush();
        Path journal = db.resolveSibling(db.getFileName() + "-journal");
        // hot once synced: SQLite writes the journal's magic number at its first sync (before it changes the
        // database), zeros until then; a journal without it is no hot journal, only deleted (a fixed pause was a guess)
        for (int i = 0; i < 6000 && app.isAlive() && !startsWithJournalMagic(journal); i++) {
            Thread.sleep(10);
        }
        app.destroyForcibly().waitFor();
        assertThat(startsWithJournalMagic(journal)).as("a hot journal is left").isTrue();
    }

    private static boolean startsWithJournalMagic(Path journal) throws java.io.IOException {
        byte[] magic = {(byte) 0xd9, (byte) 0xd5, 0x05, (byte) 0xf9, 0x20, (byte) 0xa1, 0x63, (byte) 0xd7};
        try (var in = Files.newInputStream(journal)) {
            return java.util.Arrays.equals(in.readNBytes(magic.length), magic);
        } catch (java.nio.file.NoSuchFileException notYet) {
            return false;
        }
    }

    @Test
    void anUnreadableFileIsForetoldAsSkippedAsTheBackupSkipsIt() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        Files.writeString(storage.resolve("a.txt"), "a");
        Path secret = Files.writeString(storage.resolve("noread.txt"), "not for this user");
        Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("---------"));
        java.util.Map<String, String> env = java.util.Map.of("STORAGE_PATH", storage.toString(),
                "BACKUP_DIR", tmp.resolve("backups").toString(), "DATABASE_URL", "sqlite:///" + tmp.resolve("app.db"));
        CliProcess.Result dry = StorageFixtures.runWithoutPermissionBypass(tmp, env, "-dac_override,-dac_read_search",
                "backup", "storage", "--dry-run", "--json");
        assertThat(dry.exitCode()).as(dry.describe()).isZero();
        JsonNode preview = JSON.readTree(dry.stdout()).path("storage");
        assertThat(preview.path("files").asInt()).isEqualTo(1);
        assertThat(preview.path("skipped").toString()).contains("noread.txt").contains("permission denied");

        CliProcess.Result real = StorageFixtures.runWithoutPermissionBypass(tmp, env, "-dac_override,-dac_read_search",
                "backup", "storage", "--json");
        assertThat(real.exitCode()).as(real.describe()).isZero();
        JsonNode m = JSON.readTree(real.stdout());
        assertThat(m.path("file_count").asInt()).isEqualTo(preview.path("files").asInt());
        assertThat(m.path("skipped").toString()).contains("noread.txt").contains("permission denied");
    }

    private CliProcess cli(Path storage, Path backups) {
        return StorageFixtures.cli(tmp, storage, backups).env("BACKUP_STORAGE_EXCLUDE", StorageFixtures.EXCLUDES);
    }

    private static List<String> paths(JsonNode entries) {
        List<String> out = new ArrayList<>();
        entries.forEach(e -> out.add(e.path("path").asText()));
        return out;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(e -> out.add(e.asText()));
        return out;
    }

    /** The environment of a backup of {@code db} and {@code storage} into {@code tmp/backups}, with plain-text logs. */
    private java.util.Map<String, String> plainLogs(Path storage, Path db) {
        return java.util.Map.of("STORAGE_PATH", storage.toString(), "BACKUP_DIR", tmp.resolve("backups").toString(),
                "DATABASE_URL", "sqlite:///" + db, "JSON_LOGS", "false");
    }

    /**
     * Runs {@code backup database} and its {@code --dry-run} in {@code env} without root's permission bypass; both must
     * fail (exit 1). Returns the dry run's result.
     */
    private CliProcess.Result dryRunFailingAsTheBackup(java.util.Map<String, String> env) throws Exception {
        CliProcess.Result real = StorageFixtures.runWithoutPermissionBypass(tmp, env, "-dac_override",
                "backup", "database");
        assertThat(real.exitCode()).as(real.describe()).isEqualTo(1);
        CliProcess.Result dry = StorageFixtures.runWithoutPermissionBypass(tmp, env, "-dac_override",
                "backup", "database", "--dry-run");
        assertThat(dry.exitCode()).as(dry.describe()).isEqualTo(1);
        return dry;
    }
}
