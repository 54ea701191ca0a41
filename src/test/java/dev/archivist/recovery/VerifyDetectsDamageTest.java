package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.archivist.BackupService;
import dev.archivist.BackupType;
import dev.archivist.catalog.Json;
import dev.archivist.catalog.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4 acceptance: verify detects every kind of damage, reports all problems of a backup together, exits 1 (0 when
 * clean), records the result for list/stats, and never modifies a backup. SEED-SPEC defect 1: a split backup verifies
 * clean, and damage in any of its parts is found.
 */
class VerifyDetectsDamageTest {
    @TempDir
    Path dir;

    Fixture f;
    Manifest storage;
    Manifest database;
    Manifest full;

    @BeforeEach
    void backups() throws Exception {
        f = new Fixture(dir).set("BACKUP_MAX_SIZE_MB", "1").set("BACKUP_CHUNK_SIZE_MB", "1").database(3000).storage(21, 2_400_000);
        Fixture.Run r = f.cli("backup", "full", "--no-rotate");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        BackupService s = f.service();
        storage = s.list(BackupType.STORAGE).get(0);
        database = s.list(BackupType.DATABASE).get(0);
        full = s.list(BackupType.FULL).get(0);
        assertThat(storage.parts()).hasSize(3);
    }

    private Path sdir() {
        return f.backups.resolve("storage");
    }

    private List<JsonNode> problemsOf(String ref) throws Exception {
        Map<String, String> before = f.backupFiles();
        Fixture.Run r = f.cli("verify", ref, "--json");
        assertThat(f.backupFiles()).as("verify never modifies a backup").isEqualTo(before);
        JsonNode report = Json.MAPPER.readTree(r.stdout());
        List<JsonNode> problems = new ArrayList<>();
        report.path("problems").forEach(problems::add);
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(problems.isEmpty() ? 0 : 1);
        assertThat(report.path("clean").asBoolean()).isEqualTo(problems.isEmpty());
        return problems;
    }

    private static List<String> wheres(List<JsonNode> problems) {
        return problems.stream().map(p -> p.path("where").asText() + ": " + p.path("what").asText()).toList();
    }

    @Test
    void cleanBackupsVerifyCleanAndTheResultIsRecordedForListAndStats() throws Exception {
        assertThat(problemsOf(storage.id())).isEmpty();
        assertThat(problemsOf(database.id())).isEmpty();
        assertThat(problemsOf(full.id())).isEmpty();
        JsonNode list = Json.MAPPER.readTree(f.cli("list", "--json").stdout());
        for (JsonNode row : list) {
            assertThat(row.path("last_verified").path("clean").asBoolean()).as(row.toString()).isTrue();
            assertThat(row.path("last_verified").path("at").asText()).isNotEmpty();
        }
        JsonNode stats = Json.MAPPER.readTree(f.cli("stats", "--json").stdout());
        assertThat(stats.path("types").path("storage").path("last_verified_clean").asBoolean()).isTrue();
        assertThat(stats.path("types").path("storage").path("last_verified").asText()).isNotEmpty();
        assertThat(f.cli("list").stdout()).contains("clean");
        String text = f.cli("stats").stdout();
        assertThat(text).contains("LAST VERIFIED (UTC)");
        assertThat(text.lines().filter(l -> l.startsWith("storage"))).singleElement().asString()
                .containsPattern("clean \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$");
    }

    @Test
    void aComponentManifestWithADamagedTypeIsReportedNotThrown() throws Exception {
        String componentId = full.component(BackupType.DATABASE).path("id").asText();
        Path manifest = f.backups.resolve("database").resolve(Manifest.fileName(componentId));
        String original = Files.readString(manifest);
        String damaged = original.replaceFirst("\"type\"\\s*:\\s*\"database\"", "\"type\": \"dbtabase\"");
        assertThat(damaged).isNotEqualTo(original);
        Files.writeString(manifest, damaged);

        assertThat(wheres(problemsOf(full.id()))).as("found by the corruption fuzz test: this used to throw")
                .anyMatch(w -> w.startsWith("database component " + componentId));
        Fixture.Run byId = f.cli("verify", componentId);
        assertThat(byId.exitCode()).as(byId.describe()).isNotZero();
        assertThat(byId.stderr()).contains("damaged").contains("dbtabase").doesNotContain("Exception");
        assertThat(f.cli("list").exitCode()).isZero();
    }

