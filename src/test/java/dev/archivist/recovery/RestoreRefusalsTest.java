package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.archivist.BackupService;
import dev.archivist.BackupType;
import dev.archivist.catalog.Json;
import dev.archivist.catalog.Manifest;
import dev.archivist.config.Compression;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SEED-SPEC defects 2 and 4: restore never skips the checksums (not with --no-verify, not when the manifest is missing
 * or lacks them), refuses without --yes when there is no terminal, and a restore that fails part-way leaves the live
 * folder byte-identical.
 */
class RestoreRefusalsTest {
    @TempDir
    Path dir;

    Fixture f;
    Manifest storage;
    Manifest database;
    Map<String, String> liveTree;
    List<String> liveRows;

    @BeforeEach
    void setUp() throws Exception {
        f = new Fixture(dir).set("BACKUP_MAX_SIZE_MB", "1").set("BACKUP_CHUNK_SIZE_MB", "1").database(500).storage(31, 2_200_000);
        BackupService s = f.service();
        storage = s.backupStorage(false, null);
        database = s.backupDatabase(false);
        // the live data moves on after the backup
        Files.writeString(f.storage.resolve("documents/after-backup.txt"), "newer than the backup");
        try (var c = dev.archivist.testing.TestDb.open(f.db); var st = c.createStatement()) {
            st.execute("DELETE FROM items WHERE id < 50");
        }
        liveTree = Fixture.tree(f.storage);
        liveRows = Fixture.rows(f.db);
    }

    private void assertLiveUnchanged(String why) throws Exception {
        assertThat(Fixture.tree(f.storage)).as(why + ": live storage").isEqualTo(liveTree);
        assertThat(Fixture.rows(f.db)).as(why + ": live database").isEqualTo(liveRows);
        assertThat(Fixture.names(dir)).as(why + ": no staging, temp or before-restore leftovers")
                .noneMatch(n -> n.startsWith(".archivist-restore-") || n.contains("before-restore"));
        assertThat(f.service().list(BackupType.DATABASE)).as(why + ": no safety backup was needed").noneMatch(Manifest::preRestore);
    }

    @Test
    void checksumsAreCheckedEvenWithNoVerify() throws Exception {
        Path part = f.backups.resolve("storage").resolve(storage.parts().get(1).path());
        byte[] b = Files.readAllBytes(part);
        b[b.length / 3] ^= 0x04;
        Files.write(part, b);
        Fixture.Run r = f.cli("restore", "storage", storage.id(), "--yes", "--no-verify");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        assertThat(r.stderr()).contains("refused").contains(storage.parts().get(1).path()).contains("SHA-256");
        Fixture.Run t = f.cli("restore", "storage", storage.id(), "--target", dir.resolve("t").toString(), "--no-verify");
        assertThat(t.exitCode()).as(t.describe()).isEqualTo(1);
        assertThat(Files.exists(dir.resolve("t"))).isFalse();

        Path dbPart = f.backups.resolve("database").resolve(database.parts().get(0).path());
        byte[] d = Files.readAllBytes(dbPart);
        d[d.length - 10] ^= 0x01;
        Files.write(dbPart, d);
        Fixture.Run rd = f.cli("restore", "database", database.id(), "--yes", "--no-verify");
        assertThat(rd.exitCode()).as(rd.describe()).isEqualTo(1);
        assertThat(rd.stderr()).contains("refused").contains("SHA-256");
        assertLiveUnchanged("damaged parts");
    }

