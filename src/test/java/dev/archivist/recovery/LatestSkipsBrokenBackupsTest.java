package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.archivist.BackupType;
import dev.archivist.catalog.Json;
import dev.archivist.catalog.Manifest;
import dev.archivist.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code latest} is the newest backup that can be restored: a newer one with a part or an archive missing or of
 * another size than recorded, a full backup missing a component, a manifest that cannot be read, or a backup whose
 * last verify failed is passed over, each named in a WARN line with its reason. (It was taken, and the restore then
 * refused it: in a disaster, the operator typing {@code latest} got nothing.) An explicit id still refuses a broken
 * backup; when no backup is complete the error names the newest and why; damage only a deep check sees is still
 * refused before live data is touched; {@code verify latest} still checks the newest as it is.
 */
class LatestSkipsBrokenBackupsTest {
    @TempDir
    Path dir;

    @Test
    void restoreLsAndDumpOfLatestTakeTheNewestBackupThatCanBeRestored() throws Exception {
        Fixture f = new Fixture(dir).database(30).storage(3, 20_000);
        Manifest olderDb = f.service().backupDatabase(false);
        Manifest olderStorage = f.service().backupStorage(false, null);
        Files.writeString(f.storage.resolve("documents/newer.txt"), "only in the newer backup");
        Manifest newerDb = f.service().backupDatabase(false);
        Manifest newerStorage = f.service().backupStorage(false, null);
        Manifest unreadable = f.service().backupDatabase(false);
        truncate(f.backups.resolve("database").resolve(newerDb.parts().get(0).path()));
        Files.delete(f.backups.resolve("storage").resolve(newerStorage.parts().get(0).path()));
        Files.writeString(f.backups.resolve("database").resolve(unreadable.id() + ".json"), "{\"id\": ");

        CliProcess.Result db = f.process().run("restore", "database", "latest", "--target",
                dir.resolve("restored.db").toString(), "--json");
        assertThat(db.exitCode()).as(db.describe()).isZero();
        assertThat(Json.MAPPER.readTree(db.stdout()).get(0).path("backup_id").asText()).isEqualTo(olderDb.id());
        assertThat(warnings(db)).as(db.describe()).hasSize(2);
        assertThat(warnings(db).get(0)).contains(unreadable.id()).contains("manifest cannot be read");
        assertThat(warnings(db).get(1)).contains(newerDb.id()).contains("not of their recorded size")
                .contains(newerDb.parts().get(0).path()).contains("taking " + olderDb.id());
        assertThat(Fixture.rows(dir.resolve("restored.db"))).isEqualTo(Fixture.rows(f.db));

        CliProcess.Result storage = f.process().run("restore", "storage", "latest", "--target",
                dir.resolve("restored").toString());
        assertThat(storage.exitCode()).as(storage.describe()).isZero();
        assertThat(storage.stdout()).contains("restored " + olderStorage.id());
        assertThat(warnings(storage)).singleElement().asString().contains(newerStorage.id()).contains("files missing")
                .contains(newerStorage.parts().get(0).path());
        assertThat(dir.resolve("restored/documents/newer.txt")).doesNotExist();

        CliProcess.Result ls = f.process().run("ls", "latest");
        assertThat(ls.exitCode()).as(ls.describe()).isZero();
        assertThat(ls.stderr()).contains("files of " + olderStorage.id()).contains("passing over " + newerStorage.id());
        assertThat(ls.stdout()).doesNotContain("newer.txt");

        // a backup named by its id is taken as named, and refused when broken
        Fixture.Run byId = f.cli("restore", "database", newerDb.id(), "--target", dir.resolve("by-id.db").toString());
        assertThat(byId.exitCode()).as(byId.describe()).isEqualTo(1);
        assertThat(byId.stderr()).contains("restore of " + newerDb.id() + " refused");
        assertThat(dir.resolve("by-id.db")).doesNotExist();

        // verify latest checks the newest backup as it is: its failure is what verify is run to see
        Fixture.Run verify = f.cli("verify", "latest", "--type", "storage");
        assertThat(verify.exitCode()).as(verify.describe()).isEqualTo(1);
        assertThat(verify.stdout()).contains(newerStorage.id());
    }