    @Test
    void oneFlippedByteInEachPartIsFound() throws Exception {
        for (Manifest.Part p : storage.parts()) {
            Path file = sdir().resolve(p.path());
            byte[] original = Files.readAllBytes(file);
            byte[] damaged = original.clone();
            damaged[damaged.length / 2] ^= 0x01;
            Files.write(file, damaged);
            assertThat(wheres(problemsOf(storage.id()))).as(p.path())
                    .anyMatch(w -> w.startsWith("part " + p.path() + ": SHA-256 mismatch"))
                    .anyMatch(w -> w.startsWith("archive: whole-archive SHA-256"));
            assertThat(wheres(problemsOf(full.id()))).as("the full backup reports its component's damage")
                    .anyMatch(w -> w.startsWith("part " + p.path()));
            Files.write(file, original);
        }
        assertThat(problemsOf(storage.id())).isEmpty();
    }

    @Test
    void truncatedMissingAndExtraPartsAreFound() throws Exception {
        Path second = sdir().resolve(storage.parts().get(1).path());
        byte[] original = Files.readAllBytes(second);
        try (var ch = java.nio.channels.FileChannel.open(second, StandardOpenOption.WRITE)) {
            ch.truncate(original.length - 1000);
        }
        assertThat(wheres(problemsOf(storage.id()))).anyMatch(w -> w.startsWith("part " + second.getFileName() + ": size " + (original.length - 1000)));
        Files.write(second, original);

        Path third = sdir().resolve(storage.parts().get(2).path());
        Path moved = Files.move(third, dir.resolve("aside"));
        assertThat(wheres(problemsOf(storage.id()))).anyMatch(w -> w.equals("part " + third.getFileName() + ": missing"));
        Files.move(moved, third);

        Path extra = sdir().resolve(storage.json().path("file").asText() + ".part004");
        Files.write(extra, new byte[100]);
        assertThat(wheres(problemsOf(storage.id()))).anyMatch(w -> w.startsWith("part " + extra.getFileName() + ": extra"));
        Files.delete(extra);
        assertThat(problemsOf(storage.id())).isEmpty();
    }

    @Test
    void aTruncatedArchiveOfEveryCodecIsSaidToBeTruncatedNeverNull() throws Exception {
        for (String codec : List.of("gz", "xz", "zstd")) {
            Fixture g = new Fixture(Files.createDirectories(dir.resolve(codec))).set("BACKUP_COMPRESSION", codec)
                    .storage(12, 100_000);
            assertThat(g.cli("backup", "storage", "--no-rotate").exitCode()).isZero();
            Manifest m = g.service().list(BackupType.STORAGE).get(0);
            Path archive = g.backups.resolve("storage").resolve(m.parts().get(0).path());
            try (var ch = java.nio.channels.FileChannel.open(archive, StandardOpenOption.WRITE)) {
                ch.truncate(ch.size() / 2); // the compressed stream ends early: its decoder says only EOFException
            }
            Fixture.Run r = g.cli("verify", m.id(), "--json");
            assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
            List<String> what = new ArrayList<>();
            JsonNode report = Json.MAPPER.readTree(r.stdout());
            report.path("problems").forEach(p -> what.add(p.path("what").asText()));
            assertThat(what).as(codec).contains("cannot read the compressed tar stream: unexpected end of data (truncated)");
            assertThat(what).as(codec).noneMatch(w -> w.contains("null") || w.contains("Exception"));
            // the files before the damage are checked, those after it named as lost (all were "lost" when the
            // pipeline dropped what the decoder gave in its failing 1 MiB read)
            assertThat(report.path("files_checked").asInt()).as(codec)
                    .isBetween(2, m.json().path("file_count").asInt() - 2);
            assertThat(what).as(codec).anyMatch(w -> w.matches("beyond the damage, cannot be restored: \\d+ entries of the "
                    + "index \\(\\d+ bytes of content\\): .*"));
        }
    }

