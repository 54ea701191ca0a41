package dev.archivist.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.archivist.testing.CliProcess;
import dev.archivist.testing.TestDb;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5 acceptance, "archivist run" as a real subprocess: with an every-minute schedule it completes runs; SIGTERM
 * while a backup is running lets it finish or aborts it cleanly (BACKUP_SHUTDOWN_TIMEOUT_SECONDS=1), exit 0, nothing
 * left behind; a second daemon on the same backup directory exits 3 naming the first; SIGINT also stops it with 0;
 * {@code run --once} runs the enabled jobs in order and exits 1 when one failed. SEED-SPEC defect 5 (no locking: a
 * scheduler in every worker process).
 *
 * <p>To keep the test short (one scheduled minute instead of two) the state file is seeded so that the daemon's first
 * run is a catch-up run right at start; the run the signal hits is the next every-minute fire time.
 */
@Tag("system")
class DaemonSystemTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    Map<String, String> env(Path db, Path backups) {
        return Map.of("DATABASE_URL", "sqlite:///" + db, "STORAGE_PATH", dir.resolve("storage").toString(),
                "BACKUP_DIR", backups.toString(), "BACKUP_DATABASE_SCHEDULE", "* * * * *",
                "BACKUP_FULL_ENABLED", "false", "BACKUP_ROTATION_ENABLED", "false",
                "BACKUP_SHUTDOWN_TIMEOUT_SECONDS", "1", "BACKUP_TIMEZONE", "UTC", "JSON_LOGS", "false");
    }

    @Test
    void theDaemonRunsEveryMinuteRefusesASecondDaemonAndStopsCleanlyOnSigterm() throws Exception {
        Path db = TestDb.createBig(dir.resolve("app_data.db"), TestDb.Mode.WAL, 300);
        Files.createDirectories(dir.resolve("storage"));
        Path backups = dir.resolve("backups");
        Path dbDir = backups.resolve("database");
        // Seed: the last database backup fired three minutes ago, so the daemon catches up once right at start.
        Instant seeded = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(3));
        new StateStore(backups.resolve(".archivist")).save(JobId.DATABASE_BACKUP,
                new JobState(seeded.toString(), seeded.toString(), "success", "seeded by the test", 1L, "schedule"));
        CliProcess cli = new CliProcess(dir).env(env(db, backups));

        CliProcess.Running daemon = cli.start("run");
        try {
            assumeFalse(ignores(daemon.pid(), 15), "SIGTERM is ignored by this test environment");
            // 1. A run completes (the catch-up run); the state file records it.
            await(Duration.ofSeconds(150), daemon, () -> "success".equals(outcome(backups)) && !seeded.toString().equals(lastFire(backups)));
            assertThat(daemon.stderrSoFar()).contains("catching up once");

            // 2. A second daemon on the same backup directory refuses to start and names the first.
            CliProcess.Result second = cli.run("run");
            assertThat(second.exitCode()).as(second.describe()).isEqualTo(3);
            assertThat(second.stderr()).contains("another daemon").contains("pid " + daemon.pid());
            CliProcess.Result secondJson = cli.env("JSON_LOGS", "true").run("run"); // a log pipeline sees why too
            cli.env("JSON_LOGS", "false");
            assertThat(secondJson.exitCode()).as(secondJson.describe()).isEqualTo(3);
            assertThat(secondJson.stderr()).containsPattern("\\{\"@timestamp\".*another daemon.*\"level\":\"ERROR\"");
            assertThat(daemon.process().isAlive()).isTrue();

            // 3. Wait until the next every-minute run is writing (a .tmp- file), then SIGTERM.
            int before = listed(cli).size();
            await(Duration.ofSeconds(90), daemon, () -> tempFiles(dbDir).size() > 0);
            signal(daemon.pid(), "TERM");
            CliProcess.Result r = daemon.await(Duration.ofSeconds(60));
            assertThat(r.exitCode()).as(r.describe()).isZero();
            assertThat(r.stderr()).contains("shutdown requested").contains("daemon stopped");
            assertThat(r.stdout()).contains("database_backup").contains("'* * * * *'");

            // 4. Completed or cleanly aborted: nothing temporary is left anywhere, and every listed backup verifies.
            assertThat(tempFiles(backups)).as("leftovers").isEmpty();
            List<JsonNode> after = listed(cli);
            String last = outcome(backups);
            System.out.println("SIGTERM during a running backup; its outcome: " + last + "\n" + r.stderr());
            assertThat(last).isIn("success", "aborted");
            if (last.equals("aborted")) {
                assertThat(after).as("an aborted run adds no backup").hasSize(before);
                assertThat(r.stderr()).contains("aborting it");
            } else {
                assertThat(after).hasSize(before + 1);
            }
            assertThat(after).hasSizeGreaterThanOrEqualTo(1);
            CliProcess.Result verify = cli.run("verify", "--all", "--json");
            assertThat(verify.exitCode()).as(verify.describe()).isZero();
            try (Stream<Path> files = Files.walk(db.getParent(), 1)) {
                assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".tmp-"));
            }

            // 5. `archivist schedule --json` shows what the daemon did.
            CliProcess.Result schedule = cli.run("schedule", "--json");
            assertThat(schedule.exitCode()).as(schedule.describe()).isZero();
            JsonNode job = JSON.readTree(schedule.stdout()).path("jobs").get(0);
            assertThat(job.path("id").asText()).isEqualTo("database_backup");
            assertThat(job.path("last_outcome").asText()).isEqualTo(last);
            assertThat(job.path("last_fire_time").asText()).isEqualTo(lastFire(backups));
        } finally {
            daemon.process().destroyForcibly();
        }
    }

    /**
     * SIGTERM while the scheduled job waits for the backup lock (another process's backup holds it): the job has not
     * begun and is dropped, not started once the lock comes free (a 22 s backup began 2 s after SIGTERM); the daemon
     * exits 0 at once and writes nothing.
     */
    @Test
    void aJobStillWaitingForTheLockIsNotStartedAfterSigterm() throws Exception {
        Path db = TestDb.create(dir.resolve("app_data.db"), TestDb.Mode.WAL, 50, 50);
        Files.createDirectories(dir.resolve("storage"));
        Path backups = dir.resolve("backups");
        Instant seeded = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(3));
        new StateStore(backups.resolve(".archivist")).save(JobId.DATABASE_BACKUP,
                new JobState(seeded.toString(), seeded.toString(), "success", "seeded by the test", 1L, "schedule"));
        Map<String, String> env = new java.util.HashMap<>(env(db, backups));
        env.put("BACKUP_LOCK_TIMEOUT_SECONDS", "600");
        env.put("BACKUP_SHUTDOWN_TIMEOUT_SECONDS", "300");
        CliProcess cli = new CliProcess(dir).env(env);
        try (var held = dev.archivist.catalog.DirectoryLock.acquire(backups.resolve(".archivist/lock"), Duration.ZERO,
                "the test (another process's backup)", m -> { })) {
            CliProcess.Running daemon = cli.start("run");
            try {
                // the catch-up run at start waits for the lock the test holds
                await(Duration.ofSeconds(60), daemon, () -> daemon.stderrSoFar().contains("waiting up to"));
                signal(daemon.pid(), "TERM");
                CliProcess.Result r = daemon.await(Duration.ofSeconds(60));
                assertThat(r.exitCode()).as(r.describe()).isZero();
                assertThat(r.stderr()).contains("was still waiting for the backup lock: not started").contains("daemon stopped");
            } finally {
                daemon.process().destroyForcibly();
            }
        }
        assertThat(TestDb.files(backups.resolve("database"))).as("no backup started after the stop").isEmpty();
    }

    /**
     * SIGINT (Ctrl-C) and SIGHUP (the terminal of a foreground daemon closed, an SSH session dropped) stop the daemon
     * as SIGTERM does; SIGHUP killed it on the spot (exit 129), leaving a running backup's files behind.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"INT, 2", "HUP, 1"})
    void sigintAndSighupStopTheDaemonWithExitCodeZero(String name, int number) throws Exception {
        Path backups = dir.resolve("backups");
        CliProcess cli = new CliProcess(dir).env(Map.of("DATABASE_URL", "sqlite:///" + dir.resolve("app.db"),
                "BACKUP_DIR", backups.toString(), "JSON_LOGS", "false"));
        CliProcess.Running daemon = cli.start("run");
        try {
            await(Duration.ofSeconds(60), daemon, () -> daemon.stderrSoFar().contains("daemon started"));
            assumeFalse(ignores(daemon.pid(), number), "SIG" + name + " is ignored by this process (inherited from a parent)");
            signal(daemon.pid(), name);
            CliProcess.Result r = daemon.await(Duration.ofSeconds(30));
            assertThat(r.exitCode()).as(r.describe()).isZero();
            assertThat(r.stderr()).contains("received SIG" + name).contains("daemon stopped")
                    .contains("(DATABASE_URL) does not exist (yet)"); // said at the start, not first at a fire time
            assertThat(Files.exists(backups.resolve(".archivist/daemon.lock.holder"))).as("lock released").isFalse();
        } finally {
            daemon.process().destroyForcibly();
        }
    }

    @Test
    void runOnceRunsTheEnabledJobsInOrderAndExitsOneWhenAJobFailed() throws Exception {
        Path db = TestDb.create(dir.resolve("app_data.db"), TestDb.Mode.WAL, 500, 200);
        Path backups = dir.resolve("backups");
        CliProcess cli = new CliProcess(dir).env(Map.of("DATABASE_URL", "sqlite:///" + db,
                "STORAGE_PATH", dir.resolve("storage").toString(), "BACKUP_DIR", backups.toString(),
                "BACKUP_STORAGE_ENABLED", "true", "JSON_LOGS", "false"));

        CliProcess.Result failed = cli.run("run", "--once"); // the storage folder does not exist
        assertThat(failed.exitCode()).as(failed.describe()).isEqualTo(1);
        assertThat(jobLines(failed.stdout())).containsExactly(
                "database_backup success", "storage_backup failure", "full_backup failure", "backup_rotation success");
        assertThat(failed.stdout()).contains("storage");

        Files.createDirectories(dir.resolve("storage/photos"));
        Files.writeString(dir.resolve("storage/photos/a.txt"), "a");
        CliProcess.Result ok = cli.run("run", "--once");
        assertThat(ok.exitCode()).as(ok.describe()).isZero();
        assertThat(jobLines(ok.stdout())).containsExactly(
                "database_backup success", "storage_backup success", "full_backup success", "backup_rotation success");
        assertThat(tempFiles(backups)).isEmpty();
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    static List<String> jobLines(String stdout) {
        return stdout.lines().map(String::strip).filter(l -> l.matches("^(database|storage|full)_backup .*|^backup_rotation .*"))
                .map(l -> String.join(" ", List.of(l.split("\\s+")).subList(0, 2))).toList();
    }

    static JsonNode state(Path backups) {
        try {
            return JSON.readTree(backups.resolve(".archivist/scheduler-state.json").toFile()).path("database_backup");
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    static String outcome(Path backups) {
        return state(backups).path("last_outcome").asText(null);
    }

    static String lastFire(Path backups) {
        return state(backups).path("last_fire_time").asText(null);
    }

    static List<JsonNode> listed(CliProcess cli) throws IOException {
        CliProcess.Result list = cli.run("list", "--json");
        assertThat(list.exitCode()).as(list.describe()).isZero();
        List<JsonNode> all = new java.util.ArrayList<>();
        JSON.readTree(list.stdout()).forEach(all::add);
        return all;
    }

    static List<String> tempFiles(Path root) {
        try {
            return TestDb.files(root).stream().filter(f -> Path.of(f).getFileName().toString().startsWith(".tmp-")).toList();
        } catch (IOException e) { // a file vanished while walking: look again next time
            return List.of();
        }
    }

    /**
     * The lock file of a running daemon removed ({@code rm -rf BACKUP_DIR/.archivist}): the daemon takes it again within
     * seconds, so a second daemon still exits 3 (it started beside the first and every job ran twice).
     */
    @Test
    void aDaemonTakesItsRemovedLockAgainSoASecondOneStillCannotStart() throws Exception {
        Path db = TestDb.create(dir.resolve("app_data.db"), TestDb.Mode.WAL, 10, 10);
        Files.createDirectories(dir.resolve("storage"));
        Path backups = dir.resolve("backups");
        CliProcess cli = new CliProcess(dir).env(env(db, backups)).env("BACKUP_DATABASE_SCHEDULE", "0 2 * * *");
        CliProcess.Running daemon = cli.start("run");
        try {
            await(Duration.ofSeconds(60), daemon, () -> daemon.stderrSoFar().contains("daemon started"));
            dev.archivist.catalog.Durable.deleteTree(backups.resolve(".archivist"));
            await(Duration.ofSeconds(30), daemon, () -> daemon.stderrSoFar().contains("taken again there"));
            CliProcess.Result second = cli.run("run");
            assertThat(second.exitCode()).as(second.describe()).isEqualTo(3);
            assertThat(second.stderr()).contains("another daemon").contains("pid " + daemon.pid());
            signal(daemon.pid(), "TERM");
            CliProcess.Result r = daemon.await(Duration.ofSeconds(60));
            assertThat(r.exitCode()).as(r.describe()).isZero();
        } finally {
            daemon.process().destroyForcibly();
        }
    }

    static void signal(long pid, String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    /** Whether {@code pid} ignores signal {@code number} (SigIgn in /proc; false when unknown). */
    static boolean ignores(long pid, int number) throws IOException {
        Path status = Path.of("/proc/" + pid + "/status");
        if (!Files.exists(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
            if (line.startsWith("SigIgn:")) {
                return new BigInteger(line.substring(7).strip(), 16).testBit(number - 1);
            }
        }
        return false;
    }

    static void await(Duration max, CliProcess.Running daemon, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(daemon.process().isAlive()).as("daemon alive; stderr: %s", daemon.stderrSoFar()).isTrue();
            assertThat(System.nanoTime()).as("condition within %s; stderr: %s", max, daemon.stderrSoFar()).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
