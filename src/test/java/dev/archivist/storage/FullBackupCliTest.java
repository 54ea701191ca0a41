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
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3 acceptance for {@code archivist backup full} (real CLI processes): a database and a storage backup taken as
 * one generation, each an ordinary catalogued backup, tied by a full manifest naming both ({@code id},
 * {@code checksum}) and written only when both succeeded; a failing part exits 1 naming the part and keeps the other
 * as an ordinary backup; {@code list} shows a full backup whose component is gone as broken, never crashing (defects
 * 6, 7 and 9 of the original).
 */
@Tag("system")
class FullBackupCliTest {
    @TempDir
    Path tmp;
    Path db;
    Path storage;
    Path backups;

    @BeforeEach
    void app() throws Exception {
        db = TestDb.create(tmp.resolve("app.db"), TestDb.Mode.WAL, 500, 200);
        storage = tmp.resolve("storage");
        StorageFixtures.buildAwkward(storage, tmp.resolve("outside.txt"), 0.25);
        backups = tmp.resolve("backups");
    }

    private CliProcess cli(Path storagePath) {
        return StorageFixtures.cli(tmp, storagePath, backups).env("DATABASE_URL", "sqlite:///" + db);
    }

    private JsonNode listJson(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("list", "--json"));
        args.addAll(List.of(extra));
        CliProcess.Result r = cli(storage).run(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.describe()).isZero();
        return JSON.readTree(r.stdout());
    }

    private static List<String> ids(JsonNode list) {
        List<String> ids = new ArrayList<>();
        list.forEach(n -> ids.add(n.path("id").asText()));
        return ids;
    }

    @Test
    void aFullBackupIsTwoOrdinaryBackupsTiedByAFullManifest() throws Exception {
        CliProcess.Result r = cli(storage).run("backup", "full", "--json", "--no-rotate");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        JsonNode full = JSON.readTree(r.stdout());
        assertThat(full.path("type").asText()).isEqualTo("full");
        String fullId = full.path("id").asText();
        String dbId = full.path("database").path("id").asText();
        String stId = full.path("storage").path("id").asText();
        assertThat(fullId).startsWith("full_backup_");
        assertThat(dbId).startsWith("db_backup_");
        assertThat(stId).startsWith("storage_backup_");
        assertThat(dbId).as("database first").isLessThan(stId.replace("storage_backup_", "db_backup_"));

        // both components are ordinary backups, with the checksums the full manifest recorded
        JsonNode dbManifest = StorageFixtures.manifestFile(backups, "database", dbId);
        JsonNode stManifest = StorageFixtures.manifestFile(backups, "storage", stId);
        assertThat(full.path("database").path("checksum").asText()).isEqualTo(dbManifest.path("checksum").asText())
                .matches("[0-9a-f]{64}");
        assertThat(full.path("storage").path("checksum").asText()).isEqualTo(stManifest.path("checksum").asText())
                .matches("[0-9a-f]{64}");
        assertThat(StorageFixtures.manifestFile(backups, "full", fullId)).isEqualTo(full);
        assertThat(StorageBackupCliTest.ORIGINAL_KEYS.subList(0, 2)).allSatisfy(k -> assertThat(full.has(k)).isTrue());
        assertThat(full.has("checksum")).isTrue();
        assertThat(full.has("created_at")).isTrue();

        // list: all three, the full one with its two components and not broken; each type filter finds its own
        JsonNode all = listJson();
        assertThat(ids(all)).containsExactlyInAnyOrder(fullId, dbId, stId);
        JsonNode fullRow = listJson("--type", "full").get(0);
        assertThat(fullRow.path("id").asText()).isEqualTo(fullId);
        assertThat(fullRow.path("broken").asBoolean()).isFalse();
        assertThat(fullRow.path("missing_components")).isEmpty();
        assertThat(ids(listJson("--type", "database"))).containsExactly(dbId);
        assertThat(ids(listJson("--type", "storage"))).containsExactly(stId);
        CliProcess.Result text = cli(storage).run("list");
        assertThat(text.exitCode()).as(text.describe()).isZero();
        assertThat(text.stdout()).contains(fullId).contains("[" + dbId + " + " + stId + "]").doesNotContain("BROKEN");

        // and it verifies clean, components included; the storage component restores anywhere with stock tools
        CliProcess.Result v = cli(storage).run("verify", fullId);
        assertThat(v.exitCode()).as(v.describe()).isZero();
        Path out = StorageFixtures.extractWithStockTools(
                StorageFixtures.partPaths(backups.resolve("storage"), stManifest), "zstd", tmp.resolve("out"));
        assertThat(StorageFixtures.describe(out)).isEqualTo(StorageFixtures.describe(storage));
    }

    @Test
    void whenTheStoragePartFailsTheDatabaseBackupStaysAndNoFullManifestIsWritten() throws Exception {
        Path missing = tmp.resolve("no-storage-here");
        CliProcess.Result r = cli(missing).run("backup", "full", "--no-rotate");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        assertThat(r.stderr()).contains("storage part").contains(missing.toString()).contains("does not exist")
                .doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(r.stdout()).doesNotContain("created").doesNotContain("None").doesNotContain("null");

        assertOnlyKept("database", r);
    }

    @Test
    void whenTheDatabasePartFailsTheStorageBackupIsStillTakenAndKept() throws Exception {
        Path noDb = tmp.resolve("missing.db");
        CliProcess.Result r = StorageFixtures.cli(tmp, storage, backups).env("DATABASE_URL", "sqlite:///" + noDb)
                .run("backup", "full", "--no-rotate");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        assertThat(r.stderr()).contains("database part").contains("does not exist").doesNotContain("\tat ");
        assertThat(noDb).doesNotExist();

        assertOnlyKept("storage", r);
    }

    /** Neither source there: nothing to back up, and nothing written, not even the backup folder (as for one part). */
    @Test
    void withNeitherSourceThereNothingIsWritten() throws Exception {
        Path missing = tmp.resolve("no-storage-here");
        Path empty = tmp.resolve("not-yet");
        CliProcess.Result r = StorageFixtures.cli(tmp, missing, empty)
                .env("DATABASE_URL", "sqlite:///" + tmp.resolve("missing.db")).run("backup", "full", "--json");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        assertThat(StorageFixtures.JSON.readTree(r.stdout()).path("error").asText())
                .contains("database part: database " + tmp.resolve("missing.db") + " does not exist")
                .contains("storage part: storage folder " + missing + " does not exist");
        assertThat(empty).doesNotExist();
    }

    /** The one backup a failed full backup kept: of {@code type}, named on stderr, valid; nothing else written. */
    private void assertOnlyKept(String type, CliProcess.Result failed) throws Exception {
        JsonNode all = listJson();
        assertThat(all).hasSize(1);
        assertThat(all.get(0).path("type").asText()).isEqualTo(type);
        String id = all.get(0).path("id").asText();
        assertThat(failed.stderr()).contains("the " + type + " part " + id + " was kept as an ordinary backup");
        for (String folder : List.of("database", "storage", "full")) {
            if (!folder.equals(type)) {
                assertThat(TestDb.files(backups.resolve(folder))).as(folder).isEmpty();
            }
        }
        assertNoInFlightMarks();
        CliProcess.Result v = cli(storage).run("verify", id);
        assertThat(v.exitCode()).as("the kept " + type + " part is a valid backup\n" + v.describe()).isZero();
    }

    /** A failed part removes what it wrote, its mark of a backup being written too (it is not left for the next run). */
    private void assertNoInFlightMarks() throws Exception {
        Path marks = backups.resolve(".archivist/in-flight");
        assertThat(Files.isDirectory(marks) ? TestDb.files(marks) : List.<String>of()).as("in-flight marks").isEmpty();
    }

    @Test
    void whenBothPartsFailBothAreNamedAndNothingIsWritten() throws Exception {
        Path noDb = tmp.resolve("missing.db");
        Path noStorage = tmp.resolve("no-storage-here");
        CliProcess.Result r = StorageFixtures.cli(tmp, noStorage, backups).env("DATABASE_URL", "sqlite:///" + noDb)
                .run("backup", "full", "--no-rotate");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        assertThat(r.stderr()).contains("database part").contains(noDb.toString())
                .contains("storage part").contains(noStorage.toString()).doesNotContain("kept").doesNotContain("\tat ");
        for (String folder : List.of("database", "storage", "full")) {
            assertThat(TestDb.files(backups.resolve(folder))).as(folder).isEmpty();
        }
        assertNoInFlightMarks();
    }

    @Test
    void aFullBackupWithAMissingComponentIsListedAsBrokenNeverACrash() throws Exception {
        CliProcess.Result r = cli(storage).run("backup", "full", "--json", "--no-rotate");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        JsonNode full = JSON.readTree(r.stdout());
        String fullId = full.path("id").asText();
        String dbId = full.path("database").path("id").asText();
        String stId = full.path("storage").path("id").asText();
        JsonNode stManifest = StorageFixtures.manifestFile(backups, "storage", stId);

        // first a missing part file (list reads manifests only: not broken, no crash; verify reports it)
        Path firstPart = StorageFixtures.partPaths(backups.resolve("storage"), stManifest).get(0);
        Files.delete(firstPart);
        CliProcess.Result listed = cli(storage).run("list");
        assertThat(listed.exitCode()).as(listed.describe()).isZero();
        assertThat(listed.stdout()).contains(fullId);
        CliProcess.Result v = cli(storage).run("verify", fullId);
        assertThat(v.exitCode()).as(v.describe()).isEqualTo(1);
        assertThat(v.stdout() + v.stderr()).contains(firstPart.getFileName().toString()).contains("missing");

        // then the storage component's manifest itself: the full backup is BROKEN in list and list --json
        Files.delete(backups.resolve("storage").resolve(stId + ".json"));
        CliProcess.Result text = cli(storage).run("list");
        assertThat(text.exitCode()).as(text.describe()).isZero();
        assertThat(text.stdout()).contains(fullId).contains("BROKEN").contains(stId).contains(dbId)
                .doesNotContain("None").doesNotContain("Exception");
        JsonNode fullRow = listJson("--type", "full").get(0);
        assertThat(fullRow.path("broken").asBoolean()).isTrue();
        assertThat(fullRow.path("missing_components").get(0).asText()).isEqualTo(stId);
        assertThat(ids(listJson())).containsExactlyInAnyOrder(fullId, dbId);

        // an unreadable (garbage) component manifest is broken too, still no crash; stats and verify cope
        Files.writeString(backups.resolve("database").resolve(dbId + ".json"), "{ not json");
        CliProcess.Result garbage = cli(storage).run("list");
        assertThat(garbage.exitCode()).as(garbage.describe()).isZero();
        assertThat(garbage.stdout()).contains("BROKEN");
        JsonNode row = listJson("--type", "full").get(0);
        assertThat(row.path("missing_components")).hasSize(2);
        CliProcess.Result json = cli(storage).run("list", "--json");
        assertThat(json.exitCode()).as(json.describe()).isZero();
        CliProcess.Result stats = cli(storage).run("stats");
        assertThat(stats.exitCode()).as(stats.describe()).isZero();
        CliProcess.Result vf = cli(storage).run("verify", fullId);
        assertThat(vf.exitCode()).as(vf.describe()).isEqualTo(1);
        assertThat(vf.stdout() + vf.stderr()).contains(stId).doesNotContain("\tat ");
    }

    @Test
    void fullManifestComponentsStayConsistentAcrossGenerations() throws Exception {
        for (int i = 0; i < 2; i++) {
            CliProcess.Result r = cli(storage).run("backup", "full", "--no-rotate");
            assertThat(r.exitCode()).as(r.describe()).isZero();
            assertThat(r.stdout()).startsWith("created full_backup_");
        }
        JsonNode fulls = listJson("--type", "full");
        assertThat(fulls).hasSize(2);
        List<String> components = new ArrayList<>();
        fulls.forEach(f -> {
            components.add(f.path("database").path("id").asText());
            components.add(f.path("storage").path("id").asText());
        });
        assertThat(components).doesNotHaveDuplicates();
        try (Stream<Path> s = Files.list(backups.resolve("full"))) {
            assertThat(s.map(p -> p.getFileName().toString())).allSatisfy(n -> assertThat(n).endsWith(".json"))
                    .hasSize(2);
        }
    }
}