    @Test
    void restoreFullLatestPassesOverAFullBackupWithoutItsComponentAndOneARestoreFoundDamaged() throws Exception {
        Fixture f = new Fixture(dir).database(30).storage(5, 20_000);
        Manifest older = f.service().backupFull(false, null);
        Manifest damaged = f.service().backupFull(false, null);
        Manifest incomplete = f.service().backupFull(false, null);
        String gone = incomplete.componentId(BackupType.STORAGE);
        Files.delete(f.backups.resolve("storage").resolve(gone + ".json"));
        Fixture.flipAByte(f.backups.resolve("database").resolve(
                f.service().find(damaged.componentId(BackupType.DATABASE), BackupType.DATABASE).parts().get(0).path()));
        List<String> liveRows = Fixture.rows(f.db);

        // damage only a deep check sees: latest takes it, and the restore refuses it before live data is touched
        CliProcess.Result refused = f.process().run("restore", "full", "latest", "--yes");
        assertThat(refused.exitCode()).as(refused.describe()).isEqualTo(1);
        assertThat(refused.stderr()).contains("restore of " + damaged.id() + " refused").contains("SHA-256")
                .contains("recorded as its last verify, so latest passes over it from now on");
        assertThat(warnings(refused)).singleElement().asString().contains(incomplete.id()).contains(gone);
        assertThat(Fixture.rows(f.db)).isEqualTo(liveRows);
        assertThat(f.service().list(BackupType.DATABASE)).noneMatch(Manifest::preRestore);

        // the refusal was recorded as its last verify: latest passes over it now
        Files.writeString(f.storage.resolve("documents/after.txt"), "written after the backups");
        CliProcess.Result restored = f.process().run("restore", "full", "latest", "--yes");
        assertThat(restored.exitCode()).as(restored.describe()).isZero();
        assertThat(restored.stdout()).contains("restored " + older.componentId(BackupType.DATABASE))
                .contains("restored " + older.componentId(BackupType.STORAGE));
        assertThat(warnings(restored)).hasSize(2);
        assertThat(warnings(restored).get(1)).contains(damaged.id()).contains("last verify found problems")
                .contains("taking " + older.id());
        assertThat(f.storage.resolve("documents/after.txt")).doesNotExist();
    }

    /**
     * Damage the cheap check cannot see refuses the database or storage restore of latest, and is recorded as the
     * backup's last verify: run again, the restore takes the newest backup that can be restored.
     */
    @Test
    void aBackupARestoreRefusedIsPassedOverTheNextTime() throws Exception {
        Fixture f = new Fixture(dir).database(30).storage(11, 20_000);
        Manifest olderDb = f.service().backupDatabase(false);
        Manifest olderStorage = f.service().backupStorage(false, null);
        Manifest newerDb = f.service().backupDatabase(false);
        Manifest newerStorage = f.service().backupStorage(false, null);
        Fixture.flipAByte(f.backups.resolve("database").resolve(newerDb.parts().get(0).path()));
        Fixture.flipAByte(f.backups.resolve("storage").resolve(newerStorage.parts().get(0).path()));

        refusedThenPassedOver(f, new String[] {"database", newerDb.id(), olderDb.id(), "t.db", "refused"},
                new String[] {"storage", newerStorage.id(), olderStorage.id(), "t", "refused"});
    }

