package dev.archivist.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archivist.ArchivistException;
import dev.archivist.BackupService;
import dev.archivist.catalog.Manifest;
import dev.archivist.config.SettingsLoader;
import dev.archivist.testing.TestDb;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The copy a deep verify decompresses a database backup into: on the backups' disk, deleted by the next verify when
 * the verify that made it was killed, and a failure to write it is the machine's problem, not damage to the backup.
 */
class VerifyScratchTest {
    @TempDir
    Path dir;

    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aDeepVerifyWorksOnTheBackupsDiskAndRemovesWhatAKilledVerifyLeft() throws Exception {
        Path db = dir.resolve("app.db");
        TestDb.create(db, TestDb.Mode.WAL, 100, 50);
        BackupService service = new BackupService(SettingsLoader.load(Map.of("DATABASE_URL", db.toString(),
                "BACKUP_DIR", dir.resolve("backups").toString()), null, false, Map.of()), Clock.systemUTC(), n -> { });
        Manifest m = service.backupDatabase(false);
        Path state = dir.resolve("backups/.archivist");
        Path killed = Files.writeString(state.resolve("archivist-verify-" + VerifyScratch.host() + "-" + deadPid() + "-123.db"), "a killed verify's copy");
        // SQLite's side files of the killed verify's copy (a WAL backup): they were left for good
        Path killedWal = Files.writeString(state.resolve(killed.getFileName() + "-wal"), "wal");
        Path killedShm = Files.writeString(state.resolve(killed.getFileName() + "-shm"), "shm");
        Path running = Files.writeString(state.resolve("archivist-verify-" + VerifyScratch.host() + "-" + ProcessHandle.current().pid() + "-9.db"), "x");
        Path runningWal = Files.writeString(state.resolve(running.getFileName() + "-wal"), "x");
        Path foreign = Files.writeString(state.resolve("archivist-verify-notes.txt"), "not ours");
        Path otherHost = Files.writeString(state.resolve("archivist-verify-elsewhere-" + deadPid() + "-7.db"),
                "another host's verify, sharing the catalog: its pids are not ours to judge");

        VerifyReport report = service.verify(m, true);

        assertThat(report.clean()).as(report.problems().toString()).isTrue();
        assertThat(report.filesChecked()).isEqualTo(1);
        assertThat(killed).doesNotExist();
        assertThat(killedWal).doesNotExist();
        assertThat(killedShm).doesNotExist();
        assertThat(running).as("a verify still running keeps its copy").exists();
        assertThat(foreign).exists();
        assertThat(otherHost).exists();
        assertThat(names(state)).filteredOn(n -> n.startsWith("archivist-verify-")).containsExactlyInAnyOrder(
                running.getFileName().toString(), runningWal.getFileName().toString(), foreign.getFileName().toString(),
                otherHost.getFileName().toString());
    }

    /**
     * A verify stopped by SIGTERM (or Ctrl-C) while it checks its copy deletes the copy as it exits: it was left in
     * {@code BACKUP_DIR/.archivist}, as big as the database, until the next verify, as a killed verify's is.
     */
    @Test
    void aStoppedVerifyDeletesItsCopy() throws Exception {
        Path db = TestDb.createBig(dir.resolve("app.db"), TestDb.Mode.WAL, 200);
        Path backups = dir.resolve("backups");
        dev.archivist.testing.CliProcess cli = new dev.archivist.testing.CliProcess(dir).env("DATABASE_URL", db.toString())
                .env("BACKUP_DIR", backups.toString()).env("JSON_LOGS", "false");
        dev.archivist.testing.CliProcess.Result backup = cli.run("backup", "database", "--no-rotate");
        assertThat(backup.exitCode()).as(backup.describe()).isZero();
        Path state = backups.resolve(".archivist");

        dev.archivist.testing.CliProcess.Running verify = cli.start("verify", "latest");
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (verify.process().isAlive() && System.nanoTime() < deadline
                && names(state).stream().noneMatch(n -> n.startsWith("archivist-verify-"))) {
            Thread.sleep(1);
        }
        boolean signalled = verify.signal("TERM");
        dev.archivist.testing.CliProcess.Result r = verify.await(dev.archivist.testing.CliProcess.DEFAULT_TIMEOUT);

        assertThat(signalled).as("the verify was still running: %s", r.describe()).isTrue();
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(143);
        assertThat(names(state)).noneMatch(n -> n.startsWith("archivist-verify-"));
    }

