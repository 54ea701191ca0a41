package dev.archivist.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.BackupService;
import dev.archivist.BackupType;
import dev.archivist.config.Settings;
import dev.archivist.config.SettingsLoader;
import dev.archivist.testing.TestDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 2 acceptance: two backups in the same second get different ids and both survive (SEED-SPEC defect 5). */
class SameSecondIdsTest {
    @TempDir
    Path dir;

    private Settings settings() throws Exception {
        Path db = dir.resolve("app.db");
        if (!Files.exists(db)) {
            TestDb.create(db, TestDb.Mode.WAL, 100, 50);
        }
        return SettingsLoader.load(Map.of("DATABASE_URL", db.toString(), "BACKUP_DIR", dir.resolve("backups").toString()),
                null, false, Map.of());
    }

    @Test
    void backToBackBackupsGetDistinctIdsAndBothList() throws Exception {
        BackupService service = new BackupService(settings(), Clock.systemUTC(), n -> { });
        Manifest a = service.backupDatabase(false);
        Manifest b = service.backupDatabase(false);
        assertDistinctAndBothSurvive(service, a, b);
    }

    @Test
    void aFrozenClockStillGivesDistinctSortableIds() throws Exception {
        Clock frozen = Clock.fixed(Instant.parse("2026-03-29T01:30:00Z"), ZoneOffset.UTC);
        BackupService service = new BackupService(settings(), frozen, n -> { });
        Manifest a = service.backupDatabase(false);
        Manifest b = service.backupDatabase(false);
        Manifest c = service.backupDatabase(false);
        assertThat(List.of(a.id(), b.id(), c.id())).doesNotHaveDuplicates().isSorted();
        assertThat(a.id()).startsWith("db_backup_20260329T013000");
        assertThat(service.list(BackupType.DATABASE)).extracting(Manifest::id).containsExactly(c.id(), b.id(), a.id());
    }

    @Test
    void aClockThatStepsBackNeverReusesAnId() throws Exception {
        Settings s = settings();
        Manifest late = new BackupService(s, Clock.fixed(Instant.parse("2026-06-01T12:00:00Z"), ZoneOffset.UTC), n -> { }).backupDatabase(false);
        Manifest early = new BackupService(s, Clock.fixed(Instant.parse("2026-06-01T11:00:00Z"), ZoneOffset.UTC), n -> { }).backupDatabase(false);
        assertThat(early.id()).isNotEqualTo(late.id()).isGreaterThan(late.id());
    }

    /**
     * Without its {@code last-id} (the state folder lost or the file damaged) and with the clock behind the newest
     * backup, ids still go on after the newest in the catalog: a new backup never takes an existing one's id and
     * replaces its files. A backup copied in whose id is ahead of {@code last-id} is not replaced either.
     */
    @Test
    void aLostOrDamagedLastIdReusesNoIdOfTheCatalog() throws Exception {
        Settings s = settings();
        Clock frozen = Clock.fixed(Instant.parse("2027-03-01T10:00:00Z"), ZoneOffset.UTC);
        Manifest a = new BackupService(s, frozen, n -> { }).backupDatabase(false);
        Manifest b = new BackupService(s, frozen, n -> { }).backupDatabase(false);
        Path lastId = dir.resolve("backups/.archivist/last-id");

        Files.delete(lastId);
        Manifest c = new BackupService(s, frozen, n -> { }).backupDatabase(false);
        Files.writeString(lastId, "garbage");
        Manifest d = new BackupService(s, frozen, n -> { }).backupDatabase(false);
        Files.writeString(lastId, Long.toString(Instant.parse("2027-03-01T09:00:00Z").toEpochMilli()));
        Manifest e = new BackupService(s, Clock.fixed(Instant.parse("2027-03-01T09:00:00Z").plusMillis(1), ZoneOffset.UTC), n -> { })
                .backupDatabase(false);
        Files.writeString(lastId, Long.toString(BackupIds.instantOf(a.id()).toEpochMilli() - 1));
        Manifest f = new BackupService(s, frozen, n -> { }).backupDatabase(false);

        // a file of the right shape with an impossible date, or a foreign file named after a future id, moves nothing
        Files.writeString(dir.resolve("backups/database/db_backup_20271399T000000.000Z.json"), "{}");
        Files.writeString(dir.resolve("backups/database/db_backup_20991231T000000.000Z.json.partial"), "foreign");
        Files.delete(lastId);
        Manifest g = new BackupService(s, frozen, n -> { }).backupDatabase(false);
        assertThat(g.id()).startsWith("db_backup_20270301T100000.");
        Files.delete(dir.resolve("backups/database/db_backup_20271399T000000.000Z.json"));

        List<String> ids = List.of(a.id(), b.id(), c.id(), d.id(), e.id(), f.id(), g.id());
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(List.of(a.id(), b.id(), c.id(), d.id())).isSorted();
        BackupService service = new BackupService(s, Clock.systemUTC(), n -> { });
        assertThat(service.list(BackupType.DATABASE)).extracting(Manifest::id).containsExactlyInAnyOrderElementsOf(ids);
        for (Manifest m : List.of(a, b, c, d, e, f, g)) {
            assertThat(TestDb.sha256(Path.of(m.json().path("backup_path").asText()))).isEqualTo(m.checksum());
        }
    }

