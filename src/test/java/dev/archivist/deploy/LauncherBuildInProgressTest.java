package dev.archivist.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A launcher started while another one builds the jar (after a {@code git pull}, a cron job and the daemon's restart
 * at once) waits for that build. Maven writes the plain jar first, without a main class, and the shaded one over it
 * later; the second launcher saw a jar newer than the sources and ran it half-built: "no main manifest attribute",
 * exit 1, a backup not taken. Here the build in progress is a held {@code target/.build.lock} (util-linux
 * {@code flock}, as the launcher takes it) over a jar without a main class, on a small project of the test's own.
 */
class LauncherBuildInProgressTest {
    @TempDir
    Path dir;

    @Test
    void aLauncherStartedDuringABuildWaitsForItsJar() throws Exception {
        assumeTrue(LauncherProjects.onPath("flock"), "util-linux flock is not on PATH");
        Path launcher = LauncherProjects.copyLauncher(dir);
        Path mainClass = LauncherProjects.demoProgram(dir);
        Path target = Files.createDirectories(dir.resolve("target"));
        Path jar = target.resolve("archivist.jar");
        // the plain jar Maven writes first: newer than the sources, no main class yet
        LauncherProjects.writeJar(jar, null, null);

        Process build = new ProcessBuilder("flock", target.resolve(".build.lock").toString(), "-c", "echo locked; read x")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Process launched = null;
        try {
            BufferedReader buildOut = new BufferedReader(new InputStreamReader(build.getInputStream(),
                    StandardCharsets.UTF_8));
            assertThat(buildOut.readLine()).isEqualTo("locked");

            launched = new ProcessBuilder(launcher.toString(), "x").directory(dir.toFile())
                    .redirectError(dir.resolve("launched.err").toFile()).start();
            boolean endedEarly = launched.waitFor(3, TimeUnit.SECONDS);
            assertThat(endedEarly).as("ran the half-built jar: %s", Files.readString(dir.resolve("launched.err")))
                    .isFalse();

            // the build ends: the whole jar in place, then the lock released
            Path whole = target.resolve("archivist.jar.new");
            LauncherProjects.writeJar(whole, "demo.Main", mainClass);
            Files.move(whole, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            try (OutputStream in = build.getOutputStream()) {
                in.write('\n');
            }
            assertThat(launched.waitFor(2, TimeUnit.MINUTES)).isTrue();
            String out = new String(launched.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(launched.exitValue()).as("stderr: %s", Files.readString(dir.resolve("launched.err"))).isZero();
            assertThat(out).isEqualTo("whole jar");
        } finally {
            build.destroyForcibly();
            if (launched != null) {
                launched.destroyForcibly();
            }
        }
    }

    /** A jar with {@code mainClass} in its manifest and its class file, or (both null) a manifest alone. */
}
