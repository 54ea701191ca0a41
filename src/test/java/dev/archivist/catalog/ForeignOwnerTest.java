package dev.archivist.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.testing.CliProcess;
import dev.archivist.testing.TestDb;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After one {@code sudo archivist backup}, root owns what it made in {@code BACKUP_DIR} (the lock, the last id, the
 * folders) and the usual user's later runs failed with an accurate "permission denied: …/last-id" that did not say
 * why nor how to mend it. Simulated here the other way round: a file owned by another uid (65534), and the CLI run as
 * root without the capabilities that let root ignore permission bits.
 */
class ForeignOwnerTest {
    private static final String ME = System.getProperty("user.name");

    @TempDir
    Path dir;

    @Test
    void aDeniedFileOwnedByAnotherUserIsNamedWithItsOwnerAndTheChownThatMendsIt() throws Exception {
        Path backups = Files.createDirectories(dir.resolve("backups/.archivist"));
        Path lastId = Files.writeString(backups.resolve("last-id"), "x");
        assertThat(ForeignOwner.hint(dir.resolve("backups"), new AccessDeniedException(lastId.toString())))
                .as("owned by this user: permission bits, not ownership, are the matter").isEmpty();

        Assumptions.assumeTrue(CliProcess.runningAsRoot(), "only root can give a file to another user");
        Files.setAttribute(lastId, "unix:uid", 65534);
        String owner = Files.getOwner(lastId).getName();
        String hint = ForeignOwner.hint(dir.resolve("backups"),
                new java.io.UncheckedIOException(new AccessDeniedException(lastId.toString())));
        assertThat(hint).contains(lastId + " is owned by " + owner + ", not by " + ME)
                .contains("created by a run as " + owner + "?").contains("chown -R " + ME + " " + dir.resolve("backups"));
        assertThat(ForeignOwner.hint(dir.resolve("backups"), new AccessDeniedException(backups.resolve("lock").toString())))
                .as("a file that does not exist: its folder is ours").isEmpty();
        assertThat(ForeignOwner.hint(backups.resolve("in-flight"), new AccessDeniedException(lastId.toString())))
                .as("outside BACKUP_DIR: not Archivist's to chown").isEmpty();
    }