    /**
     * A flipped byte in a gzip archive's last eight (the trailer: CRC-32 and size) damages no file: the data before it
     * decompresses in full. The decoder threw away the bytes of its last read with a bare "Gzip-compressed data is
     * corrupt", so the last file was named as cut short by the damage; now every file is checked and the trailer is named.
     */
    @Test
    void aDamagedGzipTrailerIsNamedAndEveryFileBeforeItIsChecked() throws Exception {
        for (int fromEnd : new int[] {8, 1}) { // the CRC-32's first byte, the size's last
            Fixture g = new Fixture(Files.createDirectories(dir.resolve("trailer-" + fromEnd)))
                    .set("BACKUP_COMPRESSION", "gz").storage(12, 100_000);
            assertThat(g.cli("backup", "storage", "--no-rotate").exitCode()).isZero();
            Manifest m = g.service().list(BackupType.STORAGE).get(0);
            Path archive = g.backups.resolve("storage").resolve(m.parts().get(0).path());
            byte[] bytes = Files.readAllBytes(archive);
            bytes[bytes.length - fromEnd] ^= 0x01;
            Files.write(archive, bytes);

            Fixture.Run r = g.cli("verify", m.id(), "--json");

            String context = "byte " + fromEnd + " from the end\n" + r.describe();
            assertThat(r.exitCode()).as(context).isEqualTo(1);
            JsonNode report = Json.MAPPER.readTree(r.stdout());
            List<String> what = new ArrayList<>();
            report.path("problems").forEach(p -> what.add(p.path("where").asText() + ": " + p.path("what").asText()));
            assertThat(what).as(context).anyMatch(w -> w.startsWith("archive: ") && w.contains("gzip trailer damaged"))
                    .noneMatch(w -> w.startsWith("file ") || w.contains("beyond the damage"));
            assertThat(report.path("files_checked").asInt()).as(context).isEqualTo(m.json().path("file_count").asInt());
        }
    }

    @Test
    void aMissingPartNamesTheEntriesThatLieBeyondIt() throws Exception {
        for (String codec : List.of("zstd", "gz", "xz", "none")) {
            Fixture g = new Fixture(Files.createDirectories(dir.resolve("missing-" + codec))).set("BACKUP_COMPRESSION", codec)
                    .set("BACKUP_MAX_SIZE_MB", "1").set("BACKUP_CHUNK_SIZE_MB", "1").storage(23, 2_400_000);
            assertThat(g.cli("backup", "storage", "--no-rotate").exitCode()).isZero();
            Manifest m = g.service().list(BackupType.STORAGE).get(0);
            assertThat(m.parts()).as(codec).hasSizeGreaterThanOrEqualTo(3);
            int entries = m.json().path("file_count").asInt();
            Path storageDir = g.backups.resolve("storage");
            for (int missing : new int[] {0, 1}) {
                Path part = storageDir.resolve(m.parts().get(missing).path());
                Path aside = Files.move(part, part.resolveSibling("aside"));
                Fixture.Run r = g.cli("verify", m.id(), "--json");
                Files.move(aside, part);
                String context = codec + ", part " + (missing + 1) + " missing\n" + r.describe();
                assertThat(r.exitCode()).as(context).isEqualTo(1);
                List<String> what = new ArrayList<>();
                Json.MAPPER.readTree(r.stdout()).path("problems")
                        .forEach(p -> what.add(p.path("where").asText() + ": " + p.path("what").asText()));
                assertThat(what).as(context).contains("part " + part.getFileName() + ": missing");
                String lost = what.stream().filter(w -> w.startsWith("archive: beyond the damage, cannot be restored: "))
                        .findFirst().orElseThrow(() -> new AssertionError("no lost entries named: " + context));
                long count = Long.parseLong(lost.replaceAll("^archive: beyond the damage, cannot be restored: (\\d+) .*", "$1"));
                if (missing == 0) {
                    assertThat(count).as(context + ": nothing can be read without the first part").isGreaterThanOrEqualTo(entries);
                } else {
                    assertThat(count).as(context + ": the entries of the first part are readable").isBetween(1L, entries - 1L);
                }
                assertThat(what).as(context).noneMatch(w -> w.contains("listed in the index but missing from the archive"));
            }
        }
    }

