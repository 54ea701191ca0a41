package dev.archivist.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archivist.BackupService;
import dev.archivist.archive.ProgressListener;
import dev.archivist.BackupType;
import dev.archivist.catalog.Manifest;
import dev.archivist.config.Settings;
import dev.archivist.config.SettingsLoader;
import dev.archivist.testing.TestDb;
import dev.archivist.catalog.DirectoryLock;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5, "The library face": the README's "Embedding" example, run as written (only the environment map differs:
 * the test's own instead of {@code System.getenv()}); a second test keeps the README and this file in sync.
 */
class BackupSchedulerEmbeddingTest {
    @TempDir
    Path dir;

    @Test
    void theReadmeExampleWorksAsShown() throws Exception {
        Path db = TestDb.create(dir.resolve("app_data.db"), TestDb.Mode.WAL, 200, 100);
        Files.writeString(Files.createDirectories(dir.resolve("storage")).resolve("photo.jpg"), "jpeg");
        Map<String, String> env = Map.of("DATABASE_URL", "sqlite:///" + db, "STORAGE_PATH", dir.resolve("storage").toString(),
                "BACKUP_DIR", dir.resolve("backups").toString(), "BACKUP_TIMEZONE", "Europe/Berlin");
        Path envFileOfTheTest = dir.resolve(".env"); // stands for the README's Path.of(".env"); absent here

        // ---- the README's example, line for line (envFileOfTheTest for Path.of(".env")) ----
        // imports: dev.archivist.BackupService, dev.archivist.catalog.Manifest, dev.archivist.config.{Settings, SettingsLoader},
        //          dev.archivist.schedule.{BackupScheduler, Scheduler}, dev.archivist.archive.ProgressListener
        Settings settings = SettingsLoader.load(env, envFileOfTheTest, false, Map.of());   // a missing .env is fine
        BackupService service = new BackupService(settings);
        Manifest backup = service.backupDatabase(true);                 // true: rotate afterwards, as the CLI does
        Manifest full = service.backupFull(true, ProgressListener.NONE);  // backupStorage(rotate, listener) likewise
        List<Manifest> all = service.list(null);                         // newest first; a BackupType filters
        boolean clean = service.verify(full, true).clean();              // deep; the result is recorded as by the CLI
        List<String> paths = new ArrayList<>();                         // a storage or full backup's files, from its index:
        service.files(full.id(), List.of()).forEach(e -> paths.add(e.path()));   // globs select; checked against the manifest first

        BackupScheduler scheduler = new BackupScheduler(settings);   // or BackupScheduler.fromEnvironment()
        scheduler.start();                                           // catches up a missed fire time; one per BACKUP_DIR, else LockUnavailableException
        Map<String, Instant> next = scheduler.nextRunTimes();        // {database_backup=…, full_backup=…, backup_rotation=…}
        List<BackupScheduler.JobInfo> jobs = scheduler.jobs();       // id, name, cron, enabled, next fire, last run
        Scheduler.RunOutcome outcome = scheduler.trigger("database"); // database | storage | full | rotation; waits for it
        boolean ok = outcome.succeeded();                            // false when the job failed; unknown type: IllegalArgumentException
        // ---- (stop() below, after the checks that need a running scheduler) ----

        assertThat(backup.type()).isEqualTo(BackupType.DATABASE);
        assertThat(full.type()).isEqualTo(BackupType.FULL);
        assertThat(all).extracting(Manifest::id).startsWith(full.id()).contains(backup.id());
        assertThat(clean).isTrue();
        assertThat(paths).containsExactly("photo.jpg");
        assertThat(next).containsOnlyKeys("database_backup", "full_backup", "backup_rotation");
        assertThat(next.values()).allSatisfy(t -> assertThat(t).isAfter(Instant.now()));
        assertThat(next.get("database_backup").atZone(settings.zone()).getHour()).isEqualTo(2);
        assertThat(jobs).extracting(BackupScheduler.JobInfo::id)
                .containsExactly("database_backup", "storage_backup", "full_backup", "backup_rotation");
        assertThat(ok).as(outcome.toString()).isTrue();
        assertThat(outcome.job()).isEqualTo(JobId.DATABASE_BACKUP);
        List<Manifest> backups = service.list(BackupType.DATABASE);
        assertThat(backups).hasSize(3); // the first, the full's component, the triggered one
        assertThat(outcome.message()).startsWith(backups.get(0).id());
        assertThat(Files.isRegularFile(Path.of(backups.get(0).json().path("backup_path").asText()))).isTrue();
        assertThat(service.verify(backups.get(0), true).clean()).isTrue();
        assertThat(scheduler.jobs().get(0).last()).satisfies(last -> {
            assertThat(last.lastOutcome()).isEqualTo("success");
            assertThat(last.trigger()).isEqualTo("manual");
        });

        assertThatThrownBy(() -> scheduler.trigger("bogus")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bogus").hasMessageContaining("database, storage, full or rotation");
        assertThat(scheduler.trigger("rotation").succeeded()).isTrue();

        scheduler.stop();                                            // starts nothing new, waits for a running job like SIGTERM
        assertThatThrownBy(() -> scheduler.trigger("database")).isInstanceOf(IllegalStateException.class);
    }

    /**
     * A stopped scheduler runs nothing any more, so it reports no next fire time (null, as for a job that never fires
     * again), in {@code nextRunTimes()} as in {@code jobs()}; before {@code start()} it reports the times it would run at.
     */
    @Test
    void aStoppedSchedulerReportsNoNextFireTime() throws Exception {
        Files.createDirectories(dir.resolve("storage"));
        Map<String, String> env = Map.of("DATABASE_URL", "sqlite:///" + dir.resolve("app.db"),
                "STORAGE_PATH", dir.resolve("storage").toString(), "BACKUP_DIR", dir.resolve("backups").toString(),
                "BACKUP_CATCH_UP", "false", "JSON_LOGS", "false");
        Settings settings = SettingsLoader.load(env, null, false, Map.of());
        BackupScheduler scheduler = new BackupScheduler(settings);
        assertThat(scheduler.nextRunTimes()).as("not started yet").containsOnlyKeys("database_backup", "full_backup",
                "backup_rotation").doesNotContainValue(null);
        scheduler.start();
        assertThat(scheduler.nextRunTimes()).as("running").doesNotContainValue(null);
        scheduler.stop();
        assertThat(scheduler.nextRunTimes()).as("stopped").containsOnlyKeys("database_backup", "full_backup",
                "backup_rotation").containsValues((Instant) null).allSatisfy((id, next) -> assertThat(next).isNull());
        assertThat(scheduler.jobs()).allSatisfy(j -> assertThat(j.nextFire()).as(j.id()).isNull());
        assertThat(scheduler.jobs()).extracting(BackupScheduler.JobInfo::enabled).containsExactly(true, false, true, true);
    }

    /**
     * SEED-SPEC defect 5: the scheduler started in every worker process and each job ran once per worker. One
     * scheduler runs per backup directory, embedded or the daemon; the others are refused, naming the holder.
     */
    @Test
    void oneSchedulerRunsPerBackupDirectoryEmbeddedOrTheDaemon() throws Exception {
        Path backups = dir.resolve("backups");
        Files.createDirectories(dir.resolve("storage"));
        Map<String, String> env = Map.of("DATABASE_URL", "sqlite:///" + dir.resolve("app.db"),
                "STORAGE_PATH", dir.resolve("storage").toString(), "BACKUP_DIR", backups.toString(),
                "BACKUP_DATABASE_ENABLED", "false", "BACKUP_FULL_ENABLED", "false", "BACKUP_ROTATION_ENABLED", "false",
                "JSON_LOGS", "false");
        Settings settings = SettingsLoader.load(env, null, false, Map.of());
        dev.archivist.testing.CliProcess cli = new dev.archivist.testing.CliProcess(dir).env(env);
        try (BackupScheduler first = new BackupScheduler(settings)) {
            first.start();
            try (BackupScheduler second = new BackupScheduler(settings)) {
                assertThatThrownBy(second::start).isInstanceOf(dev.archivist.LockUnavailableException.class)
                        .hasMessageContaining("another scheduler already runs on " + backups)
                        .hasMessageContaining("pid " + ProcessHandle.current().pid())
                        .hasMessageContaining("an application's BackupScheduler");
            }
            assertThatThrownBy(first::start).as("started twice").isInstanceOf(IllegalStateException.class);
            try (BackupScheduler third = new BackupScheduler(settings)) {
                assertThatThrownBy(third::start).as("the first still holds the lock")
                        .isInstanceOf(dev.archivist.LockUnavailableException.class);
            }
            dev.archivist.testing.CliProcess.Result daemon = cli.run("run");
            assertThat(daemon.exitCode()).as(daemon.describe()).isEqualTo(3);
            assertThat(daemon.stderr()).contains("another scheduler already runs on " + backups)
                    .contains("pid " + ProcessHandle.current().pid());
            first.stop();
            assertThatThrownBy(first::start).as("a stopped scheduler does not start again")
                    .isInstanceOf(IllegalStateException.class);
        }

        dev.archivist.testing.CliProcess.Running daemon = cli.start("run");
        try {
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
            while (!daemon.stderrSoFar().contains("daemon started")) {
                assertThat(daemon.process().isAlive()).as(daemon.stderrSoFar()).isTrue();
                assertThat(System.nanoTime()).as("the daemon starts once the embedded one stopped").isLessThan(deadline);
                Thread.sleep(20);
            }
            try (BackupScheduler embedded = new BackupScheduler(settings)) {
                assertThatThrownBy(embedded::start).isInstanceOf(dev.archivist.LockUnavailableException.class)
                        .hasMessageContaining("another daemon already runs on " + backups)
                        .hasMessageContaining("pid " + daemon.process().pid());
            }
        } finally {
            daemon.process().destroyForcibly().waitFor();
        }
    }

    @Test
    void aFailingJobIsAnOutcomeNotAnException() throws Exception {
        Map<String, String> env = Map.of("DATABASE_URL", "sqlite:///" + dir.resolve("missing.db"),
                "STORAGE_PATH", dir.resolve("no-storage").toString(), "BACKUP_DIR", dir.resolve("backups").toString());
        Settings settings = SettingsLoader.load(env, null, false, Map.of());
        try (BackupScheduler scheduler = new BackupScheduler(settings)) {
            Scheduler.RunOutcome outcome = scheduler.trigger("storage"); // before start(): runs in the calling thread
            assertThat(outcome.succeeded()).isFalse();
            assertThat(outcome.outcome()).isEqualTo("failure");
            assertThat(outcome.message()).contains("no-storage");
        }
    }

    /** A job {@code trigger} runs in its caller's thread before {@code start()} is waited for by {@code stop()}. */
    @Test
    void stopWaitsForAJobTriggeredBeforeStartInAnotherThread() throws Exception {
        Path db = TestDb.create(dir.resolve("app.db"), TestDb.Mode.ROLLBACK, 10, 10);
        Settings settings = SettingsLoader.load(Map.of("DATABASE_URL", db.toString(), "BACKUP_DIR",
                dir.resolve("backups").toString(), "BACKUP_SHUTDOWN_TIMEOUT_SECONDS", "120"), null, false, Map.of());
        BackupScheduler scheduler = new BackupScheduler(settings);
        try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = app.createStatement()) {
            st.execute("BEGIN EXCLUSIVE"); // the job's copy waits in SQLite's busy wait until the application commits
            CompletableFuture<Scheduler.RunOutcome> outcome = new CompletableFuture<>();
            Thread caller = new Thread(() -> outcome.complete(scheduler.trigger("database")));
            caller.start();
            Path holder = dir.resolve("backups").resolve(".archivist").resolve("lock.holder");
            while (!Files.exists(holder) || scheduler.service().waitingForLock(caller)) { // the backup lock taken
                Thread.sleep(10);
            }
            Thread.sleep(300); // in the busy wait
            Thread commit = new Thread(() -> {
                try {
                    Thread.sleep(1_000);
                    st.execute("COMMIT");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            commit.start();
            assertThat(scheduler.stop()).as("no job was aborted").isTrue();
            assertThat(outcome).as("stop() returned once the job had ended").isDone();
            assertThat(outcome.get().succeeded()).as(outcome.get().toString()).isTrue();
            commit.join();
            caller.join();
        }
        assertThat(new BackupService(settings).list(BackupType.DATABASE)).hasSize(1);
    }

    @Test
    void stopDropsAJobTriggeredBeforeStartThatStillWaitsForTheBackupLock() throws Exception {
        Path db = TestDb.create(dir.resolve("app.db"), TestDb.Mode.WAL, 10, 10);
        Path backups = dir.resolve("backups");
        Settings settings = SettingsLoader.load(Map.of("DATABASE_URL", db.toString(), "BACKUP_DIR", backups.toString(),
                "BACKUP_SHUTDOWN_TIMEOUT_SECONDS", "120"), null, false, Map.of());
        BackupScheduler scheduler = new BackupScheduler(settings);
        CompletableFuture<Scheduler.RunOutcome> outcome = new CompletableFuture<>();
        Thread caller = new Thread(() -> outcome.complete(scheduler.trigger("database")));
        try (DirectoryLock held = DirectoryLock.acquire(backups.resolve(".archivist").resolve("lock"), Duration.ZERO,
                "another archivist", s -> { })) {
            caller.start();
            while (!scheduler.service().waitingForLock(caller)) {
                Thread.sleep(10);
            }
            long t0 = System.nanoTime();
            assertThat(scheduler.stop()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(60));
            assertThat(outcome).as("stop() returned once the job had ended").isDone();
            assertThat(outcome.get().outcome()).isEqualTo(Scheduler.ABORTED);
        }
        caller.join();
        assertThat(new BackupService(settings).list(BackupType.DATABASE)).isEmpty();
    }

    @Test
    void afterStopStartingATriggerStartsNoJob() throws Exception {
        Path db = TestDb.create(dir.resolve("app.db"), TestDb.Mode.WAL, 10, 10);
        Settings settings = SettingsLoader.load(Map.of("DATABASE_URL", db.toString(), "BACKUP_DIR",
                dir.resolve("backups").toString()), null, false, Map.of());
        try (BackupScheduler scheduler = new BackupScheduler(settings)) {
            scheduler.start();
            scheduler.stopStarting(); // "starts no job from now on"
            assertThatThrownBy(() -> scheduler.trigger("database")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("database_backup not started");
        }
        assertThat(new BackupService(settings).list(BackupType.DATABASE)).isEmpty();
    }

    @Test
    void theReadmeShowsExactlyTheCodeThisTestRuns() throws Exception {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        int section = readme.indexOf("## Embedding");
        assertThat(section).isPositive();
        int from = readme.indexOf("```java\n", section) + "```java\n".length();
        String block = readme.substring(from, readme.indexOf("```", from));
        String test = Files.readString(Path.of("src/test/java/dev/archivist/schedule/BackupSchedulerEmbeddingTest.java"),
                StandardCharsets.UTF_8);
        List<String> missing = new ArrayList<>();
        for (String line : block.split("\n")) {
            String code = line.strip();
            if (code.isEmpty() || code.startsWith("Map<String, String> env = System.getenv()")) {
                continue; // the environment map is the test's own
            }
            String expected = code.replace("Path.of(\".env\")", "envFileOfTheTest");
            if (!test.contains(expected)) {
                missing.add(code);
            }
        }
        assertThat(missing).as("README Embedding lines not run by this test").isEmpty();
    }
}
