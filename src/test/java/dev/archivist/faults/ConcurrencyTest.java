package dev.archivist.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.archivist.BackupService;
import dev.archivist.BackupType;
import dev.archivist.catalog.Manifest;
import dev.archivist.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Concurrent runs on one backup directory: a CLI full backup while the daemon's jobs ({@code run --once}) take theirs;
 * two rotations at once; a rotation while a backup is being written. No collision, no lost or half-listed backup, and
 * each process says what happened: exit 0 when the lock timeout lets it wait, exit 3 naming the holder when not.
 */
@Tag("system")
class ConcurrencyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration T = Duration.ofMinutes(3);

    @TempDir
    Path dir;

    @Test
    void cliFullBackupWhileTheDaemonRunsItsJobs() throws Exception {
        FaultFixture fx = new FaultFixture(dir).database(1500, 1000).set("BACKUP_LOCK_TIMEOUT_SECONDS", "180")
                .set("BACKUP_FULL_ENABLED", "true").set("BACKUP_DATABASE_ENABLED", "true")
                .set("BACKUP_STORAGE_ENABLED", "false").set("BACKUP_ROTATION_ENABLED", "true")
                .set("BACKUP_FULL_SCHEDULE", "* * * * *").set("BACKUP_CATCH_UP", "true");
        FaultFixture.writeTree(fx.storage, 1, 20, 100_000);
        CliProcess cli = fx.cli();
        CliProcess.Running daemon = cli.start("run", "--once");
        CliProcess.Running backup = cli.start("backup", "full", "--json");
        CliProcess.Result d = daemon.await(T);
        CliProcess.Result b = backup.await(T);
        assertThat(d.exitCode()).as(d.describe()).isZero();
        assertThat(b.exitCode()).as(b.describe()).isZero();
        String cliFull = JSON.readTree(b.stdout()).path("id").asText();

        List<Manifest> listed = fx.assertEveryListedBackupVerifies("after concurrent daemon and CLI");
        fx.assertNoLeftovers("after concurrent daemon and CLI");
        assertThat(listed).extracting(Manifest::id).doesNotHaveDuplicates().contains(cliFull);
        assertThat(listed.stream().filter(m -> m.type() == BackupType.FULL)).as("the daemon's full and the CLI's").hasSize(2);
        assertThat(listed.stream().filter(m -> m.type() == BackupType.DATABASE))
                .as("daemon: database job + full; CLI: full").hasSize(3);
        assertThat(listed.stream().filter(m -> m.type() == BackupType.STORAGE)).hasSize(2);
        assertThat(d.stderr() + d.stdout()).as("the daemon reports its jobs; %s", d.describe()).contains("full");
    }

    @Test
    void twoRotationsAtOnce() throws Exception {
        FaultFixture fx = new FaultFixture(dir).database(30, 100).set("MAX_BACKUPS", "2").set("BACKUP_LOCK_TIMEOUT_SECONDS", "180");
        FaultFixture.writeTree(fx.storage, 1, 4, 2_000);
        BackupService s = fx.service();
        for (int i = 0; i < 6; i++) {
            s.backupFull(false, null);
        }
        Set<String> before = ids(s.list(null));
        CliProcess cli = fx.cli();
        CliProcess.Running a = cli.start("rotate", "--json");
        CliProcess.Running b = cli.start("rotate", "--json");
        CliProcess.Result ra = a.await(T);
        CliProcess.Result rb = b.await(T);
        assertThat(ra.exitCode()).as(ra.describe()).isZero();
        assertThat(rb.exitCode()).as(rb.describe()).isZero();
        List<String> removed = new ArrayList<>();
        removed.addAll(removedIds(ra.stdout()));
        removed.addAll(removedIds(rb.stdout()));
        assertThat(removed).as("no backup removed twice").doesNotHaveDuplicates();
        List<Manifest> after = fx.assertEveryListedBackupVerifies("after two rotations");
        fx.assertNoLeftovers("after two rotations");
        Set<String> gone = new HashSet<>(before);
        gone.removeAll(ids(after));
        assertThat(new HashSet<>(removed)).as("what the two processes report is exactly what disappeared").isEqualTo(gone);
        for (BackupType t : BackupType.values()) {
            assertThat(after.stream().filter(m -> m.type() == t)).as(t.wireName()).hasSize(2);
        }
    }

    @Test
    void rotationWhileABackupIsBeingWritten() throws Exception {
        FaultFixture fx = new FaultFixture(dir).database(30, 100).set("MAX_BACKUPS", "2").set("BACKUP_LOCK_TIMEOUT_SECONDS", "180");
        FaultFixture.writeTree(fx.storage, 2, 40, 400_000);
        BackupService s = fx.service();
        for (int i = 0; i < 3; i++) {
            s.backupStorage(false, null);
        }
        Path holder = fx.backups.resolve(".archivist").resolve("lock.holder");
        // xz makes this backup slow enough (seconds) that the rotations below start while it holds the lock
        CliProcess.Running backup = fx.cli().env("BACKUP_COMPRESSION", "xz").start("backup", "storage", "--no-rotate", "--json");
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (backup.process().isAlive() && !Files.exists(holder) && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        CliProcess.Running patient = fx.cli().start("rotate", "--json");
        // an impatient rotation (lock timeout 0) asked while the backup is being written: refused, naming the holder
        // (in-process, so no JVM start races the backup; the CLI's exit 3 is checked in aBackupThatCannotWaitNamesTheHolder)
        assertThat(backup.process().isAlive()).as("the backup is still being written").isTrue();
        Throwable impatient = org.assertj.core.api.Assertions.catchThrowable(
                () -> new FaultFixture(dir).set("BACKUP_LOCK_TIMEOUT_SECONDS", "0").service().rotate(false));
        assertThat(impatient).isInstanceOf(dev.archivist.LockUnavailableException.class)
                .hasMessageContaining("backup storage").hasMessageContaining("pid " + backup.pid());
        CliProcess.Result rb = backup.await(T);
        CliProcess.Result rp = patient.await(T);
        assertThat(rb.exitCode()).as(rb.describe()).isZero();
        assertThat(rp.exitCode()).as(rp.describe()).isZero();
        String newId = JSON.readTree(rb.stdout()).path("id").asText();
        List<Manifest> after = fx.assertEveryListedBackupVerifies("rotation while backing up");
        fx.assertNoLeftovers("rotation while backing up");
        assertThat(after).extracting(Manifest::id).as("the new backup is never rotated away half-written").contains(newId);
        assertThat(after.stream().filter(m -> m.type() == BackupType.STORAGE)).hasSize(2);
    }

    @Test
    void aBackupThatCannotWaitNamesTheHolder() throws Exception {
        FaultFixture fx = new FaultFixture(dir).database(30, 100).set("BACKUP_LOCK_TIMEOUT_SECONDS", "0");
        FaultFixture.writeTree(fx.storage, 3, 2, 2_000);
        try (var lock = fx.catalog().lock(Duration.ZERO, "archivist test-holder", m -> { })) {
            CliProcess.Result r = fx.cli().run("backup", "database");
            assertThat(r.exitCode()).as(r.describe()).isEqualTo(3);
            assertThat(r.stderr()).contains("test-holder").contains(String.valueOf(ProcessHandle.current().pid()));
        }
        assertThat(fx.service().list(null)).isEmpty();
    }

    private static Set<String> ids(List<Manifest> ms) {
        Set<String> s = new HashSet<>();
        ms.forEach(m -> s.add(m.id()));
        return s;
    }

    private static List<String> removedIds(String json) throws Exception {
        List<String> out = new ArrayList<>();
        JsonNode n = JSON.readTree(json);
        for (JsonNode r : n.path("removed")) {
            out.add(r.isTextual() ? r.asText() : r.path("id").asText());
        }
        return out;
    }
}
