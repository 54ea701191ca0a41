package dev.archivist.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.archivist.testing.CliProcess;
import dev.archivist.testing.TestDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 2 acceptance: two concurrent {@code archivist backup database} processes never corrupt each other: the second
 * waits (saying who holds the lock), or exits 3 after {@code BACKUP_LOCK_TIMEOUT_SECONDS} naming the holder; the
 * catalog then holds only complete, verifiable backups.
 */
@Tag("system")
class ConcurrentBackupProcessesTest {
    @TempDir
    Path dir;
    Path backups;
    Path db;

    @BeforeEach
    void bigDatabase() throws Exception {
        db = TestDb.createBig(dir.resolve("big.db"), TestDb.Mode.WAL, 150);
        backups = dir.resolve("backups");
    }

    private CliProcess cli() {
        return CliProcess.forApp(dir, db, backups);
    }

    @Test
    void theSecondProcessWaitsForTheFirstAndBothSucceed() throws Exception {
        CliProcess.Running first = cli().start("backup", "database");
        awaitLockHeld();
        CliProcess.Running second = cli().env("BACKUP_LOCK_TIMEOUT_SECONDS", "120").start("backup", "database");
        CliProcess.Result a = first.await(Duration.ofMinutes(3));
        CliProcess.Result b = second.await(Duration.ofMinutes(3));
        assertThat(a.exitCode()).as(a.describe()).isZero();
        assertThat(b.exitCode()).as(b.describe()).isZero();
        assertCatalogComplete(2);
    }

    @Test
    void aWaitingProcessSaysWhomItWaitsForAndGoesOnWhenTheLockIsFree() throws Exception {
        Process holder = cli().startMain(dev.archivist.testing.LockHolder.class, dir.resolve("holder.out").toFile(),
                dir.resolve("holder.err").toFile(), backups.toString());
        CliProcess.Running waiting;
        try {
            awaitLockHeld();
            waiting = cli().env("BACKUP_LOCK_TIMEOUT_SECONDS", "120").start("backup", "database");
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!Files.readString(waiting.stderrFile()).contains("waiting")) {
                assertThat(System.nanoTime()).as("the second process says it is waiting").isLessThan(deadline);
                Thread.sleep(20);
            }
            assertThat(Files.readString(waiting.stderrFile())).contains(Long.toString(holder.pid()));
        } finally {
            holder.destroyForcibly().waitFor();
        }
        CliProcess.Result r = waiting.await(Duration.ofMinutes(3));
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertCatalogComplete(1);
    }

    @Test
    void withTimeoutZeroTheSecondExits3NamingTheHolder() throws Exception {
        holderBlocksSecond("0");
    }

    @Test
    void withTimeoutOneTheSecondExits3NamingTheHolder() throws Exception {
        holderBlocksSecond("1");
    }

    /**
     * Another process holds the lock for as long as the test needs (a backup alone can finish before a second JVM has
     * even started); a backup with a short timeout must give up with exit 3 naming that process.
     */
    /** A timer's run --once whose jobs met another process's lock fails (exit 1, issue 5) and names the holder. */
    @Test
    void runOnceThatMetAnotherProcesssLockFailsNamingTheHolder() throws Exception {
        Process holder = cli().startMain(dev.archivist.testing.LockHolder.class, dir.resolve("holder.out").toFile(),
                dir.resolve("holder.err").toFile(), backups.toString());
        try {
            awaitLockHeld();
            CliProcess.Result once = cli().env("BACKUP_LOCK_TIMEOUT_SECONDS", "0").env("BACKUP_ROTATION_ENABLED", "false")
                    .run("run", "--once");
            assertThat(holder.isAlive()).as("precondition: the holder still held the lock").isTrue();
            assertThat(once.exitCode()).as(once.describe()).isEqualTo(1);
            assertThat(once.stdout()).contains("database_backup").contains("failure").contains("holds the lock")
                    .contains(Long.toString(holder.pid()));
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }

    private void holderBlocksSecond(String timeout) throws Exception {
        java.io.File out = dir.resolve("holder.out").toFile();
        Process holder = cli().startMain(dev.archivist.testing.LockHolder.class, out, dir.resolve("holder.err").toFile(),
                backups.toString());
        try {
            awaitLockHeld();
            CliProcess.Result b = cli().env("BACKUP_LOCK_TIMEOUT_SECONDS", timeout).run("backup", "database");
            assertThat(holder.isAlive()).as("precondition: the holder still held the lock when the backup gave up").isTrue();
            assertThat(b.exitCode()).as(b.describe()).isEqualTo(3);
            assertThat(b.stderr()).as(b.describe()).contains("lock").contains(Long.toString(holder.pid()))
                    .doesNotContain("Exception").doesNotContain("\tat ");
        } finally {
            holder.destroyForcibly().waitFor();
        }
        CliProcess.Result after = cli().run("backup", "database");
        assertThat(after.exitCode()).as("once the holder is gone: " + after.describe()).isZero();
        assertCatalogComplete(1);
    }

    private void awaitLockHeld() throws Exception {
        Path holder = backups.resolve(".archivist").resolve("lock.holder");
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Files.exists(holder)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the first process never took the lock");
            }
            Thread.sleep(5);
        }
    }

    private void assertCatalogComplete(int expected) throws Exception {
        CliProcess.Result list = cli().run("list", "--json");
        assertThat(list.exitCode()).as(list.describe()).isZero();
        JsonNode all = new ObjectMapper().readTree(list.stdout());
        assertThat(all).hasSize(expected);
        for (JsonNode m : all) {
            Path file = Path.of(m.path("backup_path").asText());
            assertThat(file).exists();
            assertThat(Files.size(file)).isEqualTo(m.path("file_size").asLong());
            assertThat(TestDb.sha256(file)).as("checksum of " + file).isEqualTo(m.path("checksum").asText());
            Path restored = TestDb.decompressWithStockTool(file, m.path("compression").asText(),
                    dir.resolve(m.path("id").asText() + ".db"));
            assertThat(TestDb.sqlite3(restored, "PRAGMA quick_check;").stdout().strip()).isEqualTo("ok");
        }
        assertThat(TestDb.files(backups.resolve("database"))).hasSize(2 * expected).noneMatch(f -> f.startsWith(".tmp-"));
    }
}
