package dev.archivist.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.archivist.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup directory the command cannot write (a read-only mount, a disk remounted read-only after errors, backups
 * copied to read-only media): the commands that only read it ({@code list}, {@code stats}, {@code verify},
 * {@code rotate --dry-run}, and a restore into a new place with {@code --target}) work and change nothing; those that
 * write it (backups, rotation, a restore of the live data with its safety copy) refuse it at start-up (exit 2, naming
 * BACKUP_DIR). As root, permission bits do not stop writing,
 * so the CLI then runs without the capability that bypasses them ({@code setpriv}).
 */
class ReadOnlyBackupDirTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** A storage folder holding {@code a.txt}, a 10-row database, the backup folder (not made yet) and the CLI's environment. */
    private record App(Path storage, Path backups, Map<String, String> env) {
    }

    /** {@link App} in {@code tmp}; skipped as root without {@code setpriv}, which the read-only runs need. */
    private App app() throws Exception {
        boolean root = StorageFixtures.runningAsRoot();
        Assumptions.assumeTrue(!root || StorageFixtures.hasCommand("setpriv"),
                "running as root without setpriv: permission bits cannot make a folder read-only");
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        Files.writeString(storage.resolve("a.txt"), "alpha\n");
        Path backups = tmp.resolve("backups");
        dev.archivist.testing.TestDb.create(tmp.resolve("app.db"), dev.archivist.testing.TestDb.Mode.WAL, 10, 100);
        Map<String, String> env = Map.of("STORAGE_PATH", storage.toString(), "BACKUP_DIR", backups.toString(),
                "DATABASE_URL", "sqlite:///" + tmp.resolve("app.db"), "JSON_LOGS", "false");
        return new App(storage, backups, env);
    }

    @Test
    void readingCommandsWorkOnAReadOnlyBackupDirAndChangeNothing() throws Exception {
        App app = app();
        Path storage = app.storage();
        Path backups = app.backups();
        Map<String, String> env = app.env();
        CliProcess.Result madeDb = StorageFixtures.cli(tmp, storage, backups).run("backup", "database", "--no-rotate");
        assertThat(madeDb.exitCode()).as(madeDb.describe()).isZero();
        CliProcess.Result made = StorageFixtures.cli(tmp, storage, backups).run("backup", "storage", "--json", "--no-rotate");
        assertThat(made.exitCode()).as(made.describe()).isZero();
        String id = JSON.readTree(made.stdout()).path("id").asText();
        List<String> before = StorageFixtures.snapshot(backups);
        setWritable(backups, false);
        try {
            CliProcess.Result list = run(env, "list", "--json", "--type", "storage");
            assertThat(list.exitCode()).as(list.describe()).isZero();
            JsonNode rows = JSON.readTree(list.stdout());
            assertThat(rows).hasSize(1);
            assertThat(rows.get(0).path("id").asText()).isEqualTo(id);

            CliProcess.Result stats = run(env, "stats");
            assertThat(stats.exitCode()).as(stats.describe()).isZero();
            assertThat(stats.stdout()).contains("total: 2 backups");

            CliProcess.Result verify = run(env, "verify", id);
            assertThat(verify.exitCode()).as(verify.describe()).isZero();
            assertThat(verify.stdout()).contains("clean");
            assertThat(verify.stderr()).contains("cannot record the verification");

            // a restore into a new place needs no lock on a directory nothing can change
            CliProcess.Result restored = run(env, "restore", "storage", id, "--target", tmp.resolve("out").toString());
            assertThat(restored.exitCode()).as(restored.describe()).isZero();
            assertThat(restored.stderr()).contains("is read-only: restoring from it without its lock");
            assertThat(tmp.resolve("out/a.txt")).hasContent("alpha\n");
            CliProcess.Result restoredDb = run(env, "restore", "database", "latest", "--target",
                    tmp.resolve("copy.db").toString());
            assertThat(restoredDb.exitCode()).as(restoredDb.describe()).isZero();
            assertThat(tmp.resolve("copy.db")).isRegularFile();

            CliProcess.Result dryRun = run(env, "rotate", "--dry-run");
            assertThat(dryRun.exitCode()).as(dryRun.describe()).isZero();
            assertThat(dryRun.stdout()).contains("would be removed");

            for (String[] writing : new String[][] {{"backup", "storage"}, {"rotate"}, {"restore", "storage", id, "--yes"}}) {
                CliProcess.Result refused = run(env, writing);
                assertThat(refused.exitCode()).as(refused.describe()).isEqualTo(2);
                assertThat(refused.stderr()).contains("BACKUP_DIR").contains("is not writable")
                        .contains("restore --target only read it");
            }
        } finally {
            setWritable(backups, true);
        }
        assertThat(StorageFixtures.snapshot(backups)).isEqualTo(before);
    }

    /**
     * A type folder that cannot be listed (no permission, or a file in its place) fails {@code list}, {@code stats}
     * and {@code verify --all} (exit 1, naming it) rather than report "no backups" with exit 0, which a person or a
     * monitoring check reads as an empty catalog.
     */
    /**
     * A restore into a new place from a read-only backup directory, stopped by SIGTERM (or Ctrl-C) while it extracts,
     * removes its staging folder and says it was stopped, as a restore under the lock does. It ran with no stop hook:
     * the process exited at once, said "nothing was running", and left the staging folder (any size) beside the
     * target, where nothing would ever remove it (the read-only catalog cannot record it for the next run).
     */
    @Test
    void aStoppedRestoreFromAReadOnlyBackupDirLeavesNoStagingFolder() throws Exception {
        boolean root = StorageFixtures.runningAsRoot();
        Assumptions.assumeTrue(!root || StorageFixtures.hasCommand("setpriv"),
                "running as root without setpriv: permission bits cannot make a folder read-only");
        CliProcess cli = StorageFixtures.backedUpVideo(tmp, 5);
        Path backups = tmp.resolve("backups");
        Path places = Files.createDirectories(tmp.resolve("places"));
        setWritable(backups, false);
        try {
            CliProcess.Running restore = cli.startWrapped(CliProcess.withoutPermissionBypass("-dac_override"),
                    "restore", "storage", "latest", "--target", places.resolve("out").toString());
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (restore.process().isAlive() && System.nanoTime() < deadline && names(places).isEmpty()) {
                Thread.sleep(1);
            }
            boolean signalled = restore.signal("TERM");
            CliProcess.Result r = restore.await(CliProcess.DEFAULT_TIMEOUT);

            assertThat(signalled).as("the restore was still running: %s", r.describe()).isTrue();
            assertThat(r.exitCode()).as(r.describe()).isEqualTo(143);
            assertThat(r.stderr()).as(r.describe()).contains("interrupted by SIGTERM; nothing unfinished left behind");
            assertThat(names(places)).as("no staging folder left: %s", r.describe()).isEmpty();
        } finally {
            setWritable(backups, true);
        }
    }

    private static List<String> names(Path dir) throws java.io.IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    @Test
    void aTypeFolderThatCannotBeListedFailsTheListingNamingIt() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        Files.writeString(storage.resolve("a.txt"), "alpha\n");
        Path backups = tmp.resolve("backups");
        CliProcess.Result made = StorageFixtures.cli(tmp, storage, backups).run("backup", "storage", "--no-rotate");
        assertThat(made.exitCode()).as(made.describe()).isZero();
        Files.delete(backups.resolve("database")); // empty: the backup made every type's folder
        Files.writeString(backups.resolve("database"), "not a folder");
        for (String[] reading : new String[][] {{"list"}, {"list", "--json"}, {"stats", "--json"}, {"verify", "--all"}}) {
            CliProcess.Result r = StorageFixtures.cli(tmp, storage, backups).run(reading);
            assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
            assertThat(r.stderr()).contains("cannot list the database backups: " + backups.resolve("database") + " is not a directory");
        }
        Files.delete(backups.resolve("database"));

        boolean root = StorageFixtures.runningAsRoot();
        Assumptions.assumeTrue(!root || StorageFixtures.hasCommand("setpriv"),
                "running as root without setpriv: permission bits cannot make a folder unreadable");
        Map<String, String> env = Map.of("STORAGE_PATH", storage.toString(), "BACKUP_DIR", backups.toString(),
                "DATABASE_URL", "sqlite:///" + tmp.resolve("app.db"), "JSON_LOGS", "false");
        Files.setPosixFilePermissions(backups.resolve("storage"), PosixFilePermissions.fromString("-wx------"));
        try {
            for (String[] reading : new String[][] {{"list"}, {"stats", "--json"}}) {
                CliProcess.Result r = StorageFixtures.runWithoutPermissionBypass(tmp, env, "-dac_override,-dac_read_search", reading);
                assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
                assertThat(r.stderr()).contains("cannot list the storage backups in " + backups.resolve("storage")
                        + ": permission denied");
            }
        } finally {
            Files.setPosixFilePermissions(backups.resolve("storage"), PosixFilePermissions.fromString("rwx------"));
        }
        // BACKUP_DIR readable but not searchable: its folders cannot even be looked at
        Files.setPosixFilePermissions(backups, PosixFilePermissions.fromString("rw-------"));
        try {
            CliProcess.Result r = StorageFixtures.runWithoutPermissionBypass(tmp, env, "-dac_override,-dac_read_search", "list");
            assertThat(r.exitCode()).as(r.describe()).isNotZero();
            assertThat(r.stderr()).contains(backups.toString()).doesNotContain("no backups");
        } finally {
            Files.setPosixFilePermissions(backups, PosixFilePermissions.fromString("rwx------"));
        }
    }

    /**
     * {@code verify --all} of a full backup in a read-only backup directory says once per backup that its result
     * cannot be recorded: a full backup's parts, checked with it and listed after it, were recorded (and named) a
     * second time with the report the run had kept for them.
     */
    @Test
    void verifyAllNamesEachBackupItCannotRecordOnce() throws Exception {
        App app = app();
        CliProcess.Result made = StorageFixtures.cli(tmp, app.storage(), app.backups()).run("backup", "full", "--no-rotate");
        assertThat(made.exitCode()).as(made.describe()).isZero();
        Path backups = app.backups();
        Map<String, String> env = app.env();
        setWritable(backups, false);
        try {
            CliProcess.Result all = run(env, "verify", "--all");
            assertThat(all.exitCode()).as(all.describe()).isZero();
            assertThat(all.stdout()).contains("3 backups verified: 3 clean");
            assertThat(all.stderr().lines().filter(l -> l.contains("cannot record the verification of")))
                    .as(all.describe()).hasSize(3).doesNotHaveDuplicates();
        } finally {
            setWritable(backups, true);
        }
    }

    /**
     * A restore of latest refused for damage in a read-only backup directory cannot record it, so latest would take the
     * same backup again: the refusal says so and names the way out (an older backup by its id), instead of promising
     * nothing.
     */
    @Test
    void aRefusalThatCannotBeRecordedSaysToNameAnOlderBackup() throws Exception {
        App app = app();
        CliProcess.Result older = StorageFixtures.cli(tmp, app.storage(), app.backups()).run("backup", "storage", "--no-rotate");
        assertThat(older.exitCode()).as(older.describe()).isZero();
        CliProcess.Result newer = StorageFixtures.cli(tmp, app.storage(), app.backups()).run("backup", "storage", "--json", "--no-rotate");
        assertThat(newer.exitCode()).as(newer.describe()).isZero();
        Path part = StorageFixtures.partPaths(app.backups().resolve("storage"), JSON.readTree(newer.stdout())).get(0);
        byte[] bytes = Files.readAllBytes(part);
        bytes[bytes.length / 2] ^= 1;
        Files.write(part, bytes);
        setWritable(app.backups(), false);
        try {
            Path target = tmp.resolve("out");
            CliProcess.Result refused = run(app.env(), "restore", "storage", "latest", "--target", target.toString());
            assertThat(refused.exitCode()).as(refused.describe()).isEqualTo(1);
            assertThat(refused.stderr()).contains("refused").contains("could not be recorded")
                    .contains("name an older backup by its id").doesNotContain("latest passes over it");
            assertThat(target).doesNotExist();
        } finally {
            setWritable(app.backups(), true);
        }
    }

    @Test
    void listingAMissingBackupDirCreatesNothing() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        Path backups = tmp.resolve("not-yet");
        CliProcess.Result list = StorageFixtures.cli(tmp, storage, backups).run("list");
        assertThat(list.exitCode()).as(list.describe()).isZero();
        assertThat(list.stdout()).contains("no backups in " + backups);
        assertThat(backups).doesNotExist();
    }

    private CliProcess.Result run(Map<String, String> env, String... args) throws Exception {
        return StorageFixtures.runWithoutPermissionBypass(tmp, env, "-dac_override", args);
    }

    /** Removes (or gives back) the owner's write permission on every folder below and including {@code dir}. */
    private static void setWritable(Path dir, boolean writable) throws Exception {
        List<Path> folders;
        try (Stream<Path> s = Files.walk(dir)) {
            folders = s.filter(Files::isDirectory).toList();
        }
        for (Path f : folders) {
            Set<PosixFilePermission> perms = PosixFilePermissions.fromString(writable ? "rwx------" : "r-x------");
            Files.setPosixFilePermissions(f, perms);
        }
    }
}
