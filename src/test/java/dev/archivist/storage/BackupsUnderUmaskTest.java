package dev.archivist.storage;

import static dev.archivist.storage.StorageFixtures.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.testing.CliProcess;
import dev.archivist.testing.TestDb;
import dev.archivist.testing.Trees;
import dev.archivist.testing.ZstdLibrary;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Under a umask that takes bits from the owner ({@code umask 277}: read-only to the owner; {@code 777}: nothing), every
 * command still works and everything Archivist leaves in BACKUP_DIR is exactly owner-only. Every backup failed with
 * "permission denied: BACKUP_DIR/.archivist/.tmp-last-id…": files were created 0600, cut by the umask, then opened
 * again to be written; the lock file was left read-only, so the next command could not open it; a verify could not
 * write its scratch copy and reported a sound backup as damaged (and recorded it so, for rotation to read); a storage
 * restore under {@code umask 777} could not set the mode of a file it had extracted. Run without the capabilities
 * that let root ignore permission bits, so they bind root as they bind any other user.
 */
class BackupsUnderUmaskTest {
    @TempDir
    Path tmp;
    private Path zstd;

    @ParameterizedTest
    @ValueSource(strings = {"277", "777"})
    void everyCommandWorksAndLeavesOnlyOwnerOnlyFiles(String umask) throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        Trees.file(storage, "docs/a.txt");
        Trees.file(storage, "c.txt");
        TestDb.create(tmp.resolve("app.db"), TestDb.Mode.WAL, 20, 50);
        Path backups = tmp.resolve("deeper/backups"); // its parent made too
        Map<String, String> env = Map.of("STORAGE_PATH", storage.toString(), "BACKUP_DIR", backups.toString(),
                "DATABASE_URL", "sqlite:///" + tmp.resolve("app.db"), "JSON_LOGS", "false");

        CliProcess.Result first = underUmask(umask, env, "backup", "full", "--json", "--no-rotate");
        assertThat(first.exitCode()).as(first.describe()).isZero();
        // a second command opens the lock file the first one made
        CliProcess.Result second = underUmask(umask, env, "backup", "database", "--no-rotate");
        assertThat(second.exitCode()).as(second.describe()).isZero();
        String full = JSON.readTree(first.stdout()).path("id").asText();
        CliProcess.Result verify = underUmask(umask, env, "verify", full);
        assertThat(verify.exitCode()).as(verify.describe()).isZero();
        assertThat(verify.stdout()).contains("clean");

        Path restored = tmp.resolve("restored");
        CliProcess.Result files = underUmask(umask, env, "restore", "storage", full, "--target", restored.toString());
        assertThat(files.exitCode()).as(files.describe()).isZero();
        assertThat(Trees.describe(restored)).isEqualTo(Trees.describe(storage));
        CliProcess.Result db = underUmask(umask, env, "restore", "database", full, "--target",
                tmp.resolve("restored.db").toString());
        assertThat(db.exitCode()).as(db.describe()).isZero();
        assertThat(mode(tmp.resolve("restored.db"))).isEqualTo("rw-------");
        // a live database that is gone (a new machine) is written as a new file: owner-only, readable and writable
        for (String suffix : List.of("", "-wal", "-shm")) {
            Files.deleteIfExists(tmp.resolve("app.db" + suffix));
        }
        CliProcess.Result live = underUmask(umask, env, "restore", "database", full, "--yes");
        assertThat(live.exitCode()).as(live.describe()).isZero();
        assertThat(mode(tmp.resolve("app.db"))).isEqualTo("rw-------");
        assertThat(TestDb.count(tmp.resolve("app.db"), "items")).isEqualTo(20);
        Path dumped = tmp.resolve("dumped.txt");
        CliProcess.Result dump = underUmask(umask, env, "dump", full, "c.txt", "--output", dumped.toString());
        assertThat(dump.exitCode()).as(dump.describe()).isZero();
        assertThat(dumped).hasSameBinaryContentAs(storage.resolve("c.txt"));
        CliProcess.Result rotate = underUmask(umask, env, "rotate");
        assertThat(rotate.exitCode()).as(rotate.describe()).isZero();

