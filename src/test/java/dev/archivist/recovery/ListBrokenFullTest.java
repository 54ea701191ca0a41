package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.archivist.BackupType;
import dev.archivist.catalog.Json;
import dev.archivist.catalog.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SEED-SPEC defect 9: the CLI crashed listing a full backup with a missing part. Now a missing part or component makes
 * the backups that need it listed as broken.
 */
class ListBrokenFullTest {
    @TempDir
    Path dir;

    @Test
    void statsNamesTheNewestBackupThatCanBeRestoredAndListFlagsAnEditedManifest() throws Exception {
        Fixture f = new Fixture(dir).database(20).storage(9, 10_000);
        Manifest good = f.service().backupDatabase(false);
        Manifest edited = f.service().backupDatabase(false);
        Manifest gone = f.service().backupDatabase(false);
        Manifest failed = f.service().backupDatabase(false);
        Fixture.flipAByte(f.backups.resolve("database").resolve(failed.parts().get(0).path()));
        assertThat(f.cli("verify", failed.id()).exitCode()).as("its last verify failed").isEqualTo(1);
        Fixture.Run restore = f.cli("restore", "database", good.id(), "--yes"); // its pre_restore copy is the newest
        assertThat(restore.exitCode()).as(restore.describe()).isZero();
        Files.delete(f.backups.resolve("database").resolve(gone.parts().get(0).path()));
        Path manifest = f.backups.resolve("database").resolve(edited.id() + ".json");
        String written = Files.readString(manifest);
        Files.writeString(manifest, Files.readString(manifest).replaceFirst("\"file_size\" ?: ?\\d+", "\"file_size\" : 1"));
        assertThat(Files.readString(manifest)).isNotEqualTo(written);

        JsonNode stats = Json.MAPPER.readTree(f.cli("stats", "--json").stdout());
        JsonNode database = stats.path("types").path("database");
        assertThat(database.path("count").asInt()).isEqualTo(5);
        assertThat(database.path("newest_id").asText()).as("not the safety copy, the backup without its file, the"
                + " edited one nor the one whose verify failed").isEqualTo(good.id());
        assertThat(database.path("broken").asInt()).as("the one without its file (an edited manifest is verify's)")
                .isEqualTo(1);
        assertThat(stats.path("broken_backups").asInt()).isEqualTo(1);
        assertThat(stats.path("types").path("storage").path("broken").asInt()).isZero();
        assertThat(f.cli("stats").stdout()).contains("1 backup cannot be restored, files missing or truncated (archivist list shows"
                + " it as BROKEN)");

        JsonNode listed = Json.MAPPER.readTree(f.cli("list", "--json").stdout());
        for (JsonNode row : listed) {
            String id = row.path("id").asText();
            assertThat(row.path("broken").asBoolean()).as(id).isEqualTo(id.equals(edited.id()) || id.equals(gone.id()));
            assertThat(row.path("edited_manifest").asBoolean()).as(id).isEqualTo(id.equals(edited.id()));
        }
        assertThat(f.cli("list").stdout().lines().filter(l -> l.startsWith(edited.id()))).singleElement().asString()
                .contains("BROKEN: manifest edited after it was written");
    }

    @Test
    void aFullBackupWhoseComponentManifestWasEditedIsBrokenInListAndNotTheNewestInStats() throws Exception {
        Fixture f = new Fixture(dir).database(20).storage(4, 10_000);
        Manifest older = f.service().backupFull(false, null);
        Manifest newer = f.service().backupFull(false, null);
        String storageId = newer.componentId(BackupType.STORAGE);
        Path manifest = f.backups.resolve("storage").resolve(storageId + ".json");
        Files.writeString(manifest, Files.readString(manifest).replaceFirst("\"duration_ms\" ?: ?\\d+", "\"duration_ms\" : 1"));

        JsonNode rows = Json.MAPPER.readTree(f.cli("list", "--json").stdout());
        for (JsonNode row : rows) {
            if (row.path("id").asText().equals(newer.id())) {
                assertThat(row.path("broken").asBoolean()).isTrue();
                assertThat(row.path("edited_components").toString()).contains(storageId);
            }
        }
        assertThat(f.cli("list").stdout().lines().filter(l -> l.startsWith(newer.id()))).singleElement().asString()
                .contains("BROKEN: manifest edited after it was written").contains(storageId);
        JsonNode full = Json.MAPPER.readTree(f.cli("stats", "--json").stdout()).path("types").path("full");
        assertThat(full.path("newest_id").asText()).isEqualTo(older.id());
    }