    @Test
    void theFileAMissingPartCutsInTwoIsNamedAndTheFilesBeforeItAreChecked() throws Exception {
        Fixture g = new Fixture(Files.createDirectories(dir.resolve("straddle"))).set("BACKUP_COMPRESSION", "none")
                .set("BACKUP_MAX_SIZE_MB", "1").set("BACKUP_CHUNK_SIZE_MB", "1");
        Files.createDirectories(g.storage);
        Files.writeString(g.storage.resolve("a.txt"), "before the gap");
        byte[] big = new byte[3 << 20]; // parts 1 to 4: the second lies inside it
        new java.util.Random(5).nextBytes(big);
        Files.write(g.storage.resolve("b.bin"), big);
        Files.writeString(g.storage.resolve("c.txt"), "after the gap");
        assertThat(g.cli("backup", "storage", "--no-rotate").exitCode()).isZero();
        Manifest m = g.service().list(BackupType.STORAGE).get(0);
        Files.delete(g.backups.resolve("storage").resolve(m.parts().get(1).path()));

        Fixture.Run r = g.cli("verify", m.id(), "--json");

        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        JsonNode report = Json.MAPPER.readTree(r.stdout());
        List<String> what = new ArrayList<>();
        report.path("problems").forEach(p -> what.add(p.path("where").asText() + ": " + p.path("what").asText()));
        assertThat(what).as(r.describe()).contains("file b.bin: cut short by the damage, cannot be restored")
                .anyMatch(w -> w.matches("archive: beyond the damage, cannot be restored: 1 entry of the index \\(13 bytes"
                        + " of content\\): c\\.txt"));
        assertThat(report.path("files_checked").asInt()).as("a.txt was read and checked").isEqualTo(1);
    }

    @Test
    void editedManifestsAreFound() throws Exception {
        Path manifest = sdir().resolve(storage.id() + ".json");
        byte[] original = Files.readAllBytes(manifest);
        for (String[] edit : new String[][] {{"created_at", "2020-01-01T00:00:00Z"}, {"file_count", "99999"}, {"compression", "gz"}}) {
            ObjectNode json = (ObjectNode) Json.MAPPER.readTree(original);
            if (edit[0].equals("file_count")) {
                json.put(edit[0], Long.parseLong(edit[1]));
            } else {
                json.put(edit[0], edit[1]);
            }
            Files.write(manifest, Manifest.toBytes(json));
            assertThat(wheres(problemsOf(storage.id()))).as(edit[0]).anyMatch(w -> w.startsWith("manifest: edited"));
        }
        // a removed manifest_checksum is a problem too
        ObjectNode json = (ObjectNode) Json.MAPPER.readTree(original);
        json.remove(Manifest.SELF_CHECKSUM);
        Files.write(manifest, Manifest.toBytes(json));
        assertThat(wheres(problemsOf(storage.id()))).anyMatch(w -> w.startsWith("manifest: has no manifest_checksum"));
        // edits the parser does not see are edits all the same: a space of the layout, bytes after the closing brace
        String text = new String(original, java.nio.charset.StandardCharsets.UTF_8);
        for (String edited : List.of(text.replaceFirst("\n  ", "\n\t"), text.replaceFirst("\" : ", "\":"), text + "x",
                text + "\n", text.replace("\n", "\r\n"))) {
            Files.writeString(manifest, edited);
            assertThat(wheres(problemsOf(storage.id()))).as(edited).anyMatch(w -> w.startsWith("manifest: edited"));
        }
        Files.write(manifest, original);
        assertThat(problemsOf(storage.id())).isEmpty();
        assertThat(original).as("written with \\n whatever the system's line separator").doesNotContain((byte) '\r')
                .isEqualTo(Manifest.toBytes((ObjectNode) Json.MAPPER.readTree(original)));
    }