    /**
     * As above for damage behind intact checksums, which only the restore's deep check finds (integrity_check of the
     * decompressed database, the extracted files against the per-file index): recorded as a failed deep verify, so
     * list shows it FAILED and the next restore of latest takes the newest one that can be restored. It was refused
     * again and again, never recorded.
     */
    @Test
    void aBackupOnlyTheRestoresDeepCheckFoundDamagedIsPassedOverTheNextTime() throws Exception {
        Fixture f = new Fixture(dir).database(3000).storage(13, 20_000);
        Manifest olderDb = f.service().backupDatabase(false);
        Manifest olderStorage = f.service().backupStorage(false, null);
        Manifest newerDb = f.service().backupDatabase(false);
        ForgedBackup.corruptPagesKeepingChecksums(f.backups, newerDb, dir.resolve("plain.db"));
        Manifest newerStorage = new ForgedBackup().file("a.txt", "ay").fileIndexedAs("b.txt", "archived", "indexed")
                .writeTo(f.backups, dev.archivist.config.Compression.ZSTD, 1);

        refusedThenPassedOver(f, new String[] {"database", newerDb.id(), olderDb.id(), "t.db", "integrity_check"},
                new String[] {"storage", newerStorage.id(), olderStorage.id(), "t", "differs from the index"});
    }

    /**
     * As above for compressed data that does not decompress behind intact checksums (xz's check finds it): the restore
     * failed with the decompressor's words alone ("restore database failed: Compressed data is corrupt"), not naming
     * the backup as damaged nor recording it, so every restore of latest took the same backup and failed again.
     */
    @Test
    void aBackupWhoseDataDoesNotDecompressIsRefusedAndPassedOverTheNextTime() throws Exception {
        Fixture f = new Fixture(dir).set("BACKUP_COMPRESSION", "xz").database(3000).storage(17, 200_000);
        Manifest olderDb = f.service().backupDatabase(false);
        Manifest olderStorage = f.service().backupStorage(false, null);
        Manifest newerDb = f.service().backupDatabase(false);
        Manifest newerStorage = f.service().backupStorage(false, null);
        ForgedBackup.damageKeepingChecksums(f.backups, newerDb);
        ForgedBackup.damageKeepingChecksums(f.backups, newerStorage);

        refusedThenPassedOver(f, new String[] {"database", newerDb.id(), olderDb.id(), "t.db", "does not decompress"},
                new String[] {"storage", newerStorage.id(), olderStorage.id(), "t", "does not decompress"});
    }

    /**
     * A zstd database backup changed inside its incompressible data (stored as zstd's raw literals, which decode
     * whatever they hold), its checksums recomputed: SQLite's own check cannot see a changed blob, so only zstd's
     * content checksum, written in every frame as the zstd tool writes it, tells. Before, such a backup was restored.
     */
    @Test
    void aZstdBackupChangedInsideItsBlobsIsRefusedByItsContentChecksum() throws Exception {
        Fixture f = new Fixture(dir).set("BACKUP_COMPRESSION", "zstd");
        dev.archivist.testing.TestDb.create(f.db, dev.archivist.testing.TestDb.Mode.WAL, 40, 100_000);
        Manifest older = f.service().backupDatabase(false);
        Manifest newer = f.service().backupDatabase(false);
        ForgedBackup.damageKeepingChecksums(f.backups, newer);

        refusedThenPassedOver(f, new String[] {"database", newer.id(), older.id(), "t.db", "doesn't match checksum"});
        Fixture.Run verify = f.cli("verify", newer.id());
        assertThat(verify.exitCode()).as(verify.describe()).isEqualTo(1);
        assertThat(verify.stdout()).contains("cannot decompress: zstd data damaged at about byte")
                .contains("Restored data doesn't match checksum");
    }

    /**
     * A manifest that cannot be read is named once by a restore of latest, which resolved latest before it took the
     * lock and again under it, and once by a backup, which lists the catalog again for its rotation: each logged the same
     * warning twice.
     */
    @Test
    void anUnreadableManifestIsNamedOncePerCommand() throws Exception {
        Fixture f = new Fixture(dir).database(30);
        Manifest older = f.service().backupDatabase(false);
        f.service().backupDatabase(false);
        Files.writeString(f.backups.resolve("database").resolve(older.id() + ".json"), "garbage");

        CliProcess.Result restore = f.process().run("restore", "database", "latest", "--yes");
        CliProcess.Result backup = f.process().run("backup", "database");

        for (CliProcess.Result r : List.of(restore, backup)) {
            assertThat(r.exitCode()).as(r.describe()).isZero();
            assertThat(r.stderr().lines().filter(l -> l.contains("unreadable manifest") && l.contains(older.id())))
                    .as(r.describe()).hasSize(1);
        }
    }

