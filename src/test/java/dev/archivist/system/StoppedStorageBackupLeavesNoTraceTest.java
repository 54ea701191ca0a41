package dev.archivist.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.archivist.testing.CliProcess;
import dev.archivist.testing.TestDb;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A storage backup stopped with SIGTERM or SIGINT while it writes parts removes every file it wrote before it exits:
 * the backup stops writing first (its thread is interrupted and no manifest can be committed any more), then the
 * unfinished files are removed. Before, the removal ran while the backup went on creating parts, and several were
 * left behind for the next run. The process says once which signal stopped it and what it removed, with {@code --json}
 * as the JSON error a script expects, and exits with that signal's code; the failure the stopped work throws is not
 * reported on top (it said "failed: null" for an interrupted database part).
 */
@Tag("system")
class StoppedStorageBackupLeavesNoTraceTest {
    @TempDir
    Path dir;

    @Test
    void sigtermAndSigintWhileWritingPartsLeaveNothingBehind() throws Exception {
        Path storage = dir.resolve("storage");
        Random random = new Random(5);
        byte[] content = new byte[4 << 20];
        for (int i = 0; i < 60; i++) { // 240 MiB that does not compress: the backup writes parts for over a second
            random.nextBytes(content);
            Files.createDirectories(storage.resolve("d" + i % 6));
            Files.write(storage.resolve("d" + i % 6).resolve("video-" + i + ".bin"), content);
        }
        Path backups = dir.resolve("backups");
        Path partsDir = backups.resolve("storage");
        CliProcess cli = new CliProcess(dir).env("STORAGE_PATH", storage.toString())
                .env("BACKUP_DIR", backups.toString()).env("JSON_LOGS", "false")
                .env("BACKUP_CHUNK_SIZE_MB", "1").env("BACKUP_MAX_SIZE_MB", "1");

        int stoppedMidWrite = 0;
        for (String signal : List.of("TERM", "INT")) {
            CliProcess.Running run = cli.start("backup", "storage", "--no-rotate", "--json");
            awaitParts(run, partsDir, 3);
            if (!run.process().isAlive()) {
                continue; // finished before the signal could be sent: nothing to check
            }
            run.signal(signal);
            CliProcess.Result r = run.await(CliProcess.DEFAULT_TIMEOUT);
            if (r.exitCode() == 0) { // the commit came first: a complete backup, removed for the next round
                for (String f : TestDb.files(partsDir)) {
                    Files.delete(partsDir.resolve(f));
                }
                continue;
            }
            stoppedMidWrite++;
            int code = signal.equals("TERM") ? 143 : 130;
            assertThat(r.exitCode()).as(signal + ": " + r.describe()).isEqualTo(code);
            assertThat(TestDb.files(partsDir)).as(signal + ": nothing left behind; " + r.describe()).isEmpty();
            assertThat(r.stderr()).as(r.describe()).contains("archivist: interrupted by SIG" + signal + "; ")
                    .doesNotContain("failed");
            com.fasterxml.jackson.databind.JsonNode error = new ObjectMapper().readTree(r.stdout());
            assertThat(error.path("error").asText()).as(r.describe()).startsWith("interrupted by SIG" + signal + "; ");
            assertThat(error.path("exit_code").asInt()).isEqualTo(code);
            CliProcess.Result list = cli.run("list", "--json");
            assertThat(new ObjectMapper().readTree(list.stdout())).as(list.describe()).isEmpty();
        }
        assertThat(stoppedMidWrite).as("at least one signal arrived while parts were being written").isPositive();
    }

