package dev.archivist.storage;

import static dev.archivist.storage.StorageFixtures.JSON;
import static dev.archivist.storage.StorageFixtures.q;
import static dev.archivist.storage.StorageFixtures.sh;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.archivist.archive.IndexEntry;
import dev.archivist.testing.CliProcess;
import dev.archivist.testing.TestDb;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code archivist ls}: the files of a storage backup (or of a full backup's storage part) from its index, checked
 * against the manifest first; {@code --path} selects; a damaged index, a database backup or an unknown id list
 * nothing.
 */
class LsCommandTest {
    /** 2021-03-04 05:06:07 UTC. */
    private static final long T = 1_614_834_367L;

    @TempDir
    Path tmp;

    @Test
    void everyEntryIsListedAsTarWouldWithItsTypeModeSizeTimeAndTarget() throws Exception {
        Path storage = tree();
        Path backups = tmp.resolve("backups");
        CliProcess.Result backup = cli(storage, backups).run("backup", "storage", "--json", "--no-rotate");
        assertThat(backup.exitCode()).as(backup.describe()).isZero();
        String id = JSON.readTree(backup.stdout()).path("id").asText();

        CliProcess.Result ls = cli(storage, backups).run("ls", id);
        assertThat(ls.exitCode()).as(ls.describe()).isZero();
        assertThat(ls.stdout().lines().toList()).containsExactly(
                "-rw-r-----            5  2021-03-04 05:06:07  a b.txt",
                "lrwxrwxrwx            0  2021-03-04 05:06:08  ln -> sub/é.bin",
                "-rwxr-xr-x            2  2021-03-04 05:06:09  new\\nline\\\\.sh",
                "drwxrwxrwt            0  2021-03-04 05:06:10  sub/",
                "hrw-r-----            0  2021-03-04 05:06:07  sub/hard link to a b.txt",
                "-rw-r--r--         1000  2021-03-04 05:06:12  sub/é.bin");
        assertThat(ls.stderr()).contains("archivist: files of " + id + " (taken ")
                .contains("archivist: 3 files (1007 B), 1 folder, 1 symlink, 1 hard link");

        CliProcess.Result latest = cli(storage, backups).run("ls", "latest");
        assertThat(latest.stdout()).isEqualTo(ls.stdout());

        CliProcess.Result json = cli(storage, backups).run("ls", id, "--json");
        assertThat(json.exitCode()).as(json.describe()).isZero();
        JsonNode doc = JSON.readTree(json.stdout());
        assertThat(doc.path("backup_id").asText()).isEqualTo(id);
        Map<String, IndexEntry> index = StorageFixtures.readIndex(backups.resolve("storage"), JSON.readTree(backup.stdout()));
        List<IndexEntry> listed = new ArrayList<>();
        for (JsonNode e : doc.path("entries")) {
            listed.add(JSON.treeToValue(e, IndexEntry.class));
        }
        assertThat(listed).containsExactlyElementsOf(index.values());
        assertThat(listed).extracting(IndexEntry::path).contains("new\nline\\.sh");
        assertThat(doc.path("files").asLong()).isEqualTo(3);
        assertThat(doc.path("bytes").asLong()).isEqualTo(1007);
        assertThat(doc.path("hard_links").asLong()).isEqualTo(1);
        assertThat(doc.path("unmatched").size()).isZero();
    }

    @Test
    void aFullBackupListsItsStoragePartAndPathsSelectFoldersWithTheirContent() throws Exception {
        Path storage = tree();
        Path backups = tmp.resolve("backups");
        TestDb.create(tmp.resolve("app.db"), TestDb.Mode.WAL, 10, 100);
        CliProcess.Result backup = cli(storage, backups).run("backup", "full", "--json", "--no-rotate");
        assertThat(backup.exitCode()).as(backup.describe()).isZero();
        JsonNode full = JSON.readTree(backup.stdout());
        String fullId = full.path("id").asText();
        String storageId = full.path("storage").path("id").asText();

        for (String glob : List.of("sub/", "/sub", "./sub")) { // a leading / or ./ is the storage root, as in excludes
            CliProcess.Result sub = cli(storage, backups).run("ls", fullId, "--path", glob);
            assertThat(sub.exitCode()).as(sub.describe()).isZero();
            assertThat(sub.stdout().lines().map(l -> l.substring(l.lastIndexOf("  ") + 2)))
                    .containsExactly("sub/", "sub/hard link to a b.txt", "sub/é.bin");
            assertThat(sub.stderr()).contains("files of " + storageId);
        }
        assertThat(cli(storage, backups).run("ls", fullId, "--path", "/").stdout().lines()).hasSize(6);
        CliProcess.Result empty = cli(storage, backups).run("ls", fullId, "--path", ""); // "$DIR" unset in a script
        assertThat(empty.exitCode()).as(empty.describe()).isEqualTo(2);
        assertThat(empty.stdout()).isEmpty();
        assertThat(empty.stderr()).contains("--path '': empty; give / for the whole storage folder");

        CliProcess.Result some = cli(storage, backups).run("ls", fullId, "--path", "*.txt", "--path", "photos/**", "--json");
        assertThat(some.exitCode()).as(some.describe()).isEqualTo(1);
        JsonNode doc = JSON.readTree(some.stdout());
        assertThat(doc.path("entries")).extracting(e -> e.path("path").asText()).containsExactly("a b.txt");
        assertThat(doc.path("unmatched")).extracting(JsonNode::asText).containsExactly("photos/**");
        assertThat(some.stderr()).contains("--path 'photos/**': not found in " + storageId);

        String dbId = full.path("database").path("id").asText();
        CliProcess.Result db = cli(storage, backups).run("ls", dbId);
        assertThat(db.exitCode()).as(db.describe()).isEqualTo(1);
        assertThat(db.stdout()).isEmpty();
        assertThat(db.stderr()).contains(dbId + " is a database backup");

        Path fullManifest = backups.resolve("full").resolve(fullId + ".json");
        Files.writeString(fullManifest, Files.readString(fullManifest).replaceFirst("\\{", "{ \"note\" : \"edited\","));
        CliProcess.Result edited = cli(storage, backups).run("ls", fullId);
        assertThat(edited.exitCode()).as(edited.describe()).isEqualTo(1);
        assertThat(edited.stderr()).contains("the manifest of " + fullId + " was edited after it was written");
    }

    @Test
    void aDamagedIndexAnUnknownBackupOrABadGlobListNothingAndAFailedOutputIsAnError() throws Exception {
        Path storage = tree();
        Path backups = tmp.resolve("backups");
        CliProcess.Result backup = cli(storage, backups).run("backup", "storage", "--json", "--no-rotate");
        JsonNode m = JSON.readTree(backup.stdout());
        String id = m.path("id").asText();
        Path index = backups.resolve("storage").resolve(m.path("index").path("path").asText());

        CliProcess.Result bad = cli(storage, backups).run("ls", id, "--path", "[x");
        assertThat(bad.exitCode()).as(bad.describe()).isEqualTo(2);
        assertThat(bad.stderr()).contains("--path '[x': bad glob");

        CliProcess.Result unknown = cli(storage, backups).run("ls", "storage_backup_20200101T000000.000Z", "--json");
        assertThat(unknown.exitCode()).as(unknown.describe()).isEqualTo(1);
        assertThat(JSON.readTree(unknown.stdout()).path("error").asText()).contains("no backup");

        Path part = backups.resolve("storage").resolve(m.path("parts").get(0).path("path").asText());
        Path aside = Files.move(part, tmp.resolve("part-aside"));
        CliProcess.Result noArchive = cli(storage, backups).run("ls", id);
        assertThat(noArchive.exitCode()).as(noArchive.describe()).isZero();
        assertThat(noArchive.stdout().lines()).hasSize(6);
        assertThat(noArchive.stderr()).contains("note: " + id + " cannot be restored: 1 archive part missing ("
                + part.getFileName() + ")");
        Files.move(aside, part);
        byte[] whole = Files.readAllBytes(part);
        Files.write(part, java.util.Arrays.copyOf(whole, whole.length / 2)); // truncated (a full disk, by hand)
        CliProcess.Result truncated = cli(storage, backups).run("ls", id);
        assertThat(truncated.exitCode()).as(truncated.describe()).isZero();
        assertThat(truncated.stdout().lines()).hasSize(6);
        assertThat(truncated.stderr()).contains("note: " + id + " cannot be restored: 1 archive part not of the"
                + " recorded size (" + part.getFileName() + ")");
        Files.write(part, whole);

        Path manifest = backups.resolve("storage").resolve(id + ".json");
        String original = Files.readString(manifest);
        Files.writeString(manifest, original.replaceFirst("\"file_count\" : \\d+", "\"file_count\" : 999"));
        assertThat(Files.readString(manifest)).isNotEqualTo(original);
        CliProcess.Result edited = cli(storage, backups).run("ls", id);
        assertThat(edited.exitCode()).as(edited.describe()).isEqualTo(1);
        assertThat(edited.stdout()).isEmpty();
        assertThat(edited.stderr()).contains("the manifest of " + id + " was edited after it was written");
        Files.writeString(manifest, original);

        Path err = tmp.resolve("ls-full.err");
        Process full = cli(storage, backups).start(new java.io.File("/dev/full"), err.toFile(), "ls", id);
        assertThat(full.waitFor()).as("ls into a full disk").isEqualTo(1);
        assertThat(Files.readString(err)).contains("the output could not be written (closed pipe or full disk)");

        try (RandomAccessFile f = new RandomAccessFile(index.toFile(), "rw")) { // still a valid gzip header: damage inside
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 0x40);
        }
        CliProcess.Result damaged = cli(storage, backups).run("ls", id);
        assertThat(damaged.exitCode()).as(damaged.describe()).isEqualTo(1);
        assertThat(damaged.stdout()).isEmpty();
        assertThat(damaged.stderr()).contains("the index of " + id).contains("does not match the SHA-256")
                .contains("archivist verify " + id);

        Files.delete(index);
        CliProcess.Result missing = cli(storage, backups).run("ls", id, "--json");
        assertThat(missing.exitCode()).as(missing.describe()).isEqualTo(1);
        assertThat(JSON.readTree(missing.stdout()).path("error").asText()).contains("is missing");
    }

    @Test
    void aNameCopiedFromLsSelectsThatEntryEvenWhenItReadsAsAGlob() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        for (String name : List.of("[ab].txt", "a.txt", "c.txt", "{x}.txt", "x.txt", "star*.txt", "stars.txt")) {
            Files.writeString(storage.resolve(name), name);
        }
        Path backups = tmp.resolve("backups");
        CliProcess.Result backup = cli(storage, backups).run("backup", "storage", "--no-rotate");
        assertThat(backup.exitCode()).as(backup.describe()).isZero();

        for (String[] c : new String[][] {{"[ab].txt", "[ab].txt", "a.txt"}, {"{x}.txt", "x.txt", "{x}.txt"},
                {"star*.txt", "star*.txt", "stars.txt"}}) {
            CliProcess.Result ls = cli(storage, backups).run("ls", "latest", "--path", c[0]);
            assertThat(ls.exitCode()).as(ls.describe()).isZero();
            assertThat(ls.stdout().lines().map(l -> l.substring(l.lastIndexOf("  ") + 2)))
                    .as("the entry of that very name, and what the glob matches").containsExactlyInAnyOrder(c[1], c[2]);
        }
        Path target = tmp.resolve("restored");
        CliProcess.Result restore = cli(storage, backups).run("restore", "storage", "latest", "--target", target.toString(),
                "--path", "[ab].txt", "--yes");
        assertThat(restore.exitCode()).as(restore.describe()).isZero();
        try (var listing = Files.list(target)) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("[ab].txt", "a.txt");
        }
        assertThat(target.resolve("[ab].txt")).hasContent("[ab].txt");
    }

    @Test
    void namesThatReadAsSecretsAreListedAsRecordedSoThatACopiedNameGivesThatEntry() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        List<String> names = List.of("Keynote: plan.pdf", "author:bob.txt", "monkey=1.jpg", "passport:scan.jpg");
        for (String name : names) {
            Files.writeString(storage.resolve(name), name);
        }
        Path backups = tmp.resolve("backups");
        CliProcess.Result first = cli(storage, backups).run("backup", "storage", "--no-rotate", "--json");
        assertThat(first.exitCode()).as(first.describe()).isZero();

        CliProcess.Result ls = cli(storage, backups).run("ls", "latest");
        assertThat(ls.exitCode()).as(ls.describe()).isZero();
        List<String> shown = ls.stdout().lines().map(l -> l.substring(l.lastIndexOf("  ") + 2)).toList();
        assertThat(shown).containsExactlyInAnyOrderElementsOf(names);
        CliProcess.Result json = cli(storage, backups).run("ls", "latest", "--json");
        assertThat(json.exitCode()).as(json.describe()).isZero();
        List<String> paths = new ArrayList<>();
        JSON.readTree(json.stdout()).path("entries").forEach(e -> paths.add(e.path("path").asText()));
        assertThat(paths).as("the entries as the index records them").containsExactlyInAnyOrderElementsOf(names);
        for (String name : shown) {
            CliProcess.Result dump = cli(storage, backups).run("dump", "latest", name);
            assertThat(dump.exitCode()).as(dump.describe()).isZero();
            assertThat(dump.stdout()).isEqualTo(name);
        }

        Files.writeString(storage.resolve("author:bob.txt"), "changed");
        CliProcess.Result second = cli(storage, backups).run("backup", "storage", "--no-rotate");
        assertThat(second.exitCode()).as(second.describe()).isZero();
        String from = JSON.readTree(first.stdout()).path("id").asText();
        CliProcess.Result diff = cli(storage, backups).run("diff", from, "latest");
        assertThat(diff.exitCode()).as(diff.describe()).isZero();
        assertThat(diff.stdout().lines()).containsExactly("M    author:bob.txt");
        CliProcess.Result diffJson = cli(storage, backups).run("diff", from, "latest", "--json");
        assertThat(JSON.readTree(diffJson.stdout()).path("changes").get(0).path("path").asText()).isEqualTo("author:bob.txt");
    }

    /**
     * {@code a b.txt} (0640), a symlink, {@code new\nline\.sh} (0755), {@code sub/} (1777) with a hard link to
     * {@code a b.txt} and {@code é.bin}; mtimes T, T+1, … in name order (the symlink's own too; the hard link has
     * its target's, the same inode's).
     */
    private Path tree() throws Exception {
        Path s = Files.createDirectories(tmp.resolve("storage"));
        Files.writeString(s.resolve("a b.txt"), "hello");
        Files.setPosixFilePermissions(s.resolve("a b.txt"), PosixFilePermissions.fromString("rw-r-----"));
        Files.createDirectories(s.resolve("sub"));
        Files.write(s.resolve("sub/é.bin"), new byte[1000]);
        Files.createSymbolicLink(s.resolve("ln"), Path.of("sub/é.bin"));
        Files.writeString(s.resolve("new\nline\\.sh"), "#!");
        Files.setPosixFilePermissions(s.resolve("new\nline\\.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createLink(s.resolve("sub/hard"), s.resolve("a b.txt"));
        Files.setPosixFilePermissions(s.resolve("sub"), PosixFilePermissions.fromString("rwxrwxrwx"));
        sh("chmod +t " + q(s.resolve("sub")) + " && chmod 644 " + q(s.resolve("sub/é.bin")));
        String[] names = {"a b.txt", "ln", "new\nline\\.sh", "sub", "sub/hard", "sub/é.bin"};
        for (int i = names.length - 1; i >= 0; i--) {
            sh("touch -h -d @" + (T + i) + ".25 " + q(s.resolve(names[i])));
        }
        return s;
    }

    private CliProcess cli(Path storage, Path backups) {
        return StorageFixtures.cli(tmp, storage, backups);
    }
}