    /**
     * {@code verify --all} where no copy can be written (a read-only BACKUP_DIR and a temporary folder it may not
     * write): the database backups are named as not checked here, the others are verified, and the exit is 1; nothing
     * is recorded as damaged.
     */
    @Test
    void verifyAllGoesOnWhenAnotherBackupCannotBeCheckedHere() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(!dev.archivist.testing.CliProcess.runningAsRoot()
                || TestDb.onPath("setpriv"), "running as root without setpriv: permission bits do not bind");
        Path db = TestDb.create(dir.resolve("app.db"), TestDb.Mode.WAL, 100, 50);
        Path storage = Files.createDirectories(dir.resolve("storage"));
        Files.writeString(storage.resolve("a.txt"), "alpha");
        Path backups = dir.resolve("backups");
        dev.archivist.testing.CliProcess cli = new dev.archivist.testing.CliProcess(dir).env("DATABASE_URL", db.toString())
                .env("STORAGE_PATH", storage.toString()).env("BACKUP_DIR", backups.toString()).env("JSON_LOGS", "false");
        assertThat(cli.run("backup", "database", "--no-rotate").exitCode()).isZero();
        assertThat(cli.run("backup", "storage", "--no-rotate", "--compression", "gz").exitCode()).isZero();
        Path noTmp = Files.createDirectories(dir.resolve("no-tmp"));
        List<Path> readOnly = List.of(noTmp, backups.resolve(".archivist"));
        for (Path p : readOnly) {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("r-x------"));
        }
        // zstd's JNI library (the per-file index is zstd) from a folder of its own, as bin/archivist gives it: zstd-jni
        // would unpack it into the temporary folder this test makes unwritable
        cli.jvmArg("-DZstdNativePath=" + dev.archivist.testing.ZstdLibrary.copyInto(dir));
        try {
            dev.archivist.testing.CliProcess.Result r = cli.jvmArg("-Djava.io.tmpdir=" + noTmp)
                    .startWrapped(dev.archivist.testing.CliProcess.withoutPermissionBypass("-dac_override"), "verify", "--all")
                    .await(java.time.Duration.ofMinutes(2));
            assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
            assertThat(r.stdout()).containsPattern("ERROR  db_backup_\\S+: cannot verify db_backup_")
                    .contains("nothing was found wrong with the backup").containsPattern("OK +storage_backup_")
                    .contains("1 backup verified: 1 clean, 0 with problems, 1 could not be checked here");
        } finally {
            for (Path p : readOnly) {
                Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            }
        }
    }

    @Test
    void theCopyGoesToTheTemporaryFolderWhenTheStateFolderCannotTakeIt() throws Exception {
        Path scratch = VerifyScratch.create(dir.resolve("no-such-catalog/.archivist"), "db_backup_20260101T000000.000Z");
        try {
            assertThat(scratch.getParent()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir")));
            assertThat(scratch.getFileName().toString())
                    .startsWith("archivist-verify-" + VerifyScratch.host() + "-" + ProcessHandle.current().pid() + "-");
        } finally {
            Files.deleteIfExists(scratch);
        }
    }

    @Test
    void aFullDiskFailsTheVerifyWithoutCallingTheBackupDamaged() {
        Path scratch = dir.resolve("archivist-verify-1-2.db");
        OutputStream full = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("No space left on device");
            }
        };
        OutputStream out = VerifyScratch.writing(full, scratch, "db_backup_20260101T000000.000Z");
        assertThatThrownBy(() -> out.write(new byte[4096], 0, 4096)).isInstanceOf(ArchivistException.class)
                .hasMessageContaining("cannot verify db_backup_20260101T000000.000Z")
                .hasMessageContaining(scratch + ": No space left on device")
                .hasMessageContaining("nothing was found wrong with the backup");
    }

    /**
     * A copy removed before SQLite opened it (the exit of a verify told to stop deletes it, DeletedOnStop, while the
     * verify's thread goes on) makes integrity_check report problems that are the removal's: the verify then ends
     * without a verdict, so that a sound backup is not recorded as damaged.
     */
    @Test
    void problemsFoundInACopyRemovedUnderTheCheckAreNoVerdict() throws Exception {
        Path copy = dir.resolve("archivist-verify-copy.db");
        TestDb.create(copy, TestDb.Mode.WAL, 10, 5);
        VerifyScratch.requireStillThere(copy, "db_backup_20260101T000000.000Z"); // present: a verdict stands
        Files.delete(copy);
        assertThat(dev.archivist.source.SqliteSnapshot.check(copy, true, () -> false))
                .as("what the check finds in a removed copy").isNotEmpty();
        assertThatThrownBy(() -> VerifyScratch.requireStillThere(copy, "db_backup_20260101T000000.000Z"))
                .isInstanceOf(ArchivistException.class)
                .hasMessageContaining("cannot verify db_backup_20260101T000000.000Z")
                .hasMessageContaining("was removed while it was checked")
                .hasMessageContaining("no verdict, nothing recorded");
    }
}