    /**
     * A stop while the configuration is still being read (here, a {@code --env-file} that is a FIFO nobody writes):
     * with {@code --json} the script still gets its JSON error on stdout, and stderr says nothing was written. The
     * process exited 143 with empty output.
     */
    @Test
    void aStopBeforeTheBackupBeginsIsReportedAsJson() throws Exception {
        Path fifo = dir.resolve("slow.env");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mk.waitFor()).isZero();
        CliProcess cli = new CliProcess(dir).env("STORAGE_PATH", dir.toString()).env("BACKUP_DIR", dir.resolve("b").toString());
        CliProcess.Running run = cli.start("backup", "storage", "--json", "--env-file", fifo.toString());
        // opening the FIFO's writing end waits for the CLI to open it for reading: it is then reading its .env, which
        // nothing is written to (a fixed pause before the signal was too short for a slow start: the JVM's own
        // handler stopped it then, silently)
        CompletableFuture<OutputStream> writer = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.newOutputStream(fifo);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, task -> { // a thread of its own: the open may wait for good if the CLI ends first
            Thread t = new Thread(task, "env-fifo-writer");
            t.setDaemon(true);
            t.start();
        });
        CompletableFuture.anyOf(writer, run.process().onExit()).join();
        assertThat(run.process().isAlive()).as("waiting on its .env").isTrue();
        run.signal("TERM");
        CliProcess.Result r = run.await(CliProcess.DEFAULT_TIMEOUT);
        writer.join().close();
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(143);
        assertThat(r.stderr()).contains("archivist: interrupted by SIGTERM; nothing was written");
        com.fasterxml.jackson.databind.JsonNode error = new ObjectMapper().readTree(r.stdout());
        assertThat(error.path("error").asText()).isEqualTo("interrupted by SIGTERM; nothing was written");
        assertThat(error.path("exit_code").asInt()).isEqualTo(143);
        assertThat(dir.resolve("b")).doesNotExist();
    }

    /**
     * {@code run --once} (the oneshot service a systemd timer starts) stopped with SIGTERM during its storage job: as
     * {@code backup} does, the job stops, what it wrote is removed before the process exits, and the stop is reported,
     * naming the database backup it completed before. It exited 143 in silence and left the job's parts and index.
     */
    @Test
    void runOnceStoppedDuringAJobLeavesNothingBehind() throws Exception {
        Path storage = dir.resolve("storage");
        Random random = new Random(6);
        byte[] content = new byte[4 << 20];
        for (int i = 0; i < 40; i++) { // 160 MiB that does not compress, in parts of 1 MiB
            random.nextBytes(content);
            Files.createDirectories(storage.resolve("d" + i % 4));
            Files.write(storage.resolve("d" + i % 4).resolve("video-" + i + ".bin"), content);
        }
        Path db = TestDb.create(dir.resolve("app.db"), TestDb.Mode.WAL, 10, 100);
        Path backups = dir.resolve("backups");
        Path partsDir = backups.resolve("storage");
        CliProcess cli = new CliProcess(dir).env("STORAGE_PATH", storage.toString()).env("DATABASE_URL", db.toString())
                .env("BACKUP_DIR", backups.toString()).env("JSON_LOGS", "false")
                .env("BACKUP_STORAGE_ENABLED", "true").env("BACKUP_FULL_ENABLED", "false")
                .env("BACKUP_CHUNK_SIZE_MB", "1").env("BACKUP_MAX_SIZE_MB", "1");
        int stopped = 0;
        for (int attempt = 0; attempt < 3 && stopped == 0; attempt++) {
            CliProcess.Running run = cli.start("run", "--once");
            awaitParts(run, partsDir, 3);
            if (!run.process().isAlive()) {
                run.await(CliProcess.DEFAULT_TIMEOUT);
                continue; // finished before the signal could be sent
            }
            run.signal("TERM");
            CliProcess.Result r = run.await(CliProcess.DEFAULT_TIMEOUT);
            if (r.exitCode() == 0) {
                continue;
            }
            stopped++;
            assertThat(r.exitCode()).as(r.describe()).isEqualTo(143);
            assertThat(r.stderr()).as(r.describe()).contains("archivist: interrupted by SIGTERM; backup db_backup_");
            assertThat(TestDb.files(partsDir)).as("nothing of the storage job left; " + r.describe())
                    .noneMatch(f -> f.startsWith("."));
            assertThat(TestDb.files(partsDir)).as(r.describe()).isEmpty();
        }
        assertThat(stopped).as("at least one signal arrived during the storage job").isPositive();
    }

    /**
     * A stop that comes after the manifest is written (during the rotation that follows, or as the process ends) names
     * the backup it completed: it exited 143 in silence, or said "nothing unfinished left behind", and a script took
     * the complete backup for a failed one.
     */
    @Test
    void aStopAfterTheCommitNamesTheCompletedBackup() throws Exception {
        Path storage = Files.createDirectories(dir.resolve("storage"));
        for (int i = 0; i < 200; i++) {
            Files.writeString(storage.resolve("f" + i + ".txt"), "file " + i + "\n");
        }
        Path backups = dir.resolve("backups");
        Path manifests = backups.resolve("storage");
        CliProcess cli = new CliProcess(dir).env("STORAGE_PATH", storage.toString())
                .env("BACKUP_DIR", backups.toString()).env("JSON_LOGS", "false").env("MAX_BACKUPS", "1");
        int stoppedAfterCommit = 0;
        for (int attempt = 0; attempt < 6 && stoppedAfterCommit < 2; attempt++) {
            List<String> before = TestDb.files(manifests);
            CliProcess.Running run = cli.start("backup", "storage");
            String committed = null;
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (committed == null && run.process().isAlive() && System.nanoTime() < deadline) {
                if (Files.isDirectory(manifests)) {
                    committed = TestDb.files(manifests).stream()
                            .filter(f -> f.endsWith(".json") && !f.startsWith(".") && !before.contains(f))
                            .findFirst().orElse(null);
                }
                Thread.sleep(1);
            }
            if (committed == null || !run.process().isAlive()) {
                run.await(CliProcess.DEFAULT_TIMEOUT);
                continue; // ended before the signal could be sent
            }
            run.signal("TERM");
            CliProcess.Result r = run.await(CliProcess.DEFAULT_TIMEOUT);
            if (r.exitCode() == 0) {
                continue; // it ended first
            }
            stoppedAfterCommit++;
            String id = committed.substring(0, committed.length() - ".json".length());
            assertThat(r.exitCode()).as(r.describe()).isEqualTo(143);
            assertThat(r.stderr()).as(r.describe())
                    .contains("archivist: interrupted by SIGTERM; backup " + id + " was committed before the stop and is complete");
            CliProcess.Result verify = cli.run("verify", id);
            assertThat(verify.exitCode()).as(verify.describe()).isZero();
        }
        assertThat(stoppedAfterCommit).as("at least one signal arrived after the commit").isPositive();
    }

    /** Waits until {@code count} part files exist (temporary names) or the run ended. */
    private static void awaitParts(CliProcess.Running run, Path partsDir, int count) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (run.process().isAlive() && System.nanoTime() < deadline
                && (!Files.isDirectory(partsDir) || TestDb.files(partsDir).stream().filter(f -> f.contains(".part")).count() < count)) {
            Thread.sleep(5);
        }
    }
}