    /** Listings skip a manifest they cannot read; verify --all must not: its backup counts as failed. */
    @Test
    void anUnreadableManifestFailsVerifyAll() throws Exception {
        Path manifest = sdir().resolve(storage.id() + ".json");
        Files.writeString(manifest, "{not json");
        Fixture.Run text = f.cli("verify", "--all");
        assertThat(text.exitCode()).as(text.describe()).isEqualTo(1);
        assertThat(text.stdout()).contains("FAILED " + storage.id()).contains("unreadable");
        JsonNode all = Json.MAPPER.readTree(f.cli("verify", "--all", "--json").stdout());
        assertThat(all.path("failed").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(all.path("reports").toString()).contains("manifest " + storage.id() + ".json");
    }

    /**
     * Nor may it pass over a backup whose manifest was deleted while its files stayed: it was skipped as no backup,
     * and with every manifest gone verify --all said "0 backups verified" and exited 0. The files of a backup still
     * being written (marked in flight) are no such backup.
     */
    @Test
    void aBackupWhoseManifestIsGoneFailsVerifyAll() throws Exception {
        Fixture.Run taken = f.cli("backup", "database", "--no-rotate");
        assertThat(taken.exitCode()).as(taken.describe()).isZero();
        Manifest standalone = f.service().list(BackupType.DATABASE).get(0);
        assertThat(standalone.id()).isNotEqualTo(database.id());
        Path ddir = f.backups.resolve("database");
        Files.delete(ddir.resolve(Manifest.fileName(standalone.id())));
        String writing = "db_backup_29990101T000000.000Z"; // a run at work: its data before its manifest
        Files.writeString(ddir.resolve(writing + ".db.zst"), "partial");
        Files.createDirectories(f.backups.resolve(".archivist/in-flight"));
        Files.writeString(f.backups.resolve(".archivist/in-flight").resolve(writing), "");

        Fixture.Run text = f.cli("verify", "--all");
        assertThat(text.exitCode()).as(text.describe()).isEqualTo(1);
        assertThat(text.stdout()).contains("FAILED " + standalone.id())
                .contains("manifest database/" + standalone.id() + ".json: missing").doesNotContain(writing);
        JsonNode all = Json.MAPPER.readTree(f.cli("verify", "--all", "--json").stdout());
        assertThat(all.path("failed").asInt()).isEqualTo(1);
        assertThat(all.path("reports").toString()).contains(standalone.id()).doesNotContain(writing);

        for (Path m : List.of(ddir.resolve(Manifest.fileName(database.id())), sdir().resolve(Manifest.fileName(storage.id())),
                f.backups.resolve("full").resolve(Manifest.fileName(full.id())))) {
            Files.delete(m);
        }
        Fixture.Run none = f.cli("verify", "--all");
        assertThat(none.exitCode()).as(none.describe()).isEqualTo(1);
        assertThat(none.stdout()).contains("FAILED " + standalone.id()).contains("FAILED " + database.id())
                .contains("FAILED " + storage.id()).contains("0 clean, 3 with problems");
    }

    @Test
    void aDamagedIndexIsFound() throws Exception {
        Path index = sdir().resolve(storage.indexFile());
        byte[] original = Files.readAllBytes(index);
        byte[] damaged = original.clone();
        damaged[damaged.length / 2] ^= 0x40;
        Files.write(index, damaged);
        assertThat(wheres(problemsOf(storage.id()))).anyMatch(w -> w.startsWith("index " + storage.indexFile() + ": SHA-256 mismatch"));
        Files.delete(index);
        assertThat(wheres(problemsOf(storage.id()))).anyMatch(w -> w.startsWith("index " + storage.indexFile() + ": missing"));
        Files.write(index, original);
    }

    private void corruptPagesKeepingChecksums(Manifest m) throws Exception {
        ForgedBackup.corruptPagesKeepingChecksums(f.backups, m, dir.resolve("plain.db"));
    }

    @Test
    void corruptedDatabasePagesWithRecomputedChecksumsAreFoundOnlyByIntegrityCheck() throws Exception {
        corruptPagesKeepingChecksums(database);

        Fixture.Run quick = f.cli("verify", database.id(), "--quick");
        assertThat(quick.exitCode()).as("checksums match, so the quick check passes: " + quick.describe()).isZero();
        List<String> problems = wheres(problemsOf(database.id()));
        assertThat(problems).isNotEmpty().allMatch(w -> w.startsWith("database file: integrity_check"), "only integrity_check");

        // and a restore refuses it, live database untouched
        List<String> rows = Fixture.rows(f.db);
        Fixture.Run restore = f.cli("restore", "database", database.id(), "--yes");
        assertThat(restore.exitCode()).as(restore.describe()).isEqualTo(1);
        assertThat(restore.stderr()).contains("integrity_check");
        assertThat(Fixture.rows(f.db)).isEqualTo(rows);
    }

    @Test
    void aCleanQuickVerifyNeitherClearsADeepFailureNorProtectsTheBackupInRotation() throws Exception {
        // two more database backups, outside any full backup: the newer gets damaged
        for (int i = 0; i < 2; i++) {
            Fixture.Run r = f.cli("backup", "database", "--no-rotate");
            assertThat(r.exitCode()).as(r.describe()).isZero();
        }
        Manifest newest = f.service().list(BackupType.DATABASE).get(0);
        Manifest sound = f.service().list(BackupType.DATABASE).get(1);
        assertThat(List.of(newest.id(), sound.id())).doesNotContain(database.id());
        corruptPagesKeepingChecksums(newest);

        assertThat(problemsOf(newest.id())).as("the deep verify finds the damage").isNotEmpty();
        Fixture.Run quick = f.cli("verify", newest.id(), "--quick");
        assertThat(quick.exitCode()).as("its checksums match: " + quick.describe()).isZero();
        JsonNode row = listRow(newest.id());
        assertThat(row.path("last_verified").path("clean").asBoolean()).as("the deep failure stays: " + row).isFalse();
        assertThat(row.path("last_verified").path("deep").asBoolean()).isTrue();
        assertThat(f.cli("list", "--type", "database").stdout()).containsPattern(newest.id() + ".*FAILED");

        // rotation keeping one database backup keeps the older, sound one: the damaged one takes no place
        JsonNode plan = Json.MAPPER.readTree(f.cli("rotate", "--dry-run", "--json", "--max-backups", "1").stdout());
        Map<String, String> actions = new java.util.HashMap<>();
        plan.path("decisions").forEach(d -> actions.put(d.path("id").asText(), d.path("action").asText()));
        assertThat(actions).as(plan.toString()).containsEntry(sound.id(), "keep");
    }

    @Test
    void aQuickVerifyIsRecordedAsChecksumsOnlyAndDoesNotReplaceADeepClean() throws Exception {
        assertThat(f.cli("verify", storage.id(), "--quick").exitCode()).isZero();
        JsonNode quick = listRow(storage.id()).path("last_verified");
        assertThat(quick.path("clean").asBoolean()).isTrue();
        assertThat(quick.path("deep").asBoolean()).as(quick.toString()).isFalse();
        assertThat(f.cli("list", "--type", "storage").stdout()).containsPattern(storage.id() + ".*clean \\(checksums\\)");
        assertThat(f.cli("stats").stdout().lines().filter(l -> l.startsWith("storage"))).singleElement().asString()
                .contains("clean (checksums) ");
        assertThat(Json.MAPPER.readTree(f.cli("stats", "--json").stdout()).path("types").path("storage")
                .path("last_verified_deep").asBoolean(true)).isFalse();

        assertThat(problemsOf(storage.id())).isEmpty();
        String deepAt = listRow(storage.id()).path("last_verified").path("at").asText();
        assertThat(f.cli("verify", storage.id(), "--quick").exitCode()).isZero();
        JsonNode after = listRow(storage.id()).path("last_verified");
        assertThat(after.path("deep").asBoolean()).as(after.toString()).isTrue();
        assertThat(after.path("at").asText()).isEqualTo(deepAt);
    }

    /**
     * A full backup verified clean, whose storage part is damaged later and found so by its own verify: it cannot be
     * restored (rotation, stats and {@code restore full latest} pass it over), and {@code list} and the last
     * verification of {@code stats} say so rather than show the full backup's own, older, clean result.
     */
    @Test
    void aFullBackupWhosePartLaterFailsItsOwnVerifyIsListedFailed() throws Exception {
        assertThat(problemsOf(full.id())).isEmpty();
        Path part = sdir().resolve(storage.parts().get(1).path());
        byte[] b = Files.readAllBytes(part);
        b[b.length / 2] ^= 0x01;
        Files.write(part, b);
        assertThat(problemsOf(storage.id())).isNotEmpty();

        JsonNode v = listRow(full.id()).path("last_verified");
        assertThat(v.path("clean").asBoolean(true)).as(v.toString()).isFalse();
        assertThat(v.path("component").asText()).isEqualTo(storage.id());
        assertThat(f.cli("list", "--type", "full").stdout()).containsPattern(full.id() + ".*FAILED \\(storage part\\) ");
        JsonNode stats = Json.MAPPER.readTree(f.cli("stats", "--json").stdout()).path("types").path("full");
        assertThat(stats.path("last_verified_clean").asBoolean(true)).as("stats as list: " + stats).isFalse();
    }

    private JsonNode listRow(String id) throws Exception {
        for (JsonNode row : Json.MAPPER.readTree(f.cli("list", "--json").stdout())) {
            if (row.path("id").asText().equals(id)) {
                return row;
            }
        }
        throw new AssertionError(id + " not listed");
    }

    @Test
    void severalProblemsAreAllReportedTogetherAndAllSummarises() throws Exception {
        List<Manifest.Part> parts = storage.parts();
        Path first = sdir().resolve(parts.get(0).path());
        byte[] b = Files.readAllBytes(first);
        b[10] ^= 0x10;
        Files.write(first, b);
        Files.delete(sdir().resolve(parts.get(2).path()));
        Files.write(sdir().resolve(storage.json().path("file").asText() + ".part009"), new byte[] {1});
        Path index = sdir().resolve(storage.indexFile());
        byte[] idx = Files.readAllBytes(index);
        idx[idx.length - 5] ^= 0x01;
        Files.write(index, idx);
        Path manifest = sdir().resolve(storage.id() + ".json");
        ObjectNode json = (ObjectNode) Json.MAPPER.readTree(manifest.toFile());
        json.put("file_count", 1);
        Files.write(manifest, Manifest.toBytes(json));

        List<String> problems = wheres(problemsOf(storage.id()));
        assertThat(problems)
                .anyMatch(w -> w.startsWith("manifest: edited"))
                .anyMatch(w -> w.startsWith("part " + parts.get(2).path() + ": missing"))
                .anyMatch(w -> w.contains(".part009: extra"))
                .anyMatch(w -> w.startsWith("index "))
                .anyMatch(w -> w.startsWith("part " + parts.get(0).path() + ": SHA-256 mismatch"));

        Fixture.Run text = f.cli("verify", storage.id());
        assertThat(text.exitCode()).isEqualTo(1);
        assertThat(text.stdout()).contains("FAILED").contains(parts.get(2).path()).contains(".part009");

        Map<String, String> before = f.backupFiles();
        Fixture.Run all = f.cli("verify", "--all", "--json");
        assertThat(f.backupFiles()).isEqualTo(before);
        assertThat(all.exitCode()).as(all.describe()).isEqualTo(1);
        JsonNode summary = Json.MAPPER.readTree(all.stdout());
        assertThat(summary.path("verified").asInt()).isEqualTo(3);
        assertThat(summary.path("failed").asInt()).as("storage and the full backup containing it").isEqualTo(2);
        assertThat(summary.path("clean").asInt()).isEqualTo(1);
        Fixture.Run allText = f.cli("verify", "--all");
        assertThat(allText.stdout()).contains("3 backups verified: 1 clean, 2 with problems");

        JsonNode list = Json.MAPPER.readTree(f.cli("list", "--json").stdout());
        for (JsonNode row : list) {
            boolean clean = row.path("id").asText().equals(database.id());
            assertThat(row.path("last_verified").path("clean").asBoolean()).as(row.toString()).isEqualTo(clean);
        }
        assertThat(f.cli("list").stdout()).contains("FAILED");
        JsonNode stats = Json.MAPPER.readTree(f.cli("stats", "--json").stdout());
        assertThat(stats.path("types").path("storage").path("last_verified_clean").asBoolean(true)).isFalse();
    }
}
