package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.BackupService;
import dev.archivist.RestoreResult;
import dev.archivist.catalog.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 4 acceptance: round trips reproduce the data exactly (every row; every file's content, mode, mtime and symlink
 * target) for every codec, split and unsplit, into the live data and into {@code --target}; SEED-SPEC defect 1 (split
 * archives could not be verified or restored).
 */
class RoundTripTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}, split={1}")
    @CsvSource({"zstd,false", "zstd,true", "gz,false", "gz,true", "xz,false", "xz,true", "none,false", "none,true"})
    void storageAndDatabaseRoundTripExactlyIntoTargetAndLive(String codec, boolean split) throws Exception {
        Fixture f = new Fixture(dir).set("BACKUP_COMPRESSION", codec);
        if (split) {
            f.set("BACKUP_MAX_SIZE_MB", "1").set("BACKUP_CHUNK_SIZE_MB", "1");
        }
        f.database(1500).storage(codec.hashCode(), split ? 3_500_000 : 200_000);
        Map<String, String> tree = Fixture.tree(f.storage);
        List<String> rows = Fixture.rows(f.db);

        Fixture.Run b = f.cli("backup", "full", "--json", "--no-rotate");
        assertThat(b.exitCode()).as(b.describe()).isZero();
        BackupService service = f.service();
        Manifest storage = service.list(dev.archivist.BackupType.STORAGE).get(0);
        Manifest database = service.list(dev.archivist.BackupType.DATABASE).get(0);
        assertThat(storage.parts().size()).as("parts").isEqualTo(split ? 4 : 1);
        assertThat(storage.compression()).isEqualTo(codec);

        Fixture.Run v = f.cli("verify", "latest", "--type", "full");
        assertThat(v.exitCode()).as(v.describe()).isZero();

        // into new places
        Fixture.Run rs = f.cli("restore", "storage", storage.id(), "--target", dir.resolve("copy").toString());
        assertThat(rs.exitCode()).as(rs.describe()).isZero();
        assertThat(Fixture.tree(dir.resolve("copy"))).isEqualTo(tree);
        Fixture.Run rd = f.cli("restore", "database", database.id(), "--target", dir.resolve("copy.db").toString());
        assertThat(rd.exitCode()).as(rd.describe()).isZero();
        assertThat(Fixture.rows(dir.resolve("copy.db"))).isEqualTo(rows);

        // into the live data, after changing it
        Files.writeString(f.storage.resolve("documents/new.txt"), "added after the backup");
        Files.delete(f.storage.resolve("latest.txt"));
        try (var c = dev.archivist.testing.TestDb.open(f.db); var st = c.createStatement()) {
            st.execute("DELETE FROM items WHERE id % 3 = 0");
            st.execute("UPDATE items SET name = 'changed' WHERE id % 5 = 0");
        }
        Map<String, String> changed = Fixture.tree(f.storage);
        Fixture.Run full = f.cli("restore", "full", "latest", "--yes");
        assertThat(full.exitCode()).as(full.describe()).isZero();
        assertThat(Fixture.tree(f.storage)).isEqualTo(tree);
        assertThat(Fixture.rows(f.db)).isEqualTo(rows);
        Path aside = f.storage.resolveSibling("storage.before-restore-" + storage.id());
        assertThat(Fixture.tree(aside)).as("the old folder is kept aside").isEqualTo(changed);
        assertThat(service.list(dev.archivist.BackupType.DATABASE)).as("a pre_restore safety backup was taken")
                .anyMatch(Manifest::preRestore);
        assertThat(Fixture.names(dir)).noneMatch(n -> n.startsWith(".archivist-restore-"));
    }

    @Test
    void liveStorageRestoreSwapsAndKeepsTheOldFolderAndLiveDatabaseRestoreTakesASafetyBackup() throws Exception {
        Fixture f = new Fixture(dir).database(800).storage(7, 100_000);
        Map<String, String> tree = Fixture.tree(f.storage);
        List<String> rows = Fixture.rows(f.db);
        BackupService service = f.service();
        Manifest s = service.backupStorage(false, null);
        Manifest d = service.backupDatabase(false);

        Files.delete(f.storage.resolve("dangling"));
        Files.writeString(f.storage.resolve("photos/2025/extra.jpg"), "x");
        Map<String, String> changed = Fixture.tree(f.storage);
        RestoreResult r = service.restoreStorage(s.id(), null, List.of(), true);
        assertThat(Fixture.tree(f.storage)).isEqualTo(tree);
        assertThat(r.safetyCopy()).isEqualTo(f.storage.resolveSibling("storage.before-restore-" + s.id()).toString());
        assertThat(Fixture.tree(Path.of(r.safetyCopy()))).isEqualTo(changed);

        try (var c = dev.archivist.testing.TestDb.open(f.db); var st = c.createStatement()) {
            st.execute("DELETE FROM items WHERE id > 100");
        }
        List<String> before = Fixture.rows(f.db);
        RestoreResult rd = service.restoreDatabase(d.id(), null, true);
        assertThat(Fixture.rows(f.db)).isEqualTo(rows);
        assertThat(rd.safetyCopy()).isNotNull();
        Manifest pre = service.find(rd.safetyCopy(), null);
        assertThat(pre.preRestore()).isTrue();
        assertThat(service.list(null)).extracting(Manifest::id).contains(pre.id());
        // the safety backup holds the data as it was just before the restore
        Path back = dir.resolve("pre.db");
        service.restoreDatabase(pre.id(), back, true);
        assertThat(Fixture.rows(back)).isEqualTo(before);
    }

    @Test
    void pathGlobRestoresOnlyMatchingFilesIntoTarget() throws Exception {
        Fixture f = new Fixture(dir).storage(11, 50_000);
        Map<String, String> tree = Fixture.tree(f.storage);
        Manifest s = f.service().backupStorage(false, null);
        Path target = dir.resolve("some");
        Fixture.Run r = f.cli("restore", "storage", s.id(), "--target", target.toString(), "--path", "documents/**", "--path", "*.txt");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        Map<String, String> got = Fixture.tree(target);
        Map<String, String> files = new TreeMap<>();
        got.forEach((k, v) -> {
            if (!v.startsWith("dir ")) {
                files.put(k, v);
            }
        });
        Map<String, String> expected = new TreeMap<>();
        tree.forEach((k, v) -> {
            if (!v.startsWith("dir ") && (k.startsWith("documents/") || (!k.contains("/") && k.endsWith(".txt")))) {
                expected.put(k, v);
            }
        });
        assertThat(expected).isNotEmpty();
        assertThat(files).isEqualTo(expected);
        assertThat(got.keySet()).noneMatch(k -> k.startsWith("photos/2025/"));

        Fixture.Run live = f.cli("restore", "storage", s.id(), "--path", "documents/**", "--yes");
        assertThat(live.exitCode()).as("--path needs --target: " + live.describe()).isNotZero();
        assertThat(Fixture.tree(f.storage)).isEqualTo(tree);
    }

    @Test
    void targetIsNeverOverwritten() throws Exception {
        Fixture f = new Fixture(dir).database(10).storage(3, 0);
        BackupService service = f.service();
        Manifest s = service.backupStorage(false, null);
        Manifest d = service.backupDatabase(false);
        Path existingDir = Files.createDirectories(dir.resolve("exists"));
        Files.writeString(existingDir.resolve("keep"), "mine");
        Path existingFile = Files.writeString(dir.resolve("exists.db"), "mine");
        Fixture.Run a = f.cli("restore", "storage", s.id(), "--target", existingDir.toString());
        Fixture.Run b = f.cli("restore", "database", d.id(), "--target", existingFile.toString());
        assertThat(a.exitCode()).as(a.describe()).isEqualTo(1);
        assertThat(b.exitCode()).as(b.describe()).isEqualTo(1);
        assertThat(a.stderr()).contains("already exists");
        assertThat(Fixture.names(existingDir)).containsExactly("keep");
        assertThat(Files.readString(existingFile)).isEqualTo("mine");
    }

    @Test
    void archivesWithWholeSecondTarTimesGetTheIndexMillisecondsBack() throws Exception {
        Fixture f = new Fixture(dir).storage(1, 0);
        Manifest m = new ForgedBackup()
                .fileWithWholeSecondTarTime("a.txt", "alpha", 1_700_000_000_123L)
                .fileWithWholeSecondTarTime("b.txt", "beta", 1_700_000_005_000L)
                .writeTo(f.backups, dev.archivist.config.Compression.ZSTD, 1);
        Path target = dir.resolve("older");
        Fixture.Run r = f.cli("restore", "storage", m.id(), "--target", target.toString());
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(Files.readString(target.resolve("a.txt"))).isEqualTo("alpha");
        assertThat(Files.getLastModifiedTime(target.resolve("a.txt")).toMillis()).isEqualTo(1_700_000_000_123L);
        assertThat(Files.getLastModifiedTime(target.resolve("b.txt")).toMillis()).isEqualTo(1_700_000_005_000L);
    }
}