    @Test
    void whenNoBackupCanBeRestoredTheErrorNamesTheNewestAndWhy() throws Exception {
        Fixture f = new Fixture(dir).database(30);
        Manifest older = f.service().backupDatabase(false);
        Manifest newer = f.service().backupDatabase(false);
        Files.delete(f.backups.resolve("database").resolve(older.parts().get(0).path()));
        truncate(f.backups.resolve("database").resolve(newer.parts().get(0).path()));

        Fixture.Run r = f.cli("restore", "database", "latest", "--target", dir.resolve("t.db").toString(), "--json");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        JsonNode error = Json.MAPPER.readTree(r.stdout());
        assertThat(error.path("error").asText()).startsWith("no database backup can be restored: the newest, "
                + newer.id() + ": files not of their recorded size").contains("1 older one cannot be restored either");
        assertThat(dir.resolve("t.db")).doesNotExist();
    }

    /**
     * When the only backups are the safety copies restores took, latest (which never takes one) says so and names the
     * newest, the one that undoes the last restore: "no database backup found" read as an empty catalog.
     */
    @Test
    void whenOnlySafetyCopiesAreLeftLatestNamesTheNewestOfThem() throws Exception {
        Fixture f = new Fixture(dir).database(30);
        Manifest taken = f.service().backupDatabase(false);
        Fixture.Run restore = f.cli("restore", "database", taken.id(), "--yes");
        assertThat(restore.exitCode()).as(restore.describe()).isZero();
        Manifest safetyCopy = f.service().list(BackupType.DATABASE).get(0);
        assertThat(safetyCopy.preRestore()).isTrue();
        Files.delete(f.backups.resolve("database").resolve(taken.id() + ".json"));

        for (String[] args : List.of(new String[] {"restore", "database", "latest", "--yes"},
                new String[] {"verify", "latest", "--type", "database"})) {
            Fixture.Run r = f.cli(args);
            assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
            assertThat(r.stderr()).contains("no database backup found").contains("pre_restore safety copies")
                    .contains("the newest is " + safetyCopy.id());
        }
    }

    /** The WARN lines naming a backup {@code latest} passed over, in order. */
    private static List<String> warnings(CliProcess.Result r) {
        return r.stderr().lines().filter(l -> l.contains("WARN") && l.contains("passing over")).toList();
    }

    /** Cuts {@code file} to half its size, as a full disk or an interrupted copy leaves it. */
    private static void truncate(Path file) throws Exception {
        try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() / 2);
        }
    }

    /**
     * For each case {type, damaged id, older id, target name, words of the refusal}: a restore of latest refuses the
     * damaged backup and records it (list shows it FAILED), and the next one restores the older backup.
     */
    private void refusedThenPassedOver(Fixture f, String[]... cases) {
        for (String[] c : cases) {
            String target = dir.resolve(c[3]).toString();
            Fixture.Run refused = f.cli("restore", c[0], "latest", "--target", target);
            assertThat(refused.exitCode()).as(refused.describe()).isEqualTo(1);
            assertThat(refused.stderr()).contains("restore of " + c[1] + " refused").contains(c[4])
                    .contains("latest passes over it from now on");
            assertThat(dir.resolve(c[3])).doesNotExist();
            assertThat(f.cli("list").stdout().lines().filter(l -> l.startsWith(c[1]))).singleElement().asString()
                    .contains("FAILED");
            Fixture.Run again = f.cli("restore", c[0], "latest", "--target", target);
            assertThat(again.exitCode()).as(again.describe()).isZero();
            assertThat(again.stdout()).contains("restored " + c[2]);
        }
    }
}