    @Test
    void aDamagedIndexRefusesTheRestoreButNoVerifyRestoresTheIntactPartsWithoutIt() throws Exception {
        Fixture.Run checked = f.cli("restore", "storage", storage.id(), "--target", dir.resolve("checked").toString());
        assertThat(checked.exitCode()).as(checked.describe()).isEqualTo(0);
        Map<String, String> backedUp = Fixture.tree(dir.resolve("checked"));
        assertThat(backedUp).containsKey("photos/2025/IMG_0.raw").doesNotContainKey("documents/after-backup.txt");
        Path index = f.backups.resolve("storage").resolve(storage.indexFile());
        byte[] b = Files.readAllBytes(index);
        b[b.length / 2] ^= 0x10;
        Files.write(index, b);

        Fixture.Run r = f.cli("restore", "storage", storage.id(), "--yes");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        assertThat(r.stderr()).contains("refused").contains("SHA-256 mismatch").contains("--no-verify restores without the index");
        assertThat(r.stderr().lines()).as("one problem per line").anyMatch(l -> l.startsWith("  - " + storage.id() + ": index "));
        assertLiveUnchanged("damaged index, checked restore");

        Path target = dir.resolve("t");
        Fixture.Run t = f.cli("restore", "storage", storage.id(), "--target", target.toString(), "--no-verify");
        assertThat(t.exitCode()).as(t.describe()).isEqualTo(0);
        assertThat(t.stdout() + t.stderr()).contains("WITHOUT the per-file index");
        assertThat(Fixture.tree(target)).isEqualTo(backedUp);

        Files.delete(index);
        Fixture.Run live = f.cli("restore", "storage", storage.id(), "--yes", "--no-verify");
        assertThat(live.exitCode()).as(live.describe()).isEqualTo(0);
        assertThat(Fixture.tree(f.storage)).isEqualTo(backedUp);

        // the parts are still checked: a damaged part as well refuses, index or not
        Path part = f.backups.resolve("storage").resolve(storage.parts().get(0).path());
        byte[] p = Files.readAllBytes(part);
        p[p.length / 2] ^= 0x01;
        Files.write(part, p);
        Fixture.Run both = f.cli("restore", "storage", storage.id(), "--target", dir.resolve("u").toString(), "--no-verify");
        assertThat(both.exitCode()).as(both.describe()).isEqualTo(1);
        assertThat(both.stderr()).contains("refused").contains(storage.parts().get(0).path());
        assertThat(Files.exists(dir.resolve("u"))).isFalse();
    }

    @Test
    void aTargetThatIsADanglingSymlinkOrLiesUnderAFileIsRefusedAsSuch() throws Exception {
        Path dangling = Files.createSymbolicLink(dir.resolve("link"), dir.resolve("nowhere"));
        Path aFile = Files.writeString(dir.resolve("a-file"), "x");
        for (String type : new String[] {"database", "storage"}) {
            String id = type.equals("database") ? database.id() : storage.id();
            Fixture.Run link = f.cli("restore", type, id, "--target", dangling.toString());
            assertThat(link.exitCode()).as(link.describe()).isEqualTo(1);
            assertThat(link.stderr()).contains("already exists (a symlink)");
            assertThat(Files.isSymbolicLink(dangling)).isTrue();
            assertThat(dir.resolve("nowhere")).doesNotExist();

            Fixture.Run under = f.cli("restore", type, id, "--target", aFile.resolve("x").toString());
            assertThat(under.exitCode()).as(under.describe()).isEqualTo(1);
            assertThat(under.stderr()).contains("cannot be made: " + aFile + " is not a folder");

            Fixture.Run beyond = f.cli("restore", type, id, "--target", dangling.resolve("x").toString());
            assertThat(beyond.exitCode()).as(beyond.describe()).isEqualTo(1);
            assertThat(beyond.stderr()).contains("cannot be made: " + dangling + " is a symlink that leads nowhere (-> "
                    + dir.resolve("nowhere") + ")");
        }
        assertThat(Files.readString(aFile)).isEqualTo("x");
    }

    @Test
    void aBackupWithoutItsManifestOrWithoutChecksumsIsNeverRestored() throws Exception {
        // the data file named directly, its manifest gone
        Path dbFile = f.backups.resolve("database").resolve(database.parts().get(0).path());
        Files.delete(f.backups.resolve("database").resolve(database.id() + ".json"));
        Fixture.Run r = f.cli("restore", "database", dbFile.toString(), "--yes", "--no-verify");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        assertThat(r.stderr()).contains(database.id());

        // a manifest whose checksums were removed (and its self-checksum recomputed to match)
        Path manifest = f.backups.resolve("storage").resolve(storage.id() + ".json");
        ObjectNode json = (ObjectNode) Json.MAPPER.readTree(manifest.toFile());
        json.remove("checksum");
        json.path("parts").forEach(p -> ((ObjectNode) p).remove("sha256"));
        json.put(Manifest.SELF_CHECKSUM, Manifest.selfChecksum(json));
        Files.write(manifest, Manifest.toBytes(json));
        Fixture.Run s = f.cli("restore", "storage", storage.id(), "--yes", "--no-verify");
        assertThat(s.exitCode()).as(s.describe()).isEqualTo(1);
        assertThat(s.stderr()).contains("refused");
        assertLiveUnchanged("missing manifest or checksums");
    }

