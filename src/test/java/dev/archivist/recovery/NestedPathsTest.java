package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.archivist.archive.IndexReader;
import dev.archivist.catalog.Manifest;
import dev.archivist.testing.TestDb;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BACKUP_DIR or the database inside STORAGE_PATH: storage backups skip them (and say so) instead of archiving every
 * earlier backup into each new one, or a torn copy of the database; a restore into the live storage folder, whose swap
 * would move them aside with the old tree, is refused and changes nothing; a restore into a new folder works.
 */
class NestedPathsTest {
    @TempDir
    Path dir;

    @Test
    void backupsInsideTheStorageFolderAreNeverArchivedAndALiveRestoreIsRefused() throws Exception {
        Fixture f = new Fixture(dir).storage(3, 200_000);
        Map<String, String> appFiles = Fixture.tree(f.storage);
        Path nested = f.storage.resolve("backups");
        f.set("BACKUP_DIR", nested.toString());

        Manifest first = f.service().backupStorage(false, null);
        Manifest second = f.service().backupStorage(false, null);

        assertThat(indexPaths(nested, second)).isNotEmpty().noneMatch(p -> p.startsWith("backups"));
        assertThat(second.json().path("file_count").asLong()).isEqualTo(first.json().path("file_count").asLong());
        assertThat(second.json().path("bytes_read").asLong()).isEqualTo(first.json().path("bytes_read").asLong());
        assertThat(skipped(second)).containsEntry("backups", "Archivist's backup folder (BACKUP_DIR)");
        var third = f.process().env("LOG_LEVEL", "INFO").run("backup", "storage", "--no-rotate");
        assertThat(third.exitCode()).as(third.describe()).isZero();
        assertThat(third.stderr()).as("skipped by design: no warning").contains("written").doesNotContain("were not stored");

        Path copy = dir.resolve("copy");
        f.service().restoreStorage(second.id(), copy, List.of(), true);
        assertThat(Fixture.tree(copy)).isEqualTo(appFiles);

        Files.writeString(f.storage.resolve("after-backup.txt"), "must stay");
        Map<String, String> before = withoutBackups(Fixture.tree(f.storage));
        Fixture.Run r = f.cli("restore", "storage", second.id(), "--yes");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        assertThat(r.stderr()).contains("refused").contains("BACKUP_DIR " + nested).contains("--target");
        assertThat(withoutBackups(Fixture.tree(f.storage))).isEqualTo(before);
        assertThat(Files.isDirectory(nested.resolve("storage"))).isTrue();

        Fixture.Run config = f.cli("config");
        assertThat(config.exitCode()).as("a valid layout").isZero();
        assertThat(config.stderr()).as("said at start-up, not first at restore time")
                .contains("warning: BACKUP_DIR " + nested + " lies inside STORAGE_PATH").contains("will be refused");
        f.set("BACKUP_DIR", dir.resolve("outside").toString());
        assertThat(f.cli("config").stderr()).doesNotContain("lies inside");
    }

    @Test
    void theDatabaseInsideTheStorageFolderIsLeftToDatabaseBackups() throws Exception {
        Fixture f = new Fixture(dir).storage(4, 0);
        Path db = f.storage.resolve("data/app.db");
        Files.createDirectories(db.getParent());
        f.set("DATABASE_URL", db.toString());
        TestDb.create(db, TestDb.Mode.WAL, 200, 100);
        try (Connection open = TestDb.open(db); Statement st = open.createStatement()) {
            st.execute("PRAGMA wal_autocheckpoint = 0");
            st.execute("UPDATE items SET name = 'in the wal'"); // the application is running: -wal and -shm exist
            assertThat(db.resolveSibling("app.db-wal")).exists();

            Manifest full = f.service().backupFull(false, null);
            Manifest storage = f.service().find(full.json().path("storage").path("id").asText(), null);

            assertThat(indexPaths(f.backups, storage)).contains("data").noneMatch(p -> p.startsWith("data/app.db"));
            assertThat(skipped(storage)).containsKeys("data/app.db", "data/app.db-wal", "data/app.db-shm")
                    .allSatisfy((path, reason) -> assertThat(reason).contains("DATABASE_URL"));
            assertThat(full.json().path("database").path("id").asText()).startsWith("db_backup_");

            Fixture.Run r = f.cli("restore", "storage", storage.id(), "--yes");
            assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
            assertThat(r.stderr()).contains("the database " + db);
            assertThat(db).exists();
        }
    }

    @Test
    void aBackupFolderThatIsTheStorageFolderItselfIsFoundThroughSymlinksToo() throws Exception {
        Fixture f = new Fixture(dir).storage(5, 0);
        Map<String, String> appFiles = Fixture.tree(f.storage);
        Path link = Files.createSymbolicLink(dir.resolve("storage-link"), f.storage);
        f.set("STORAGE_PATH", link.toString()).set("BACKUP_DIR", f.storage.toString());

        f.service().backupStorage(false, null);
        Manifest second = f.service().backupStorage(false, null);

        assertThat(skipped(second)).containsKeys("database", "storage", "full", ".archivist");
        Path copy = dir.resolve("copy");
        f.service().restoreStorage(second.id(), copy, List.of(), true);
        assertThat(Fixture.tree(copy)).isEqualTo(appFiles);
    }

    private static List<String> indexPaths(Path backupDir, Manifest m) throws IOException {
        List<String> paths = new ArrayList<>();
        try (IndexReader r = new IndexReader(backupDir.resolve("storage").resolve(m.indexFile()))) {
            while (r.hasNext()) {
                paths.add(r.next().path());
            }
        }
        return paths;
    }

    private static Map<String, String> skipped(Manifest m) {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode s : m.json().path("skipped")) {
            out.put(s.path("path").asText(), s.path("reason").asText());
        }
        return out;
    }

    private static Map<String, String> withoutBackups(Map<String, String> tree) {
        Map<String, String> out = new TreeMap<>(tree);
        out.keySet().removeIf(p -> p.startsWith("backups"));
        return out;
    }
}