    /**
     * This user's own state folder with a mode that denies its owner ({@code chmod 000 BACKUP_DIR/.archivist}) failed
     * every backup with "permission denied: …/.archivist/lock" alone: the hint now names the folder, its mode and the
     * {@code chmod} that mends it (the file inside cannot be looked at, so its folder is the one named).
     */
    @Test
    void aDenyingModeOfThisUsersOwnFolderIsNamedWithTheChmodThatMendsIt() throws Exception {
        Path state = Files.createDirectories(dir.resolve("backups/.archivist"));
        Path lastId = Files.writeString(state.resolve("last-id"), "x");
        Files.setPosixFilePermissions(lastId, PosixFilePermissions.fromString("r--------"));
        assertThat(ForeignOwner.hint(dir.resolve("backups"), new AccessDeniedException(lastId.toString())))
                .isEqualTo(" (" + lastId + " has mode r--------: chmod u+rw " + lastId + ")");
        Files.setPosixFilePermissions(lastId, PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("---------"));
        try {
            assertThat(ForeignOwner.hint(dir.resolve("backups"), new AccessDeniedException(state.resolve("lock").toString())))
                    .contains(state + " has mode ---------: chmod u+rwx " + state);
        } finally {
            Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void aBackupDeniedItsLastIdSaysWhoOwnsItAndHowToGiveItBack() throws Exception {
        assumeRootAndSetpriv();
        Path db = TestDb.create(dir.resolve("app.db"), TestDb.Mode.WAL, 10, 100);
        Path backups = dir.resolve("backups");
        CliProcess cli = cli(db, backups);
        CliProcess.Result first = cli.run("backup", "database", "--no-rotate");
        assertThat(first.exitCode()).as(first.describe()).isZero();
        Path lastId = backups.resolve(".archivist/last-id");
        giveAway(lastId);
        String owner = Files.getOwner(lastId).getName();

        CliProcess.Result r = cli.startWrapped(CliProcess.withoutPermissionBypass("-dac_override,-dac_read_search"),
                "backup", "database", "--no-rotate").await(CliProcess.DEFAULT_TIMEOUT);
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        assertThat(r.stderr()).as(r.describe()).contains("permission denied: " + lastId)
                .contains(lastId + " is owned by " + owner + ", not by " + ME + ": created by a run as " + owner + "?")
                .contains("chown -R " + ME + " " + backups);
    }

    /** "latest" refused for a newest manifest that cannot be read says why when another user owns it. */
    @Test
    void aNewestManifestOfAnotherUserIsRefusedSayingWhoOwnsIt() throws Exception {
        assumeRootAndSetpriv();
        Path db = TestDb.create(dir.resolve("app.db"), TestDb.Mode.WAL, 10, 100);
        Path backups = dir.resolve("backups");
        CliProcess cli = cli(db, backups);
        CliProcess.Result backup = cli.run("backup", "database", "--no-rotate");
        assertThat(backup.exitCode()).as(backup.describe()).isZero();
        Path manifest;
        try (var files = Files.list(backups.resolve("database"))) {
            manifest = files.filter(f -> f.toString().endsWith(".json")).findFirst().orElseThrow();
        }
        giveAway(manifest);

        CliProcess.Result r = cli.startWrapped(CliProcess.withoutPermissionBypass("-dac_override,-dac_read_search"),
                "verify", "latest").await(CliProcess.DEFAULT_TIMEOUT);
        assertThat(r.exitCode()).as(r.describe()).isNotZero();
        assertThat(r.stderr()).as(r.describe()).contains("has a manifest that cannot be read (" + manifest
                + ": permission denied (" + manifest + " is owned by " + Files.getOwner(manifest).getName());
    }

    /** The daemon's lock and the scheduler's state, which a run as root leaves too, say the same. */
    @Test
    void theSchedulersLockAndStateDeniedSayWhoOwnsThem() throws Exception {
        assumeRootAndSetpriv();
        Path db = TestDb.create(dir.resolve("app.db"), TestDb.Mode.WAL, 10, 100);
        Path backups = dir.resolve("backups");
        Path state = Files.createDirectories(backups.resolve(".archivist"));
        List<Path> theirs = List.of(Files.createFile(state.resolve("daemon.lock")),
                Files.createFile(state.resolve("scheduler-state.lock")));
        for (Path f : theirs) {
            giveAway(f);
        }
        String owner = Files.getOwner(theirs.get(0)).getName();
        CliProcess cli = cli(db, backups).env("BACKUP_STORAGE_ENABLED", "false").env("BACKUP_FULL_ENABLED", "false");
        List<String> withoutBypass = CliProcess.withoutPermissionBypass("-dac_override,-dac_read_search");

        CliProcess.Result daemon = cli.startWrapped(withoutBypass, "run").await(CliProcess.DEFAULT_TIMEOUT);
        assertThat(daemon.exitCode()).as(daemon.describe()).isNotZero();
        assertThat(daemon.stderr()).as(daemon.describe()).contains("cannot take the scheduler lock")
                .contains(theirs.get(0) + " is owned by " + owner + ", not by " + ME)
                .contains("chown -R " + ME + " " + backups);

        CliProcess.Result once = cli.startWrapped(withoutBypass, "run", "--once").await(CliProcess.DEFAULT_TIMEOUT);
        assertThat(once.stderr()).as(once.describe()).contains("cannot persist the state of job database_backup: "
                + "permission denied: " + theirs.get(1) + " (" + theirs.get(1) + " is owned by " + owner);
    }

    private static void assumeRootAndSetpriv() {
        Assumptions.assumeTrue(CliProcess.runningAsRoot() && TestDb.onPath("setpriv"),
                "needs root (to give files away) and setpriv (to run without the permission bypass)");
    }

    private CliProcess cli(Path db, Path backups) {
        return new CliProcess(dir).env("DATABASE_URL", db.toString()).env("BACKUP_DIR", backups.toString())
                .env("STORAGE_PATH", dir.resolve("storage").toString()).env("JSON_LOGS", "false");
    }

    /** Makes {@code file} another user's (nobody's), readable and writable by that user only. */
    private static void giveAway(Path file) throws java.io.IOException {
        Files.setAttribute(file, "unix:uid", 65534);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
}