    @Test
    void withoutYesAndWithoutATerminalNothingIsRestored() throws Exception {
        for (String[] args : new String[][] {{"restore", "storage", storage.id()}, {"restore", "database", database.id()}, {"restore", "full", "latest"}}) {
            Fixture.Run r = f.cli(args);
            if (args[1].equals("full")) {
                // no full backup exists yet: take one, then try again
                f.service().backupFull(false, null);
                Files.writeString(f.storage.resolve("documents/after-backup.txt"), "newer than the backup");
                liveTree = Fixture.tree(f.storage);
                liveRows = Fixture.rows(f.db);
                r = f.cli(args);
            }
            assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
            assertThat(r.stderr()).contains("--yes");
        }
        assertThat(Fixture.tree(f.storage)).isEqualTo(liveTree);
        assertThat(Fixture.rows(f.db)).isEqualTo(liveRows);
        assertThat(f.service().list(BackupType.DATABASE)).noneMatch(Manifest::preRestore);
        assertThat(Fixture.names(dir)).noneMatch(n -> n.contains("before-restore") || n.startsWith(".archivist-restore-"));
    }

    @Test
    void aStorageRestoreFailingLateLeavesTheLiveFolderByteIdentical() throws Exception {
        // 1. a damaged compressed stream in the last part, with every checksum recomputed: extraction fails mid-way
        Path manifestFile = f.backups.resolve("storage").resolve(storage.id() + ".json");
        byte[] originalManifest = Files.readAllBytes(manifestFile);
        List<Manifest.Part> parts = storage.parts();
        Path last = f.backups.resolve("storage").resolve(parts.get(parts.size() - 1).path());
        byte[] originalLast = Files.readAllBytes(last);
        byte[] damaged = java.util.Arrays.copyOf(originalLast, originalLast.length / 2);
        Files.write(last, damaged);
        rewriteChecksums(manifestFile);
        Fixture.Run r = f.cli("restore", "storage", storage.id(), "--yes", "--no-verify");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        assertLiveUnchanged("truncated compressed stream");
        Files.write(last, originalLast);
        Files.write(manifestFile, originalManifest);

        // 2. the archive and its index disagree about the last file: the staged tree does not match
        Manifest forged = new ForgedBackup().dir("a").file("a/one.txt", "one").file("a/two.txt", "two")
                .fileIndexedAs("z-last.txt", "what the archive holds", "what the index promised").writeTo(f.backups, Compression.GZ, 2);
        Fixture.Run r2 = f.cli("restore", "storage", forged.id(), "--yes");
        assertThat(r2.exitCode()).as(r2.describe()).isEqualTo(1);
        assertThat(r2.stderr()).contains("z-last.txt");
        assertLiveUnchanged("index mismatch");

        // 3. a hostile entry at the very end, after many good files
        ForgedBackup many = new ForgedBackup();
        for (int i = 0; i < 200; i++) {
            many.file("f" + i + ".txt", "content " + i);
        }
        many.raw(ForgedBackup.entry("../../late-escape.txt", org.apache.commons.compress.archivers.tar.TarConstants.LF_NORMAL), "x");
        Manifest late = many.writeTo(f.backups, Compression.ZSTD, 1);
        Fixture.Run r3 = f.cli("restore", "storage", late.id(), "--yes");
        assertThat(r3.exitCode()).as(r3.describe()).isEqualTo(1);
        assertThat(r3.stderr()).contains("late-escape.txt");
        assertLiveUnchanged("unsafe last entry");

        // and the original backup still restores fine afterwards
        Fixture.Run ok = f.cli("restore", "storage", storage.id(), "--yes");
        assertThat(ok.exitCode()).as(ok.describe()).isZero();
    }

