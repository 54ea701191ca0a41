package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.archivist.BackupService;
import dev.archivist.BackupType;
import dev.archivist.RestoreResult;
import dev.archivist.catalog.Json;
import dev.archivist.catalog.Manifest;
import dev.archivist.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rotation executor on real backups (the planner itself has table tests in {@code retention}): SEED-SPEC defect 7
 * (MAX_BACKUPS from the environment ignored; components of kept full backups deleted) and defect 1 (parts counted as
 * backups, parts of the only backup deleted).
 */
class RotationExecutorTest {
    @TempDir
    Path dir;

    private static List<String> ids(List<Manifest> ms) {
        return ms.stream().map(Manifest::id).toList();
    }

    /** Every file of a backup (manifest, parts, index) exists, or none does. */
    private static void assertFiles(Fixture f, Manifest m, boolean present) {
        Path d = f.backups.resolve(m.type().folder());
        List<String> files = new ArrayList<>(m.ownedFiles());
        files.add(m.id() + ".json");
        for (String name : files) {
            assertThat(Files.exists(d.resolve(name))).as(m.id() + " " + name).isEqualTo(present);
        }
    }

    @Test
    void maxBackupsFromTheEnvironmentIsHonoured() throws Exception {
        Fixture f = new Fixture(dir).database(20);
        BackupService s = f.service();
        for (int i = 0; i < 4; i++) {
            s.backupDatabase(false);
        }
        List<Manifest> all = s.list(BackupType.DATABASE);
        // a .env saying otherwise loses against the environment
        Files.writeString(dir.resolve(".env"), "MAX_BACKUPS=3\n");
        CliProcess.Result r = f.process().env("MAX_BACKUPS", "2").run("rotate");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(ids(s.list(BackupType.DATABASE))).containsExactlyElementsOf(ids(all.subList(0, 2)));
        assertFiles(f, all.get(2), false);
        assertFiles(f, all.get(3), false);
        assertThat(r.stdout()).contains("over MAX_BACKUPS=2");
    }

    /** A keep count of 0 turns its rule off, as restic's {@code --keep-daily 0}: with no other, MAX_BACKUPS applies. */
    @Test
    void aKeepCountOfZeroIsARuleLeftOut() throws Exception {
        Fixture f = new Fixture(dir).database(20);
        BackupService s = f.service();
        for (int i = 0; i < 4; i++) {
            s.backupDatabase(false);
        }
        List<Manifest> all = s.list(BackupType.DATABASE);
        Fixture.Run off = f.set("MAX_BACKUPS", "3").set("BACKUP_KEEP_DAILY", "0").set("BACKUP_KEEP_HOURLY", "0").cli("rotate");
        assertThat(off.exitCode()).as(off.describe()).isZero();
        assertThat(off.stdout()).contains("over MAX_BACKUPS=3");
        assertThat(ids(s.list(BackupType.DATABASE))).containsExactlyElementsOf(ids(all.subList(0, 3)));

        Fixture.Run last = f.set("BACKUP_KEEP_LAST", "2").cli("rotate");
        assertThat(last.exitCode()).as(last.describe()).isZero();
        assertThat(ids(s.list(BackupType.DATABASE))).containsExactlyElementsOf(ids(all.subList(0, 2)));
    }

    /** A backup whose file was deleted by hand takes no place in MAX_BACKUPS: the intact ones are not pushed out. */
    @Test
    void rotateCreatesNoMissingBackupDirAndSaysWhenMaxBackupsIsOverridden() throws Exception {
        Fixture f = new Fixture(dir).database(20);
        Fixture.Run missing = f.cli("rotate");
        assertThat(missing.exitCode()).as(missing.describe()).isZero();
        assertThat(missing.stderr()).contains("BACKUP_DIR " + f.backups + " does not exist: nothing to rotate");
        assertThat(f.backups).as("a typo or an unmounted volume gets no skeleton").doesNotExist();

        for (int i = 0; i < 3; i++) {
            f.service().backupDatabase(false);
        }
        Fixture.Run flag = f.set("BACKUP_KEEP_LAST", "3").cli("rotate", "--max-backups", "1");
        assertThat(flag.exitCode()).as(flag.describe()).isZero();
        assertThat(flag.stderr()).contains("--max-backups has no effect");
        assertThat(f.service().list(BackupType.DATABASE)).hasSize(3);
        Fixture.Run plain = f.cli("rotate");
        assertThat(plain.stderr()).doesNotContain("--max-backups").doesNotContain("does not exist");
    }