    /** As rotation judges it: a full one of whose parts failed its own verify is not the newest that can be restored. */
    @Test
    void aFullBackupWhosePartFailedItsVerifyIsNotTheNewestInStats() throws Exception {
        Fixture f = new Fixture(dir).database(20).storage(4, 10_000);
        Manifest older = f.service().backupFull(false, null);
        Manifest newer = f.service().backupFull(false, null);
        String databaseId = newer.componentId(BackupType.DATABASE);
        Manifest part = f.service().find(databaseId, BackupType.DATABASE);
        Fixture.flipAByte(f.backups.resolve("database").resolve(part.parts().get(0).path()));
        assertThat(f.cli("verify", databaseId).exitCode()).as("the part's own verify fails").isEqualTo(1);

        JsonNode full = Json.MAPPER.readTree(f.cli("stats", "--json").stdout()).path("types").path("full");
        assertThat(full.path("newest_id").asText()).isEqualTo(older.id());
    }

    @Test
    void listAndStatsSurviveAFullBackupWithAMissingPartOrComponent() throws Exception {
        Fixture f = new Fixture(dir).set("BACKUP_MAX_SIZE_MB", "1").set("BACKUP_CHUNK_SIZE_MB", "1").database(20).storage(8, 2_200_000);
        Manifest full = f.service().backupFull(false, null);
        Manifest storage = f.service().find(full.component(BackupType.STORAGE).path("id").asText(), BackupType.STORAGE);
        Files.delete(f.backups.resolve("storage").resolve(storage.parts().get(1).path()));

        for (String[] args : new String[][] {{"list"}, {"list", "--json"}, {"list", "--type", "full"}, {"stats"}, {"stats", "--json"}}) {
            Fixture.Run r = f.cli(args);
            assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.describe()).isZero();
            assertThat(r.stdout()).doesNotContain("None").doesNotContain("null null");
        }
        // stats counts a full backup's data under its parts, and says so rather than showing the full at 0 B
        String stats = f.cli("stats").stdout();
        assertThat(stats.lines().filter(l -> l.startsWith("full "))).singleElement().asString().doesNotContain(" 0 B");
        assertThat(stats).contains("full backups are counted in their database and storage parts");
        JsonNode statsJson = Json.MAPPER.readTree(f.cli("stats", "--json").stdout());
        assertThat(statsJson.path("types").path("storage").path("broken").asInt()).as("the part's backup").isEqualTo(1);
        assertThat(statsJson.path("types").path("full").path("broken").asInt()).as("the full holding it").isEqualTo(1);
        assertThat(statsJson.path("types").path("database").path("broken").asInt()).isZero();
        // a part deleted by hand: the storage backup and the full backup holding it are listed as broken
        String partName = "storage/" + storage.parts().get(1).path();
        String listed = f.cli("list").stdout();
        assertThat(listed.lines().filter(l -> l.startsWith(full.id()) || l.startsWith(storage.id())))
                .hasSize(2).allMatch(l -> l.contains("BROKEN: files missing") && l.contains(partName));
        JsonNode byId = Json.MAPPER.readTree(f.cli("list", "--json").stdout());
        for (JsonNode row : byId) {
            String id = row.path("id").asText();
            boolean holdsThePart = id.equals(full.id()) || id.equals(storage.id());
            assertThat(row.path("broken").asBoolean()).as(id).isEqualTo(holdsThePart);
            assertThat(row.path("missing_files").toString()).as(id).isEqualTo(holdsThePart ? "[\"" + partName + "\"]" : "[]");
        }
        Fixture.Run v = f.cli("verify", full.id());
        assertThat(v.exitCode()).isEqualTo(1);
        assertThat(v.stdout()).contains(storage.parts().get(1).path()).contains("missing");