        List<String> notOwnerOnly = new ArrayList<>();
        try (Stream<Path> all = Files.walk(backups)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                String mode = mode(p);
                if (!mode.equals(Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "rwx------" : "rw-------")) {
                    notOwnerOnly.add(backups.relativize(p) + " " + mode);
                }
            }
        }
        assertThat(notOwnerOnly).isEmpty();
        assertThat(mode(backups.getParent())).startsWith("rwx"); // as mkdir -p makes it, with its owner's bits
    }

    /**
     * A restore's {@code --target} in folders that do not exist yet, and the demo, which makes its sample application's
     * folders: under {@code umask 277} each folder made was read-only to its owner (as {@code mkdir -p} makes it), and
     * the restore failed with "permission denied" on the next one, leaving the first behind. Such folders now get their
     * owner's bits, as GNU tar gives the folders it makes.
     */
    @Test
    void aTargetInFoldersNotYetMadeIsRestoredAndTheDemoRuns() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        Trees.file(storage, "docs/a.txt");
        TestDb.create(tmp.resolve("app.db"), TestDb.Mode.WAL, 20, 50);
        Map<String, String> env = Map.of("STORAGE_PATH", storage.toString(), "BACKUP_DIR",
                tmp.resolve("backups").toString(), "DATABASE_URL", "sqlite:///" + tmp.resolve("app.db"),
                "JSON_LOGS", "false");
        CliProcess.Result backup = underUmask("277", env, "backup", "full", "--json", "--no-rotate");
        assertThat(backup.exitCode()).as(backup.describe()).isZero();
        String full = JSON.readTree(backup.stdout()).path("id").asText();

        Path db = tmp.resolve("new/sub/app.db");
        CliProcess.Result intoDb = underUmask("277", env, "restore", "database", full, "--target", db.toString());
        assertThat(intoDb.exitCode()).as(intoDb.describe()).isZero();
        assertThat(TestDb.count(db, "items")).isEqualTo(20);
        assertThat(mode(db.getParent())).isEqualTo("rwx------");
        Path files = tmp.resolve("new2/sub/storage");
        CliProcess.Result intoFiles = underUmask("277", env, "restore", "storage", full, "--target", files.toString());
        assertThat(intoFiles.exitCode()).as(intoFiles.describe()).isZero();
        assertThat(Trees.describe(files)).isEqualTo(Trees.describe(storage));

        CliProcess.Result demo = underUmask("277", Map.of(), "demo", "--dir", tmp.resolve("demo").toString());
        assertThat(demo.exitCode()).as(demo.describe()).isZero();
    }

    /** A lock file such a umask left read-only (as Archivist made it before) is given back its owner's bits. */
    @Test
    void aLockFileLeftReadOnlyIsGivenBackItsOwnersBits() throws Exception {
        TestDb.create(tmp.resolve("app.db"), TestDb.Mode.WAL, 20, 50);
        Path backups = tmp.resolve("backups");
        Path lock = Files.createDirectories(backups.resolve(".archivist")).resolve("lock");
        Files.createFile(lock, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("r--------")));
        Map<String, String> env = Map.of("BACKUP_DIR", backups.toString(), "JSON_LOGS", "false",
                "DATABASE_URL", "sqlite:///" + tmp.resolve("app.db"), "STORAGE_PATH", tmp.resolve("storage").toString());

        CliProcess.Result r = underUmask("022", env, "backup", "database", "--no-rotate");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(mode(lock)).isEqualTo("rw-------");
    }

    private static String mode(Path p) throws java.io.IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    /**
     * Runs the CLI under {@code umask}, with zstd's native library given as bin/archivist gives it: zstd-jni would
     * unpack it into a file it makes and then opens again, which such a umask leaves unwritable.
     */
    private CliProcess.Result underUmask(String umask, Map<String, String> env, String... args) throws Exception {
        if (zstd == null) {
            zstd = ZstdLibrary.copyInto(Files.createDirectories(tmp.resolve("lib")));
        }
        List<String> wrapper = CliProcess.withoutPermissionBypass("-dac_override,-dac_read_search");
        return StorageFixtures.runWrapped(tmp, env, cmd -> {
            List<String> full = new ArrayList<>(List.of("sh", "-c", "umask " + umask + " && exec \"$@\"", "sh"));
            full.addAll(wrapper);
            full.add(cmd.get(0)); // java
            full.add("-DZstdNativePath=" + zstd);
            full.addAll(cmd.subList(1, cmd.size()));
            return full;
        }, args);
    }
}