    /**
     * A {@code last-id} of bytes that are no UTF-8 (a bad block) is damage like any other: the backup goes on after the
     * newest id in the catalog. (It failed every backup with "Input length = 1", naming no file.) A folder at its name,
     * where no id can be written, fails naming it and the mend rather than "Is a directory".
     */
    @Test
    void aLastIdOfGarbageBytesStopsNoBackupAndAFolderThereIsNamed() throws Exception {
        Settings s = settings();
        Clock frozen = Clock.fixed(Instant.parse("2027-03-01T10:00:00Z"), ZoneOffset.UTC);
        Manifest a = new BackupService(s, frozen, n -> { }).backupDatabase(false);
        Path lastId = dir.resolve("backups/.archivist/last-id");
        Files.write(lastId, new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, (byte) 0xc3, 0x28});

        Manifest b = new BackupService(s, frozen, n -> { }).backupDatabase(false);
        assertThat(b.id()).isGreaterThan(a.id());
        assertThat(Files.readString(lastId)).isEqualTo(Long.toString(BackupIds.instantOf(b.id()).toEpochMilli()));

        Files.delete(lastId);
        Files.createDirectory(lastId);
        BackupService service = new BackupService(s, frozen, n -> { });
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> service.backupDatabase(false))
                .hasMessageContaining(lastId + " is a folder").hasMessageContaining("remove it");
    }

    /**
     * After the clock steps back, the backup just taken is still the newest: its time is its id's, so list, latest
     * and rotation agree with the ids. (It used to carry the stepped-back clock's time: listed last, skipped by
     * {@code latest}, and deleted at once by its own rotation with {@code MAX_BACKUPS=1}, while exit 0 said success.)
     */
    @Test
    void afterTheClockStepsBackTheNewestBackupStaysTheNewestAndSurvivesItsRotation() throws Exception {
        Path db = dir.resolve("app.db");
        TestDb.create(db, TestDb.Mode.WAL, 100, 50);
        Settings one = SettingsLoader.load(Map.of("DATABASE_URL", db.toString(), "BACKUP_DIR", dir.resolve("backups").toString(),
                "MAX_BACKUPS", "1"), null, false, Map.of());
        new BackupService(one, Clock.fixed(Instant.parse("2024-01-01T03:00:00Z"), ZoneOffset.UTC), n -> { }).backupDatabase(false);
        new BackupService(one, Clock.fixed(Instant.parse("2024-01-02T12:00:00Z"), ZoneOffset.UTC), n -> { }).backupDatabase(false);
        BackupService stepped = new BackupService(one, Clock.fixed(Instant.parse("2024-01-01T00:05:00Z"), ZoneOffset.UTC), n -> { });
        Manifest latest = stepped.backupDatabase(true);

        assertThat(stepped.list(BackupType.DATABASE)).extracting(Manifest::id).containsExactly(latest.id());
        assertThat(latest.createdAt()).isEqualTo(BackupIds.instantOf(latest.id())).isAfter(Instant.parse("2024-01-02T12:00:00Z"));
        assertThat(stepped.find("latest", BackupType.DATABASE).id()).isEqualTo(latest.id());
    }

    /**
     * A clock far behind the last id (it was ahead when an earlier backup was taken): the backup still gets an id
     * after it (never a reused one), and says why its id is not the real time and what to do.
     */
    @Test
    void aClockFarBehindTheLastIdIsNamedInAWarning() throws Exception {
        Path db = dir.resolve("app.db");
        TestDb.create(db, TestDb.Mode.WAL, 10, 50);
        Path backups = dir.resolve("backups");
        dev.archivist.testing.CliProcess cli = new dev.archivist.testing.CliProcess(dir).env(Map.of(
                "DATABASE_URL", db.toString(), "BACKUP_DIR", backups.toString(), "JSON_LOGS", "false"));
        assertThat(cli.run("backup", "database").exitCode()).isZero();
        Instant ahead = Instant.parse("2030-01-01T00:00:00Z");
        Files.writeString(backups.resolve(".archivist/last-id"), Long.toString(ahead.toEpochMilli()));
        dev.archivist.testing.CliProcess.Result r = cli.run("backup", "database", "--json");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(BackupIds.instantOf(dev.archivist.catalog.Json.MAPPER.readTree(r.stdout()).path("id").asText()))
                .isAfter(ahead);
        assertThat(r.stderr()).contains("behind the newest backup id (2030-01-01T00:00:00Z)").contains("last-id");
        dev.archivist.testing.CliProcess.Result again = cli.run("backup", "database");
        assertThat(again.stderr()).as("said at every backup while it lasts").contains("behind the newest backup id");
    }

    private static void assertDistinctAndBothSurvive(BackupService service, Manifest a, Manifest b) throws Exception {
        assertThat(a.id()).isNotEqualTo(b.id());
        assertThat(b.id()).as("sortable: later id sorts later").isGreaterThan(a.id());
        List<Manifest> listed = service.list(BackupType.DATABASE);
        assertThat(listed).extracting(Manifest::id).containsExactly(b.id(), a.id());
        for (Manifest m : List.of(a, b)) {
            Path file = Path.of(m.json().path("backup_path").asText());
            assertThat(file).exists();
            assertThat(TestDb.sha256(file)).isEqualTo(m.checksum());
        }
        assertThat(a.json().path("backup_path").asText()).isNotEqualTo(b.json().path("backup_path").asText());
    }
}
