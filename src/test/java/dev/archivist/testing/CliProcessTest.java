package dev.archivist.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the signal tests lean on in {@link CliProcess.Running#signal}: a run may end just before its signal. */
class CliProcessTest {
    @TempDir
    Path dir;

    @Test
    void aSignalToARunThatHasEndedIsNotSentAndFailsNothing() throws Exception {
        CliProcess.Running run = new CliProcess(dir).start("--version");
        CliProcess.Result r = run.await(CliProcess.DEFAULT_TIMEOUT);
        assertThat(r.exitCode()).as(r.describe()).isZero();

        assertThat(run.signal("TERM")).as("nothing to signal").isFalse();
    }

    @Test
    void aSignalToARunningProcessIsSent() throws Exception {
        Process sleeping = new ProcessBuilder("sleep", "300").start();
        try {
            CliProcess.Running run = new CliProcess.Running(sleeping, dir.resolve("out"), dir.resolve("err"));

            assertThat(run.signal("TERM")).isTrue();
            assertThat(sleeping.waitFor()).as("ended by SIGTERM").isEqualTo(128 + 15);
        } finally {
            sleeping.destroyForcibly();
        }
    }
}