    @Test
    void aFullRestoreWhoseStorageFailsLateLeavesTheLiveDatabaseAsWell() throws Exception {
        Manifest full = f.service().backupFull(false, null);
        Files.writeString(f.storage.resolve("documents/after-full.txt"), "newer than the full backup");
        try (var c = dev.archivist.testing.TestDb.open(f.db); var st = c.createStatement()) {
            st.execute("DELETE FROM items WHERE id < 80");
        }
        liveTree = Fixture.tree(f.storage);
        liveRows = Fixture.rows(f.db);
        // the storage component's compressed stream is cut short, every checksum (parts, archive, the full manifest's
        // reference to it) recomputed to match: only extraction can find out, after the database was prepared
        String storageId = full.component(BackupType.STORAGE).path("id").asText();
        Path storageManifest = f.backups.resolve("storage").resolve(storageId + ".json");
        Manifest component = Fixture.readManifest(storageManifest);
        List<Manifest.Part> parts = component.parts();
        Path last = f.backups.resolve("storage").resolve(parts.get(parts.size() - 1).path());
        byte[] lastBytes = Files.readAllBytes(last);
        Files.write(last, java.util.Arrays.copyOf(lastBytes, lastBytes.length / 2));
        rewriteChecksums(storageManifest);
        String newChecksum = Fixture.readManifest(storageManifest).checksum();
        Path fullManifest = f.backups.resolve("full").resolve(full.id() + ".json");
        ObjectNode json = (ObjectNode) Json.MAPPER.readTree(fullManifest.toFile());
        ((ObjectNode) json.path("storage")).put("checksum", newChecksum);
        String dbChecksum = json.path("database").path("checksum").asText();
        json.put("checksum", ForgedBackup.sha256(("database:" + dbChecksum + "\nstorage:" + newChecksum + "\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        json.put(Manifest.SELF_CHECKSUM, Manifest.selfChecksum(json));
        Files.write(fullManifest, Manifest.toBytes(json), StandardOpenOption.TRUNCATE_EXISTING);
        assertThat(f.service().verify(f.service().find(full.id(), BackupType.FULL), false).clean())
                .as("the forged full backup passes the checksum verification").isTrue();

        Fixture.Run r = f.cli("restore", "full", full.id(), "--yes", "--no-verify");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        assertLiveUnchanged("full restore with a storage component that fails during extraction");
    }

    /** Recomputes the part, whole-archive and manifest checksums after the parts were changed on disk. */
    /**
     * A live database SQLite may not write (here an immutable file: root ignores permissions) is refused before anything
     * changes; SQLite would open it read-only and its backup API reported success with the old content still live. A
     * full restore then switched the storage folder in and kept the old database.
     */
    @Test
    void aLiveDatabaseThatCannotBeWrittenIsRefusedBeforeAnythingChanges() throws Exception {
        Process lock = new ProcessBuilder("chattr", "+i", f.db.toString()).redirectErrorStream(true).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(lock.waitFor() == 0, "chattr +i is not available here");
        try {
            Manifest full = f.service().backupFull(false, null);
            liveTree = Fixture.tree(f.storage);
            for (String[] args : new String[][] {{"restore", "database", database.id(), "--yes"},
                    {"restore", "full", full.id(), "--yes"}}) {
                Fixture.Run r = f.cli(args);
                assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
                assertThat(r.stderr()).contains("not writable").contains("nothing was changed");
                assertLiveUnchanged(String.join(" ", args));
            }
        } finally {
            new ProcessBuilder("chattr", "-i", f.db.toString()).start().waitFor();
        }
    }

    private void rewriteChecksums(Path manifestFile) throws Exception {
        ObjectNode json = (ObjectNode) Json.MAPPER.readTree(manifestFile.toFile());
        Path sdir = manifestFile.getParent();
        java.security.MessageDigest whole = java.security.MessageDigest.getInstance("SHA-256");
        long total = 0;
        for (var p : json.path("parts")) {
            byte[] data = Files.readAllBytes(sdir.resolve(p.path("path").asText()));
            ((ObjectNode) p).put("size", data.length).put("sha256", ForgedBackup.sha256(data));
            whole.update(data);
            total += data.length;
        }
        String sha = java.util.HexFormat.of().formatHex(whole.digest());
        json.put("checksum", sha).put("archive_sha256", sha).put("file_size", total).put("bytes_written", total);
        json.put(Manifest.SELF_CHECKSUM, Manifest.selfChecksum(json));
        Files.write(manifestFile, Manifest.toBytes(json), StandardOpenOption.TRUNCATE_EXISTING);
    }

    @SuppressWarnings("unused")
    private static Map<String, String> sorted(Map<String, String> m) {
        return new TreeMap<>(m);
    }
}
