package dev.archivist.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BACKUP_LOCK_TIMEOUT_SECONDS is a span of time, not a time of day: a clock set back while a command waits for the lock
 * (NTP correcting a clock that was ahead) made it wait for as long again as the step (an hour's step, an hour's wait of
 * a cron line that should have failed after seconds). The CLI runs under libfaketime, whose clock the test sets back.
 */
class LockWaitClockStepTest {
    /** Debian's and Ubuntu's place of the library, for this machine's architecture. */
    private static final Path LIBFAKETIME = Path.of("/usr/lib", System.getProperty("os.arch").equals("aarch64")
            ? "aarch64-linux-gnu" : "x86_64-linux-gnu", "faketime", "libfaketime.so.1");

    @TempDir
    Path dir;

    @Test
    void aClockSetBackWhileWaitingForTheLockDoesNotLengthenTheWait() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(LIBFAKETIME), "libfaketime (apt-get install faketime) is not installed");
        Path backups = Files.createDirectories(dir.resolve("backups").resolve(".archivist")).getParent();
        Path fakeTime = dir.resolve("faketime");
        Files.writeString(fakeTime, "+0\n");
        CliProcess cli = CliProcess.forApp(dir, dir.resolve("app.db"), backups).env("BACKUP_LOCK_TIMEOUT_SECONDS", "3")
                .env("LD_PRELOAD", LIBFAKETIME.toString()).env("FAKETIME_TIMESTAMP_FILE", fakeTime.toString())
                .env("FAKETIME_NO_CACHE", "1").env("FAKETIME_DONT_FAKE_MONOTONIC", "1");
        try (DirectoryLock held = DirectoryLock.acquire(backups.resolve(".archivist").resolve("lock"), Duration.ZERO,
                "archivist backup full", s -> { })) {
            CliProcess.Running rotate = cli.start("rotate");
            while (!rotate.stderrSoFar().contains("waiting up to") && rotate.process().isAlive()) {
                Thread.sleep(20);
            }
            Files.writeString(fakeTime, "-1h\n"); // NTP sets the clock back an hour

            CliProcess.Result r = rotate.await(Duration.ofMinutes(2));

            assertThat(r.exitCode()).as(r.describe()).isEqualTo(3);
            assertThat(r.stderr()).contains("another Archivist process holds the lock", "archivist backup full");
        }
    }
}