        // the component's manifest gone too: listed as BROKEN, still no crash
        Files.delete(f.backups.resolve("storage").resolve(storage.id() + ".json"));
        Fixture.Run list = f.cli("list");
        assertThat(list.exitCode()).as(list.describe()).isZero();
        assertThat(list.stdout()).contains(full.id()).contains("BROKEN");
        Fixture.Run json = f.cli("list", "--json");
        assertThat(json.exitCode()).isZero();
        JsonNode rows = Json.MAPPER.readTree(json.stdout());
        assertThat(rows.toString()).contains(full.id());
        Fixture.Run restore = f.cli("restore", "full", full.id(), "--yes");
        assertThat(restore.exitCode()).as(restore.describe()).isEqualTo(1);
        assertThat(restore.stderr()).contains(storage.id());
    }

    /**
     * A full backup whose component manifest is there but truncated: list and verify say the manifest is unreadable,
     * not that the component is missing (the operator then looks at the file, not for it).
     */
    @Test
    void aFullBackupWithATruncatedComponentManifestSaysItIsUnreadable() throws Exception {
        Fixture f = new Fixture(dir).database(5).storage(3, 1_000);
        Manifest full = f.service().backupFull(false, null);
        String storageId = full.component(BackupType.STORAGE).path("id").asText();
        String databaseId = full.component(BackupType.DATABASE).path("id").asText();
        Path manifest = f.backups.resolve("storage").resolve(storageId + ".json");
        Files.write(manifest, java.util.Arrays.copyOf(Files.readAllBytes(manifest), 100));

        Fixture.Run list = f.cli("list");
        assertThat(list.exitCode()).as(list.describe()).isZero();
        assertThat(list.stdout().lines().filter(l -> l.startsWith(full.id()))).singleElement().asString()
                .contains("BROKEN: manifest unreadable [\"" + storageId + "\"]").doesNotContain("BROKEN: missing");
        JsonNode row = Json.MAPPER.readTree(f.cli("list", "--json").stdout()).get(0);
        assertThat(row.path("id").asText()).isEqualTo(full.id());
        assertThat(row.path("unreadable_components").toString()).isEqualTo("[\"" + storageId + "\"]");
        assertThat(row.path("missing_components").toString()).isEqualTo("[\"" + storageId + "\"]");

        Files.delete(f.backups.resolve("database").resolve(databaseId + ".json"));
        assertThat(f.cli("list").stdout().lines().filter(l -> l.startsWith(full.id()))).singleElement().asString()
                .contains("BROKEN: missing [\"" + databaseId + "\"]")
                .contains("BROKEN: manifest unreadable [\"" + storageId + "\"]");

        Fixture.Run verify = f.cli("verify", full.id());
        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.stdout()).contains("storage component " + storageId + ": its manifest is unreadable")
                .contains("database component " + databaseId + ": missing from the catalog");
    }

    /**
     * A manifest whose id no longer matches its file name (one digit changed): it is not the backup its name says, so
     * it is listed as broken, fails {@code verify --all} (it was once "removed while verified", exit 0) and is left out
     * of rotation, which deleted another id's files for it and reported it removed on every run.
     */
    @Test
    void aManifestWhoseIdDiffersFromItsFileNameIsBroken() throws Exception {
        Fixture f = new Fixture(dir).database(5).storage(3, 1_000);
        Manifest full = f.service().backupFull(false, null);
        String dbId = full.component(BackupType.DATABASE).path("id").asText();
        Path manifest = f.backups.resolve("database").resolve(dbId + ".json");
        String otherId = dbId.substring(0, dbId.length() - 2) + (dbId.charAt(dbId.length() - 2) == '7' ? "8Z" : "7Z");
        Files.writeString(manifest, Files.readString(manifest).replace("\"" + dbId + "\"", "\"" + otherId + "\""));

        String listed = f.cli("list").stdout();
        assertThat(listed.lines().filter(l -> l.startsWith(dbId))).singleElement().asString()
                .contains("BROKEN: manifest unreadable (its id '" + otherId + "' differs from its file name)");
        assertThat(listed.lines().filter(l -> l.startsWith(full.id()))).singleElement().asString()
                .contains("BROKEN: manifest unreadable [\"" + dbId + "\"]");
        assertThat(listed).doesNotContain(otherId + " ");
        Fixture.Run all = f.cli("verify", "--all");
        assertThat(all.exitCode()).as(all.describe()).isEqualTo(1);
        assertThat(all.stdout()).doesNotContain("GONE").contains("FAILED " + dbId);
        Fixture.Run one = f.cli("verify", dbId);
        assertThat(one.exitCode()).isEqualTo(1);
        assertThat(one.stderr()).contains("differs from its file name");
        Fixture.Run dry = f.cli("rotate", "--dry-run", "--max-backups", "1");
        assertThat(dry.stdout()).contains("leave").contains("database/" + dbId + ".json");
    }

    /**
     * A full manifest edited by hand to name a path ({@code ../../database/<id>}) or a backup of the wrong type as a
     * component: listed as broken, refused by verify and restore, and no verification record is written through the
     * path (it once overwrote the database backup's manifest with a record saying "clean").
     */
    @Test
    void aComponentIdThatIsAPathOrOfTheWrongTypeMakesTheFullBackupBroken() throws Exception {
        Fixture f = new Fixture(dir).database(20).storage(8, 20_000);
        Manifest full = f.service().backupFull(false, null);
        String dbId = full.component(BackupType.DATABASE).path("id").asText();
        Path fullFile = f.backups.resolve("full").resolve(full.id() + ".json");
        Path dbManifest = f.backups.resolve("database").resolve(dbId + ".json");
        byte[] dbManifestBefore = Files.readAllBytes(dbManifest);
        for (String forged : new String[] {"../../database/" + dbId, dbId}) {
            com.fasterxml.jackson.databind.node.ObjectNode json = full.json().deepCopy();
            ((com.fasterxml.jackson.databind.node.ObjectNode) json.path("storage")).put("id", forged);
            json.put(Manifest.SELF_CHECKSUM, Manifest.selfChecksum(json));
            Files.write(fullFile, Manifest.toBytes(json));

            Fixture.Run v = f.cli("verify", full.id());
            assertThat(v.exitCode()).as(forged + ": " + v.describe()).isEqualTo(1);
            assertThat(v.stdout()).as(forged).contains("storage component");
            assertThat(Files.readAllBytes(dbManifest)).as(forged + ": the database backup's manifest").isEqualTo(dbManifestBefore);
            String row = f.cli("list").stdout().lines().filter(l -> l.startsWith(full.id())).findFirst().orElseThrow();
            assertThat(row).as(forged).contains("BROKEN");
            Fixture.Run restore = f.cli("restore", "full", full.id(), "--yes");
            assertThat(restore.exitCode()).as(forged + ": " + restore.describe()).isEqualTo(1);
        }
        assertThat(f.cli("verify", dbId).exitCode()).isZero();
    }

    /**
     * A backup whose manifest lists no parts, and a manifest moved into another type's folder, are broken rows: the one
     * was listed as healthy, the other was left out of {@code list} without a word.
     */
    @Test
    void aManifestWithoutPartsOrInTheWrongFolderIsListedAsBroken() throws Exception {
        Fixture f = new Fixture(dir).database(5).storage(2, 1000);
        Manifest noParts = f.service().backupStorage(false, null);
        Manifest moved = f.service().backupDatabase(false);
        Path noPartsFile = f.backups.resolve("storage").resolve(noParts.id() + ".json");
        com.fasterxml.jackson.databind.node.ObjectNode json = noParts.json().deepCopy();
        json.putArray("parts");
        json.put(Manifest.SELF_CHECKSUM, Manifest.selfChecksum(json));
        Files.write(noPartsFile, Manifest.toBytes(json));
        Files.move(f.backups.resolve("database").resolve(moved.id() + ".json"),
                f.backups.resolve("storage").resolve(moved.id() + ".json"));

        Fixture.Run list = f.cli("list");
        assertThat(list.exitCode()).as(list.describe()).isZero();
        assertThat(list.stdout().lines().filter(l -> l.startsWith(noParts.id()))).singleElement().asString()
                .contains("BROKEN").contains("lists no parts");
        assertThat(list.stdout().lines().filter(l -> l.startsWith(moved.id()))).singleElement().asString()
                .contains("BROKEN");
    }

    /** A damaged id counter ({@code .archivist/last-id}) does not stop backups: ids go on from the clock. */
    @Test
    void aDamagedIdCounterDoesNotStopBackups() throws Exception {
        Fixture f = new Fixture(dir).database(5);
        Manifest first = f.service().backupDatabase(false);
        Path counter = f.backups.resolve(".archivist/last-id");
        for (String damaged : new String[] {"garbage", ""}) {
            Files.writeString(counter, damaged);
            Fixture.Run r = f.cli("backup", "database", "--no-rotate");
            assertThat(r.exitCode()).as(r.describe()).isZero();
            assertThat(Long.parseLong(Files.readString(counter).strip())).isPositive();
        }
        assertThat(f.service().list(BackupType.DATABASE)).hasSize(3).allMatch(m -> m.id().compareTo(first.id()) >= 0);
    }

    /** A manifest that cannot be read is a broken row with the reason (it was left out of list); other JSON is not. */
    @Test
    void anUnreadableManifestIsListedAsBrokenAndForeignJsonIsNot() throws Exception {
        Fixture f = new Fixture(dir).database(5);
        Manifest kept = f.service().backupDatabase(false);
        Manifest damaged = f.service().backupDatabase(false);
        Path database = f.backups.resolve("database");
        Files.writeString(database.resolve(damaged.id() + ".json"), "{\"id\": \"" + damaged.id() + "\", trunc");
        Files.writeString(database.resolve("db_backup_20240101_020000.json"), "{\"timestamp\": \"20240101_020000\"}");

        Fixture.Run list = f.cli("list");
        assertThat(list.exitCode()).as(list.describe()).isZero();
        assertThat(list.stdout().lines().filter(l -> l.startsWith(damaged.id())))
                .singleElement().asString().contains("BROKEN: manifest unreadable").endsWith(")");
        assertThat(list.stdout()).contains(kept.id()).doesNotContain("20240101_020000");
        JsonNode rows = Json.MAPPER.readTree(f.cli("list", "--json").stdout());
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).path("id").asText()).isEqualTo(damaged.id());
        assertThat(rows.get(0).path("broken").asBoolean()).isTrue();
        assertThat(rows.get(0).path("type").asText()).isEqualTo("database");
        assertThat(rows.get(0).path("unreadable_manifest").asText()).startsWith("not valid JSON at line 1, column ")
                .doesNotContain("StreamReadFeature").doesNotContain("[Source");
        Fixture.Run named = f.cli("verify", damaged.id());
        assertThat(named.exitCode()).as(named.describe()).isNotZero();
        assertThat(named.stderr()).contains("cannot read manifest of " + damaged.id() + ": not valid JSON at line 1")
                .doesNotContain("StreamReadFeature");
        assertThat(rows.get(1).path("broken").asBoolean()).isFalse();

        assertThat(f.cli("stats").stdout()).contains("1 manifest cannot be read: that backup cannot be restored (archivist list shows it)");
        assertThat(Json.MAPPER.readTree(f.cli("stats", "--json").stdout()).path("unreadable_manifests").asInt()).isEqualTo(1);

        Fixture.Run dry = f.cli("rotate", "--dry-run");
        assertThat(dry.stdout()).contains("leave").contains("database/" + damaged.id() + ".json");

        Fixture.Run verify = f.cli("verify", "--all");
        assertThat(verify.exitCode()).as("the damaged manifest fails verify --all; the Python tool's JSON does not")
                .isEqualTo(1);
        assertThat(verify.stdout() + verify.stderr()).contains(damaged.id()).doesNotContain("20240101_020000");

        // 'latest' is the newest backup that can be restored (the one passed over is named in a warning:
        // LatestSkipsBrokenBackupsTest); the damaged one named by its id is refused
        Fixture.Run latest = f.cli("restore", "database", "latest", "--target", dir.resolve("latest.db").toString());
        assertThat(latest.exitCode()).as(latest.describe()).isZero();
        assertThat(latest.stdout()).contains("restored " + kept.id());
        Fixture.Run byId = f.cli("restore", "database", damaged.id(), "--target", dir.resolve("damaged.db").toString());
        assertThat(byId.exitCode()).as(byId.describe()).isEqualTo(1);
        assertThat(byId.stderr()).contains(damaged.id()).contains("cannot read manifest");
        assertThat(dir.resolve("damaged.db")).doesNotExist();
    }
}
