package dev.archivist.storage;

import static dev.archivist.storage.StorageFixtures.JSON;
import static dev.archivist.storage.StorageFixtures.q;
import static dev.archivist.storage.StorageFixtures.sh;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.archivist.archive.IndexEntry;
import dev.archivist.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 3 acceptance through the real CLI ({@code archivist backup storage} in a subprocess): the archive, split into
 * parts of 1 MiB, concatenated and decompressed with the codec's stock tool and extracted with GNU tar, is the storage
 * tree (content hashes, modes, mtimes, symlink targets); excludes are honoured; special files are skipped and
 * recorded; the manifest carries the original's keys and ours, with per-part and whole checksums that match the
 * files; {@code archivist verify} finds it clean.
 */
@Tag("system")
class StorageBackupCliTest {
    static final List<String> ORIGINAL_KEYS = List.of("timestamp", "type", "original_path", "backup_path", "file_size",
            "checksum", "created_at");
    static final List<String> OUR_KEYS = List.of("id", "parts", "file_count", "bytes_read", "bytes_written",
            "compression", "compression_level", "duration_ms", "skipped", "changed", "index", "file");

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"zstd", "gz", "xz", "none"})
    void splitArchiveExtractedWithStockToolsIsTheTree(String codec) throws Exception {
        Path storage = tmp.resolve("storage");
        Path backups = tmp.resolve("backups");
        StorageFixtures.buildAwkward(storage, tmp.resolve("outside.txt"), 3.5);

        CliProcess.Result r = StorageFixtures.cli(tmp, storage, backups)
                .env("BACKUP_COMPRESSION", codec)
                .env("BACKUP_MAX_SIZE_MB", "1")
                .env("BACKUP_CHUNK_SIZE_MB", "1")
                .env("BACKUP_STORAGE_EXCLUDE", StorageFixtures.EXCLUDES)
                .run("backup", "storage", "--json", "--no-rotate");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        JsonNode m = JSON.readTree(r.stdout());
        Path dir = backups.resolve("storage");
        String id = m.path("id").asText();

        // manifest: the original's keys and ours; the file on disk is what --json printed
        assertThat(ORIGINAL_KEYS).allSatisfy(k -> assertThat(m.hasNonNull(k)).as("original key " + k).isTrue());
        assertThat(OUR_KEYS).allSatisfy(k -> assertThat(m.has(k)).as("key " + k).isTrue());
        assertThat(StorageFixtures.manifestFile(backups, "storage", id)).isEqualTo(m);
        assertThat(m.path("type").asText()).isEqualTo("storage");
        assertThat(m.path("original_path").asText()).isEqualTo(storage.toString());
        assertThat(m.path("compression").asText()).isEqualTo(codec);
        assertThat(m.path("compression_level").isInt()).isTrue();
        assertThat(m.path("duration_ms").asLong()).isNotNegative();
        assertThat(id).matches("storage_backup_\\d{8}T\\d{6}\\.\\d{3}Z");

        // parts: at least three, in order, named .part001…, each with its own size and SHA-256
        List<Path> parts = StorageFixtures.partPaths(dir, m);
        assertThat(parts).hasSizeGreaterThanOrEqualTo(3);
        String ext = switch (codec) { case "zstd" -> ".zst"; case "gz" -> ".gz"; case "xz" -> ".xz"; default -> ""; };
        assertThat(m.path("file").asText()).isEqualTo(id + ".tar" + ext);
        long total = 0;
        for (int i = 0; i < parts.size(); i++) {
            JsonNode p = m.path("parts").get(i);
            Path file = parts.get(i);
            assertThat(p.path("path").asText()).isEqualTo(String.format("%s.tar%s.part%03d", id, ext, i + 1));
            assertThat(p.path("size").asLong()).as(p.toString()).isEqualTo(Files.size(file));
            assertThat(p.path("sha256").asText()).as(p.toString()).isEqualTo(StorageFixtures.sha256(file));
            assertThat(sh("sha256sum " + q(file))).startsWith(p.path("sha256").asText());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            if (i < parts.size() - 1) {
                assertThat(p.path("size").asLong()).isEqualTo(1 << 20);
            }
            total += p.path("size").asLong();
        }
        assertThat(m.path("file_size").asLong()).isEqualTo(total);
        assertThat(m.path("bytes_written").asLong()).isEqualTo(total);
        assertThat(m.path("backup_path").asText()).isEqualTo(parts.get(0).toString());
        String partGlob = q(dir.resolve(id + ".tar" + ext)) + ".part*";
        assertThat(sh("cat " + partGlob + " | sha256sum")).startsWith(m.path("checksum").asText());
        assertThat(m.path("checksum").asText()).matches("[0-9a-f]{64}");

        // nothing else in the folder: parts, index, manifest
        try (Stream<Path> s = Files.list(dir)) {
            List<String> names = s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
            List<String> expected = new ArrayList<>();
            parts.forEach(p -> expected.add(p.getFileName().toString()));
            expected.add(m.path("index").path("path").asText());
            expected.add(id + ".json");
            assertThat(names).containsExactlyInAnyOrderElementsOf(expected);
        }

        // the stock tools: cat part* | codec -d | tar -x (the shell's glob order is the name order)
        Path out = tmp.resolve("extracted");
        Files.createDirectories(out);
        sh("set -o pipefail; cat " + partGlob + " | " + StorageFixtures.decompressCommand(codec) + " | tar -x -p -C " + q(out));
        TreeMap<String, String> expected = StorageFixtures.describe(storage, rel -> !StorageFixtures.excluded(rel));
        assertThat(StorageFixtures.describe(out)).isEqualTo(expected);
        assertThat(Files.readSymbolicLink(out.resolve("link-outside"))).isEqualTo(tmp.resolve("outside.txt"));
        assertThat(Files.readSymbolicLink(out.resolve("link-dangling"))).isEqualTo(Path.of("../nowhere/at all"));
        assertThat(out.resolve("cache")).isDirectory().isEmptyDirectory();
        assertThat(out.resolve("docs/cache")).isRegularFile();
        assertThat(out.resolve("a-fifo")).doesNotExist();
        assertThat(out.resolve("a-socket")).doesNotExist();

        // skipped: the FIFO and the socket, with their types; nothing changed
        assertThat(m.path("skipped").toString()).contains("\"path\":\"a-fifo\"", "\"reason\":\"fifo\"",
                "\"path\":\"a-socket\"", "\"reason\":\"socket\"");
        assertThat(m.path("skipped")).hasSize(2);
        assertThat(m.path("changed")).isEmpty();

        // counts and the index: one line per stored entry, content SHA-256s, its own checksum in the manifest
        long files = expected.values().stream().filter(v -> v.startsWith("file ")).count();
        assertThat(m.path("file_count").asLong()).isEqualTo(files);
        long bytes = 0;
        for (Map.Entry<String, String> e : expected.entrySet()) {
            if (e.getValue().startsWith("file ")) {
                bytes += Files.size(storage.resolve(e.getKey()));
            }
        }
        assertThat(m.path("bytes_read").asLong()).isEqualTo(bytes);
        JsonNode idx = m.path("index");
        Path indexFile = dir.resolve(idx.path("path").asText());
        assertThat(idx.path("sha256").asText()).isEqualTo(StorageFixtures.sha256(indexFile));
        assertThat(idx.path("size").asLong()).isEqualTo(Files.size(indexFile));
        Map<String, IndexEntry> index = StorageFixtures.readIndex(dir, m);
        assertThat(index.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (Map.Entry<String, String> e : expected.entrySet()) {
            IndexEntry ie = index.get(e.getKey());
            Path src = storage.resolve(e.getKey());
            if (e.getValue().startsWith("file ")) {
                assertThat(ie.type()).isEqualTo("file");
                assertThat(ie.sha256()).as(e.getKey()).isEqualTo(StorageFixtures.sha256(src));
                assertThat(ie.size()).isEqualTo(Files.size(src));
            } else if (e.getValue().startsWith("link")) {
                assertThat(ie.type()).isEqualTo("symlink");
                assertThat(ie.link()).isEqualTo(Files.readSymbolicLink(src).toString());
            } else {
                assertThat(ie.type()).isEqualTo("dir");
            }
        }
        assertThat(index.get("run.sh").mode()).isEqualTo("0750");

        // and Archivist's own deep verification agrees
        CliProcess.Result v = StorageFixtures.cli(tmp, storage, backups).run("verify", id, "--json");
        assertThat(v.exitCode()).as(v.describe()).isZero();
        assertThat(JSON.readTree(v.stdout()).toString()).contains("\"clean\":true");
    }

    @Test
    void aSmallArchiveStaysOneFileAndAnEmptyRootIsAValidBackup() throws Exception {
        Path storage = tmp.resolve("storage");
        Path backups = tmp.resolve("backups");
        StorageFixtures.buildAwkward(storage, tmp.resolve("outside.txt"), 0.5);

        CliProcess.Result r = StorageFixtures.cli(tmp, storage, backups).run("backup", "storage", "--json", "--no-rotate");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        JsonNode m = JSON.readTree(r.stdout());
        Path dir = backups.resolve("storage");
        String id = m.path("id").asText();
        assertThat(m.path("parts")).hasSize(1);
        JsonNode only = m.path("parts").get(0);
        assertThat(only.path("path").asText()).isEqualTo(id + ".tar.zst").isEqualTo(m.path("file").asText());
        Path file = dir.resolve(id + ".tar.zst");
        assertThat(only.path("size").asLong()).isEqualTo(Files.size(file)).isEqualTo(m.path("file_size").asLong());
        assertThat(only.path("sha256").asText()).isEqualTo(StorageFixtures.sha256(file)).isEqualTo(m.path("checksum").asText());
        assertThat(m.path("backup_path").asText()).isEqualTo(file.toString());
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".part"));
        }
        // defaults: no excludes, so the .tmp files and the cache folder are stored
        Path out = StorageFixtures.extractWithStockTools(List.of(file), "zstd", tmp.resolve("extracted"));
        assertThat(StorageFixtures.describe(out)).isEqualTo(StorageFixtures.describe(storage));

        // a storage folder with nothing in it is still a backup: one (tiny) file, no entries
        Path empty = Files.createDirectories(tmp.resolve("empty-storage"));
        CliProcess.Result e = StorageFixtures.cli(tmp, empty, backups).env("BACKUP_COMPRESSION", "gz")
                .run("backup", "storage", "--json", "--no-rotate");
        assertThat(e.exitCode()).as(e.describe()).isZero();
        JsonNode em = JSON.readTree(e.stdout());
        assertThat(em.path("file_count").asLong()).isZero();
        assertThat(em.path("parts")).hasSize(1);
        Path emptyOut = StorageFixtures.extractWithStockTools(StorageFixtures.partPaths(dir, em), "gz", tmp.resolve("empty-out"));
        assertThat(emptyOut).isEmptyDirectory();
        CliProcess.Result v = StorageFixtures.cli(tmp, empty, backups).run("verify", em.path("id").asText());
        assertThat(v.exitCode()).as(v.describe()).isZero();
    }

    /** Excludes that leave no file give a valid, empty backup, but never silently: a warning names the setting. */
    @Test
    void excludesThatLeaveNoFileAreWarnedAboutAndCounted() throws Exception {
        Path storage = tmp.resolve("storage");
        Path backups = tmp.resolve("backups");
        Files.createDirectories(storage.resolve("photos"));
        Files.writeString(storage.resolve("photos/a.jpg"), "a");
        Files.writeString(storage.resolve("b.jpg"), "b");
        Files.writeString(storage.resolve("notes.txt"), "n");

        CliProcess.Result r = StorageFixtures.cli(tmp, storage, backups).env("BACKUP_STORAGE_EXCLUDE", "**/*.jpg,*.txt")
                .run("backup", "storage", "--json", "--no-rotate");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        JsonNode m = JSON.readTree(r.stdout());
        assertThat(m.path("file_count").asLong()).isZero();
        assertThat(m.path("excluded_count").asLong()).isEqualTo(3);
        assertThat(r.stderr()).contains("holds no files").contains("BACKUP_STORAGE_EXCLUDE (**/*.jpg,*.txt)");

        CliProcess.Result some = StorageFixtures.cli(tmp, storage, backups).env("BACKUP_STORAGE_EXCLUDE", "photos/**")
                .run("backup", "storage", "--json", "--no-rotate");
        assertThat(some.exitCode()).as(some.describe()).isZero();
        JsonNode sm = JSON.readTree(some.stdout());
        assertThat(sm.path("file_count").asLong()).isEqualTo(2);
        assertThat(sm.path("excluded_count").asLong()).isEqualTo(1);
        assertThat(some.stderr()).doesNotContain("holds no files");
    }

    /**
     * Everything Archivist leaves in BACKUP_DIR is its owner's only, whatever the umask: backups, manifests, indexes,
     * and the state folder's lock files and in-flight markers (the lock's holder record names a pid and command).
     */
    @Test
    void everythingInTheBackupDirIsOwnerOnly() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        Files.writeString(storage.resolve("a.txt"), "alpha");
        Path backups = tmp.resolve("backups");
        dev.archivist.testing.TestDb.create(tmp.resolve("app.db"), dev.archivist.testing.TestDb.Mode.WAL, 10, 10);
        CliProcess cli = StorageFixtures.cli(tmp, storage, backups);
        assertThat(cli.run("backup", "full", "--no-rotate").exitCode()).isZero();
        // a backup that fails after its id was taken leaves its in-flight folder behind
        Files.writeString(tmp.resolve("app.db"), "not a database any more, just text ".repeat(200));
        cli.run("backup", "database", "--no-rotate");
        List<String> open = new java.util.ArrayList<>();
        try (java.util.stream.Stream<Path> all = Files.walk(backups)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p, java.nio.file.LinkOption.NOFOLLOW_LINKS));
                if (!mode.equals(Files.isDirectory(p) ? "rwx------" : "rw-------")) {
                    open.add(backups.relativize(p) + " " + mode);
                }
            }
        }
        assertThat(open).isEmpty();
        assertThat(backups.resolve(".archivist/lock")).exists();
    }

    /** Spaces around each pattern are ignored, but an escaped one is the pattern's, as in .gitignore: {@code trail\ }. */
    @Test
    void aNameThatStartsOrEndsWithASpaceCanBeExcludedWithAnEscapedSpace() throws Exception {
        Path storage = tmp.resolve("storage");
        Path backups = tmp.resolve("backups");
        Files.createDirectories(storage);
        for (String name : List.of("trail space ", " lead space", "trail space", "kept.txt")) {
            Files.writeString(storage.resolve(name), name);
        }
        CliProcess.Result r = StorageFixtures.cli(tmp, storage, backups)
                .env("BACKUP_STORAGE_EXCLUDE", "  trail space\\ , \\ lead space ,  ")
                .run("backup", "storage", "--json", "--no-rotate");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        JsonNode m = JSON.readTree(r.stdout());
        assertThat(m.path("excluded_count").asLong()).as(r.stdout()).isEqualTo(2);
        assertThat(m.path("file_count").asLong()).isEqualTo(2);
    }

    @Test
    void aMissingStorageFolderFailsWithExit1AndWritesNothing() throws Exception {
        Path backups = tmp.resolve("backups");
        Path missing = tmp.resolve("no-such-storage");

        // no backup directory yet: it is not even created
        CliProcess.Result r = StorageFixtures.cli(tmp, missing, backups).run("backup", "storage");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        assertThat(r.stderr()).contains("archivist:").contains(missing.toString()).contains("does not exist")
                .doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(r.stdout()).doesNotContain("created");
        assertThat(backups).doesNotExist();
        assertThat(missing).doesNotExist();

        // an existing backup directory is left byte for byte as it was, also with --json and for a file as source
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        Files.writeString(storage.resolve("a.txt"), "a");
        CliProcess.Result ok = StorageFixtures.cli(tmp, storage, backups).run("backup", "storage", "--no-rotate");
        assertThat(ok.exitCode()).as(ok.describe()).isZero();
        List<String> before = StorageFixtures.snapshot(backups);
        CliProcess.Result again = StorageFixtures.cli(tmp, missing, backups).run("backup", "storage", "--json");
        assertThat(again.exitCode()).as(again.describe()).isEqualTo(1);
        assertThat(again.stdout()).doesNotContain("\"id\"").contains("\"error\"").contains("does not exist"); // no manifest
        Path aFile = Files.writeString(tmp.resolve("plain-file"), "x");
        CliProcess.Result notDir = StorageFixtures.cli(tmp, aFile, backups).run("backup", "storage");
        // a file where the folder should be is caught by configuration validation (exit 2), before any work
        assertThat(notDir.exitCode()).as(notDir.describe()).isEqualTo(2);
        assertThat(notDir.stderr()).contains("STORAGE_PATH").contains("not a directory");
        assertThat(StorageFixtures.snapshot(backups)).isEqualTo(before);
    }

    /**
     * Documented decision: a file that cannot be read is skipped and recorded in {@code skipped} with the reason
     * (like GNU tar, which warns and goes on), and so is the content of a folder that cannot be listed (the folder
     * itself is stored). The backup succeeds and verifies clean. As root, permission bits do not stop reading, so
     * the CLI then runs without the capabilities that bypass them ({@code setpriv}).
     */
    @Test
    void anUnreadableFileIsSkippedAndRecordedAndTheBackupSucceeds() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        Path backups = tmp.resolve("backups");
        Files.writeString(storage.resolve("a-readable.txt"), "ok\n");
        Path secret = Files.writeString(storage.resolve("b-secret.txt"), "secret\n");
        Path lockedDir = Files.createDirectories(storage.resolve("c-locked"));
        Files.writeString(lockedDir.resolve("inside.txt"), "hidden\n");
        Files.writeString(storage.resolve("d-after.txt"), "after\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
        Files.setPosixFilePermissions(lockedDir, PosixFilePermissions.fromString("---------"));
        boolean root = StorageFixtures.runningAsRoot();
        org.junit.jupiter.api.Assumptions.assumeTrue(!root || StorageFixtures.hasCommand("setpriv"),
                "running as root without setpriv: permission bits cannot make a file unreadable");
        java.util.Map<String, String> env = java.util.Map.of("STORAGE_PATH", storage.toString(),
                "BACKUP_DIR", backups.toString(), "JSON_LOGS", "false");
        CliProcess.Result r;
        try {
            r = StorageFixtures.runWithoutPermissionBypass(tmp, env, "-dac_override,-dac_read_search",
                    "backup", "storage", "--json", "--no-rotate");
        } finally {
            Files.setPosixFilePermissions(lockedDir, PosixFilePermissions.fromString("rwx------"));
            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        }
        assertThat(r.exitCode()).as(r.describe()).isZero();
        JsonNode m = JSON.readTree(r.stdout());
        assertThat(m.path("skipped").toString()).contains("{\"path\":\"b-secret.txt\",\"reason\":\"permission denied\"}")
                .contains("\"path\":\"c-locked/\"").contains("cannot list directory");
        assertThat(m.path("skipped")).hasSize(2);
        assertThat(m.path("file_count").asLong()).isEqualTo(2);
        Path out = StorageFixtures.extractWithStockTools(StorageFixtures.partPaths(backups.resolve("storage"), m), "zstd",
                tmp.resolve("out"));
        assertThat(out.resolve("a-readable.txt")).hasContent("ok\n");
        assertThat(out.resolve("d-after.txt")).hasContent("after\n");
        assertThat(out.resolve("b-secret.txt")).doesNotExist();
        assertThat(out.resolve("c-locked")).isDirectory();
        assertThat(out.resolve("c-locked/inside.txt")).doesNotExist();
        CliProcess.Result v = StorageFixtures.cli(tmp, storage, backups).run("verify", m.path("id").asText());
        assertThat(v.exitCode()).as(v.describe()).isZero();
    }
}