    @Test
    void aBrokenNewestBackupDoesNotPushOutTheLastIntactOne() throws Exception {
        Fixture f = new Fixture(dir).set("MAX_BACKUPS", "1").database(20);
        BackupService s = f.service();
        Manifest oldest = s.backupDatabase(false);
        Manifest intact = s.backupDatabase(false);
        Manifest broken = s.backupDatabase(false);
        for (String name : broken.ownedFiles()) {
            Files.delete(f.backups.resolve("database").resolve(name));
        }

        Fixture.Run r = f.cli("rotate");

        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(ids(s.list(BackupType.DATABASE))).containsExactly(broken.id(), intact.id());
        assertFiles(f, oldest, false);
        assertFiles(f, intact, true);
        Fixture.Run restore = f.cli("restore", "database", intact.id(), "--target", dir.resolve("out.db").toString(), "--yes");
        assertThat(restore.exitCode()).as(restore.describe()).isZero();
    }

    @Test
    void splitPartsAreNeverCountedAsBackupsAndGoTogether() throws Exception {
        Fixture f = new Fixture(dir).set("BACKUP_MAX_SIZE_MB", "1").set("BACKUP_CHUNK_SIZE_MB", "1").set("MAX_BACKUPS", "2")
                .storage(3, 3_300_000);
        BackupService s = f.service();
        Manifest first = s.backupStorage(false, null);
        Manifest second = s.backupStorage(false, null);
        assertThat(first.parts()).hasSizeGreaterThanOrEqualTo(4);
        s.rotate(false);
        assertFiles(f, first, true);
        assertFiles(f, second, true);
        Manifest third = s.backupStorage(true, null); // rotates afterwards
        assertFiles(f, first, false);
        assertFiles(f, second, true);
        assertFiles(f, third, true);
        try (var files = Files.list(f.backups.resolve("storage"))) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(first.id()));
        }
        // MAX_BACKUPS=1 never deletes parts of the only backup
        f.set("MAX_BACKUPS", "1");
        f.service().rotate(false);
        assertFiles(f, third, true);
        Fixture.Run v = f.cli("verify", third.id());
        assertThat(v.exitCode()).as(v.describe()).isZero();
    }

    @Test
    void componentsOfKeptFullsStayAndComponentsOfRemovedFullsGo() throws Exception {
        Fixture f = new Fixture(dir).set("MAX_BACKUPS", "1").database(50).storage(9, 10_000);
        BackupService s = f.service();
        Manifest oldFull = s.backupFull(false, null);
        Manifest keptFull = s.backupFull(false, null);
        Manifest oldDb = component(s, oldFull, BackupType.DATABASE);
        Manifest oldStorage = component(s, oldFull, BackupType.STORAGE);
        Manifest keptDb = component(s, keptFull, BackupType.DATABASE);
        Manifest keptStorage = component(s, keptFull, BackupType.STORAGE);
        Manifest newerDb = s.backupDatabase(false);
        Manifest newerStorage = s.backupStorage(false, null);

        s.rotate(false);
        assertFiles(f, keptFull, true);
        assertFiles(f, keptDb, true);
        assertFiles(f, keptStorage, true);
        assertFiles(f, newerDb, true);
        assertFiles(f, newerStorage, true);
        assertFiles(f, oldFull, false);
        assertFiles(f, oldDb, false);
        assertFiles(f, oldStorage, false);
        Fixture.Run v = f.cli("verify", keptFull.id());
        assertThat(v.exitCode()).as("the kept full backup is complete: " + v.describe()).isZero();
        assertThat(f.cli("list").stdout()).doesNotContain("BROKEN");
    }

    private static Manifest component(BackupService s, Manifest full, BackupType t) {
        return s.find(full.component(t).path("id").asText(), t);
    }

    @Test
    void newestVerifiedAndNewestPreRestoreSurvive() throws Exception {
        Fixture f = new Fixture(dir).set("MAX_BACKUPS", "1").database(30);
        BackupService s = f.service();
        Manifest verified = s.backupDatabase(false);
        assertThat(f.cli("verify", verified.id()).exitCode()).isZero();
        Manifest other = s.backupDatabase(false);
        RestoreResult r = s.restoreDatabase(other.id(), null, true);
        Manifest preRestore = s.find(r.safetyCopy(), BackupType.DATABASE);
        Manifest newest = s.backupDatabase(false);
        Manifest newest2 = s.backupDatabase(false);

        Fixture.Run dry = f.cli("rotate", "--dry-run", "--json");
        JsonNode plan = Json.MAPPER.readTree(dry.stdout());
        assertThat(reasons(plan, verified.id())).contains("newest verified");
        assertThat(reasons(plan, preRestore.id())).contains("newest pre_restore");

        s.rotate(false);
        assertThat(ids(s.list(BackupType.DATABASE))).containsExactlyInAnyOrder(newest2.id(), verified.id(), preRestore.id());
        assertFiles(f, other, false);
        assertFiles(f, newest, false);
    }

    /**
     * A full backup whose database part failed its own verify ({@code verify latest --type database} picks a full's
     * part) cannot be restored: it does not push out the older full that can (it was kept as "newest 1").
     */
    @Test
    void aFullWhosePartFailedVerifyDoesNotPushOutAGoodFull() throws Exception {
        Fixture f = new Fixture(dir).set("MAX_BACKUPS", "1").database(30).storage(3, 2_000);
        BackupService s = f.service();
        Manifest good = s.backupFull(false, null);
        Manifest bad = s.backupFull(false, null);
        Manifest badDb = component(s, bad, BackupType.DATABASE);
        Fixture.flipAByte(f.backups.resolve("database").resolve(badDb.parts().get(0).path()));
        Fixture.Run v = f.cli("verify", "latest", "--type", "database");
        assertThat(v.exitCode()).as(v.describe()).isEqualTo(1);

        Fixture.Run r = f.cli("rotate");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertFiles(f, good, true);
        Fixture.Run restore = f.cli("restore", "full", good.id(), "--yes");
        assertThat(restore.exitCode()).as("the good full can still be restored: %s", restore.describe()).isZero();
    }

    /** A damaged newest pre_restore copy does not push out an older one that can be restored. */
    @Test
    void aDamagedNewestPreRestoreCopyDoesNotPushOutTheUsableOne() throws Exception {
        Fixture f = new Fixture(dir).database(30);
        BackupService s = f.service();
        Manifest a = s.backupDatabase(false);
        Manifest usable = s.find(s.restoreDatabase(a.id(), null, true).safetyCopy(), BackupType.DATABASE);
        Manifest damaged = s.find(s.restoreDatabase(a.id(), null, true).safetyCopy(), BackupType.DATABASE);
        for (String name : damaged.ownedFiles()) {
            Files.delete(f.backups.resolve("database").resolve(name));
        }
        s.backupDatabase(false);
        // eight days later: neither copy is within the week every safety copy is kept
        BackupService later = new BackupService(f.settings(),
                java.time.Clock.offset(java.time.Clock.systemUTC(), java.time.Duration.ofDays(8)), n -> { });
        later.rotate(false);
        assertFiles(f, usable, true);
        Fixture.Run restore = f.cli("restore", "database", usable.id(), "--target", dir.resolve("back.db").toString());
        assertThat(restore.exitCode()).as(restore.describe()).isZero();
    }

    /**
     * A storage backup this very rotation removes does not stand for the data a restore moved aside: with two folders in
     * one catalog and MAX_BACKUPS=1, the folder of A went because of A's backup that the same run removed.
     */
    @Test
    void aBackupTheSameRotationRemovesDoesNotReplaceABeforeRestoreFolder() throws Exception {
        Fixture f = new Fixture(dir).storage(4, 1000);
        BackupService s = f.service();
        Manifest b = s.backupStorage(false, null);
        Path aside = Path.of(s.restoreStorage(b.id(), null, List.of(), true).safetyCopy());
        s.backupStorage(false, null); // A's newer backup, which the rotation below removes
        Path other = Files.createDirectories(dir.resolve("other-storage"));
        Files.writeString(other.resolve("x.txt"), "another application's folder in the same catalog");
        CliProcess.Result ofOther = f.process().env("STORAGE_PATH", other.toString()).run("backup", "storage", "--no-rotate");
        assertThat(ofOther.exitCode()).as(ofOther.describe()).isZero();

        Fixture.Run r = f.set("MAX_BACKUPS", "1").cli("rotate");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.stdout()).as(r.describe()).contains("remove");
        assertThat(aside).as("A's only copy from before the restore stays").isDirectory();
    }

    /** A removed backup takes along every file that carries its id, not only those its manifest lists. */
    @Test
    void aRemovedBackupTakesAlongStrayFilesWithItsId() throws Exception {
        Fixture f = new Fixture(dir).set("MAX_BACKUPS", "1").storage(3, 2_000);
        BackupService s = f.service();
        Manifest old = s.backupStorage(false, null);
        Path folder = f.backups.resolve("storage");
        Files.writeString(folder.resolve(old.id() + ".tar.zst.part009"), "an extra part verify reported");
        Files.writeString(folder.resolve(".tmp-" + old.id() + ".index.jsonl.zst"), "a temporary file");
        Path operatorsCopy = Files.writeString(folder.resolve(old.id() + ".json.bak"), "an operator's copy");
        Manifest kept = s.backupStorage(false, null);
        s.rotate(false);
        try (var files = Files.list(folder)) {
            assertThat(files.map(p -> p.getFileName().toString())).filteredOn(n -> n.contains(old.id()))
                    .as("only a name Archivist does not write stays").containsExactly(operatorsCopy.getFileName().toString());
        }
        assertFiles(f, kept, true);
        assertThat(f.cli("backup", "database", "--dry-run").stderr()).doesNotContain("without a manifest");
    }

    /** Damages a stored file as a bad disk would: one bit in its middle. */
    private static String reasons(JsonNode plan, String id) {
        for (JsonNode d : plan.path("decisions")) {
            if (d.path("id").asText().equals(id)) {
                return d.path("action").asText() + ": " + d.path("reasons").toString();
            }
        }
        return "not listed";
    }

    @Test
    void beforeRestoreFoldersGoOnceANewerStorageBackupExists() throws Exception {
        Fixture f = new Fixture(dir).storage(4, 1000);
        BackupService s = f.service();
        Manifest b = s.backupStorage(false, null);
        RestoreResult r = s.restoreStorage(b.id(), null, List.of(), true);
        Path aside = Path.of(r.safetyCopy());
        assertThat(aside).isDirectory();
        s.rotate(false);
        assertThat(aside).as("no newer storage backup yet").isDirectory();
        Path other = Files.createDirectories(dir.resolve("other-storage"));
        Files.writeString(other.resolve("x.txt"), "another application's folder in the same catalog");
        CliProcess.Result ofOther = f.process().env("STORAGE_PATH", other.toString()).run("backup", "storage", "--no-rotate");
        assertThat(ofOther.exitCode()).as(ofOther.describe()).isZero();
        s.rotate(false);
        assertThat(aside).as("a backup of another folder holds nothing of this one").isDirectory();
        // a newer backup that cannot be restored (its index gone, or its verify failed) does not replace the folder
        Manifest broken = s.backupStorage(false, null);
        Files.delete(f.backups.resolve("storage").resolve(broken.indexFile()));
        s.rotate(false);
        assertThat(aside).as("the only copy of the data before the restore stays").isDirectory();
        Manifest failed = s.backupStorage(false, null);
        Fixture.flipAByte(f.backups.resolve("storage").resolve(failed.parts().get(0).path()));
        assertThat(f.cli("verify", failed.id()).exitCode()).isEqualTo(1);
        s.rotate(false);
        assertThat(aside).as("a backup whose verify failed replaces nothing").isDirectory();
        s.backupStorage(false, null);
        Fixture.Run dry = f.cli("rotate", "--dry-run", "--json");
        assertThat(Json.MAPPER.readTree(dry.stdout()).path("removed_folders").toString()).contains(aside.getFileName().toString());
        assertThat(aside).as("dry run removes nothing").isDirectory();
        Fixture.Run real = f.cli("rotate");
        assertThat(real.exitCode()).as(real.describe()).isZero();
        assertThat(aside).doesNotExist();
    }

    @Test
    void theBackupAfterARestoreRemovesTheFolderMovedAsideWhenItRotates() throws Exception {
        Fixture f = new Fixture(dir).storage(3, 500);
        assertThat(f.cli("backup", "storage").exitCode()).isZero();
        Fixture.Run restored = f.cli("restore", "storage", "latest", "--yes");
        assertThat(restored.exitCode()).as(restored.describe()).isZero();
        Path parent = f.storage.getParent();
        String prefix = f.storage.getFileName() + ".before-restore-";
        assertThat(beforeRestoreFolders(parent, prefix)).hasSize(1);
        Fixture.Run withoutRotation = f.cli("backup", "storage", "--no-rotate");
        assertThat(withoutRotation.exitCode()).as(withoutRotation.describe()).isZero();
        assertThat(beforeRestoreFolders(parent, prefix)).as("--no-rotate removes nothing").hasSize(1);
        Fixture.Run backup = f.cli("backup", "storage");
        assertThat(backup.exitCode()).as(backup.describe()).isZero();
        assertThat(beforeRestoreFolders(parent, prefix)).as("a newer successful storage backup exists").isEmpty();
    }

    /**
     * A folder a restore moved aside whose record in {@code .archivist/before-restore/} is gone ({@code .archivist}
     * removed) or damaged is kept, since nothing says when it was moved aside, and named with the mend at each rotation:
     * it was kept for good without a word, where README promises its removal once a newer storage backup exists.
     */
    @Test
    void aFolderMovedAsideWhoseRecordIsLostIsKeptAndNamed() throws Exception {
        Fixture f = new Fixture(dir).storage(3, 500);
        assertThat(f.cli("backup", "storage").exitCode()).isZero();
        Fixture.Run restored = f.cli("restore", "storage", "latest", "--yes");
        assertThat(restored.exitCode()).as(restored.describe()).isZero();
        List<Path> aside = beforeRestoreFolders(f.storage.getParent(), f.storage.getFileName() + ".before-restore-");
        assertThat(aside).hasSize(1);
        Path record = f.backups.resolve(".archivist/before-restore").resolve(aside.get(0).getFileName() + ".json");
        Files.writeString(record, "{\"path\": ");
        assertThat(f.cli("backup", "storage", "--no-rotate").exitCode()).isZero();

        CliProcess.Result rotate = f.process().run("rotate");
        assertThat(rotate.exitCode()).as(rotate.describe()).isZero();
        assertThat(aside.get(0)).isDirectory();
        assertThat(rotate.stderr()).contains("kept " + aside.get(0) + ": when a restore moved it aside is not known (its"
                + " record " + record + " is missing or cannot be read)").contains("remove it by hand");
    }

    /**
     * After a clock that was ahead, the backups it dated stay in the future (ids only increase): the folder a restore
     * moves aside now is not older than them, and goes only with a storage backup taken after the restore.
     */
    @Test
    void aFutureDatedBackupDoesNotRemoveTheFolderARestoreMovesAsideNow() throws Exception {
        Fixture f = new Fixture(dir).storage(3, 500);
        BackupService s = f.service();
        BackupService aheadClock = new BackupService(f.settings(),
                java.time.Clock.offset(java.time.Clock.systemUTC(), java.time.Duration.ofDays(2)), n -> { });
        Manifest future = aheadClock.backupStorage(false, null);
        RestoreResult r = s.restoreStorage(future.id(), null, List.of(), true);
        Path aside = Path.of(r.safetyCopy());
        assertThat(aside).isDirectory();
        s.rotate(false);
        assertThat(aside).as("no storage backup was taken since the restore").isDirectory();
        Manifest after = s.backupStorage(false, null);
        assertThat(after.createdAt()).isAfter(future.createdAt());
        s.rotate(false);
        assertThat(aside).as("the backup taken after the restore replaces it").doesNotExist();
    }

    private static List<Path> beforeRestoreFolders(Path parent, String prefix) throws java.io.IOException {
        try (java.util.stream.Stream<Path> s = Files.list(parent)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
        }
    }

    @Test
    void dryRunListsEveryBackupWithReasonsAndDeletesNothing() throws Exception {
        Fixture f = new Fixture(dir).set("MAX_BACKUPS", "1").database(20).storage(2, 1000);
        BackupService s = f.service();
        s.backupFull(false, null);
        s.backupDatabase(false);
        s.backupDatabase(false);
        s.backupStorage(false, null);
        Files.writeString(f.backups.resolve("database/.tmp-db_backup_20260101T000000.000Z.snapshot.db"), "partial");
        Map<String, String> before = f.backupFiles();
        Fixture.Run dry = f.cli("rotate", "--dry-run", "--json");
        assertThat(dry.exitCode()).as(dry.describe()).isZero();
        assertThat(f.backupFiles()).as("--dry-run deletes nothing").isEqualTo(before);
        JsonNode plan = Json.MAPPER.readTree(dry.stdout());
        assertThat(plan.path("dry_run").asBoolean()).isTrue();
        List<String> listed = new ArrayList<>();
        for (JsonNode d : plan.path("decisions")) {
            listed.add(d.path("id").asText());
            assertThat(d.path("action").asText()).isIn("keep", "remove");
            assertThat(d.path("reasons")).as(d.toString()).isNotEmpty();
        }
        assertThat(listed).containsExactlyInAnyOrderElementsOf(ids(s.list(null)));
        List<String> wouldGo = new ArrayList<>();
        plan.path("decisions").forEach(d -> {
            if (d.path("action").asText().equals("remove")) {
                wouldGo.add(d.path("id").asText());
            }
        });
        List<String> removedOnDryRun = new ArrayList<>();
        plan.path("removed").forEach(r -> removedOnDryRun.add(r.asText()));
        assertThat(removedOnDryRun).as("on a dry run, what would be removed").isNotEmpty()
                .containsExactlyInAnyOrderElementsOf(wouldGo);
        assertThat(plan.path("decisions").toString()).contains("over MAX_BACKUPS=1").contains("referenced by full");
        Fixture.Run text = f.cli("rotate", "--dry-run");
        assertThat(text.stdout()).contains("dry run:").contains("remove").contains("keep");

        Fixture.Run real = f.cli("rotate", "--json");
        assertThat(real.exitCode()).as(real.describe()).isZero();
        assertThat(Files.exists(f.backups.resolve("database/.tmp-db_backup_20260101T000000.000Z.snapshot.db"))).as("incomplete leftovers removed").isFalse();
        assertThat(Json.MAPPER.readTree(real.stdout()).path("removed")).isNotEmpty();
    }

    /**
     * BACKUP_KEEP_WITHIN measures back from the newest backup as restic does (Go's AddDate): 1 month before 31 March
     * 2024 is "31 February" = 2 March, so the backup of 1 March goes, as {@code restic forget --keep-within 1m} removes
     * it (checked with restic 0.14); it used to be kept, counting back to 29 February.
     */
    @Test
    void keepWithinMonthsEndWhereResticsDo() throws Exception {
        Fixture f = new Fixture(dir).set("BACKUP_KEEP_WITHIN", "1m").set("BACKUP_TIMEZONE", "UTC").database(20);
        List<Manifest> taken = new ArrayList<>();
        for (String at : List.of("2024-03-01T12:00:00Z", "2024-03-02T12:00:01Z", "2024-03-31T12:00:00Z")) {
            BackupService s = new BackupService(f.settings(), Clock.fixed(Instant.parse(at), ZoneOffset.UTC), n -> { });
            taken.add(s.backupDatabase(false));
        }

        Fixture.Run dry = f.cli("rotate", "--dry-run", "--json");

        assertThat(dry.exitCode()).as(dry.describe()).isZero();
        JsonNode plan = Json.MAPPER.readTree(dry.stdout());
        Map<String, String> actions = new java.util.HashMap<>();
        plan.path("decisions").forEach(d -> actions.put(d.path("id").asText(), d.path("action").asText()));
        assertThat(actions).containsExactlyInAnyOrderEntriesOf(Map.of(
                taken.get(0).id(), "remove", taken.get(1).id(), "keep", taken.get(2).id(), "keep"));
        assertThat(plan.path("decisions").toString()).contains("within 1m");

        Fixture.Run real = f.cli("rotate");

        assertThat(real.exitCode()).as(real.describe()).isZero();
        assertThat(ids(f.service().list(BackupType.DATABASE))).containsExactly(taken.get(2).id(), taken.get(1).id());
        assertFiles(f, taken.get(0), false);
        assertFiles(f, taken.get(1), true);
    }

    @Test
    void backupRotatesAfterwardsUnlessNoRotate() throws Exception {
        Fixture f = new Fixture(dir).set("MAX_BACKUPS", "2").database(20);
        for (int i = 0; i < 3; i++) {
            Fixture.Run r = f.cli("backup", "database", "--no-rotate");
            assertThat(r.exitCode()).as(r.describe()).isZero();
        }
        assertThat(f.service().list(BackupType.DATABASE)).hasSize(3);
        Fixture.Run r = f.cli("backup", "database");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(f.service().list(BackupType.DATABASE)).hasSize(2);
    }

    /**
     * A full manifest that cannot be read still protects the backups it names: they are what it needs once mended.
     * (Rotation left the manifest alone but removed its components like any other old backup.)
     */
    @Test
    void theComponentsOfAnUnreadableFullManifestAreKept() throws Exception {
        Fixture f = new Fixture(dir).set("MAX_BACKUPS", "1").database(10).storage(4, 1000);
        BackupService s = f.service();
        Manifest full = s.backupFull(false, null);
        Manifest db = s.find(full.component(BackupType.DATABASE).path("id").asText(), BackupType.DATABASE);
        Manifest storage = s.find(full.component(BackupType.STORAGE).path("id").asText(), BackupType.STORAGE);
        s.backupDatabase(false);
        s.backupStorage(false, null);
        Path fullFile = f.backups.resolve("full").resolve(full.id() + ".json");
        String text = Files.readString(fullFile);
        Files.writeString(fullFile, text.substring(0, text.length() - 20)); // cut short: not JSON any more

        Fixture.Run r = f.cli("rotate");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertFiles(f, db, true);
        assertFiles(f, storage, true);
        assertThat(fullFile).exists();
        assertThat(f.cli("rotate", "--dry-run").stdout()).contains("named by the full manifest that cannot be read");
        // mended, it is a full backup again, and ordinary rotation applies to its components
        Files.writeString(fullFile, text);
        assertThat(f.cli("verify", full.id()).exitCode()).isZero();
    }

    /**
     * A manifest edited after it was written (its own checksum no longer matches) is not trusted, as one that cannot be
     * read: left alone, and a full one protects every backup its text names. (Rotation followed an edited full's
     * component id, kept the backup it now named and removed its real component.)
     */
    @Test
    void anEditedManifestIsLeftAloneAndAnEditedFullProtectsWhatItsTextNames() throws Exception {
        Fixture f = new Fixture(dir).set("MAX_BACKUPS", "1").database(10).storage(4, 1000);
        BackupService s = f.service();
        Manifest full = s.backupFull(false, null);
        Manifest storage = s.find(full.component(BackupType.STORAGE).path("id").asText(), BackupType.STORAGE);
        Manifest other = s.backupStorage(false, null);
        Manifest edited = s.backupStorage(false, null);
        s.backupStorage(false, null);
        Path fullFile = f.backups.resolve("full").resolve(full.id() + ".json");
        Files.writeString(fullFile, Files.readString(fullFile).replaceFirst(
                "\"id\" : \"" + storage.id() + "\"", "\"id\" : \"" + other.id() + "\""));
        Path editedFile = f.backups.resolve("storage").resolve(edited.id() + ".json");
        Files.writeString(editedFile, Files.readString(editedFile).replaceFirst("\"file_count\" : 4", "\"file_count\" : 5"));
        assertThat(Files.readString(fullFile)).contains(other.id());
        assertThat(Files.readString(editedFile)).contains("\"file_count\" : 5");

        Fixture.Run r = f.cli("rotate");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertFiles(f, storage, true); // the full's real component, still named in its backup_path
        assertFiles(f, other, true);
        assertFiles(f, edited, true);
        assertThat(fullFile).exists();
        assertThat(r.stdout()).contains("leave   full/" + full.id() + ".json (manifest cannot be read or was edited")
                .contains("leave   storage/" + edited.id() + ".json");
    }

    /**
     * A full backup one of whose parts has an edited manifest is left alone with its other part: it used to be removed
     * as one whose part is missing, its intact storage part with it, once older than the kept full backups.
     */
    @Test
    void aFullWhosePartsManifestWasEditedIsLeftAloneWithItsOtherPart() throws Exception {
        Fixture f = new Fixture(dir).set("MAX_BACKUPS", "1").database(10).storage(4, 1000);
        BackupService s = f.service();
        Manifest old = s.backupFull(false, null);
        Manifest oldDb = component(s, old, BackupType.DATABASE);
        Manifest oldStorage = component(s, old, BackupType.STORAGE);
        s.backupFull(false, null);
        s.backupFull(false, null);
        Path dbFile = f.backups.resolve("database").resolve(oldDb.id() + ".json");
        Files.writeString(dbFile, Files.readString(dbFile).replaceFirst("\"pre_restore\" : false", "\"pre_restore\" : false "));
        assertThat(f.cli("list").stdout()).contains("BROKEN");

        Fixture.Run r = f.cli("rotate");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertFiles(f, old, true);
        assertFiles(f, oldStorage, true);
        assertThat(dbFile).exists();
        assertThat(r.stdout()).contains("was edited after it was written: left alone with it");
    }

    /**
     * A component whose manifest was deleted by hand is still named by its full backup: the leftover sweep of the next
     * locked command keeps its data (it deleted it as the debris of a crashed backup), and the full backup is listed
     * as broken. A data file no manifest names at all is not swept either: no interrupted run wrote it.
     */
    @Test
    void theDataOfAComponentWhoseManifestWasDeletedIsKeptWhileAFullNamesIt() throws Exception {
        Fixture f = new Fixture(dir).database(10).storage(4, 1000);
        BackupService s = f.service();
        Manifest full = s.backupFull(false, null);
        Manifest db = s.find(full.component(BackupType.DATABASE).path("id").asText(), BackupType.DATABASE);
        Path dbData = f.backups.resolve("database").resolve(db.parts().get(0).path());
        Files.delete(f.backups.resolve("database").resolve(db.id() + ".json"));
        Path debris = Files.writeString(f.backups.resolve("database").resolve("db_backup_20200101T000000.000Z.db.zst"), "x");

        assertThat(f.cli("backup", "database", "--no-rotate").exitCode()).isZero();
        assertThat(dbData).exists();
        assertThat(debris).as("no interrupted run wrote it: a backup whose manifest was lost, left alone").exists();
        String row = f.cli("list").stdout().lines().filter(l -> l.startsWith(full.id())).findFirst().orElseThrow();
        assertThat(row).contains("BROKEN");
    }
}
