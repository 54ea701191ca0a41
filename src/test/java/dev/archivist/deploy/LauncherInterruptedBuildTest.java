package dev.archivist.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build of the jar that fails or is stopped after Maven wrote its plain jar (no main class: the shaded one replaces
 * it last) leaves no jar behind, so the next start builds again. Before, that plain jar, newer than the sources, was
 * run by every later start ("no main manifest attribute", exit 1) until a source changed: one Ctrl-C during the first
 * {@code bin/archivist demo} broke the install for good. Maven is a stand-in here ({@code mvn} on the PATH, a script
 * writing the plain jar, then failing or stopping its process group as Ctrl-C and {@code systemctl stop} do), run on a
 * small project of the test's own.
 */
class LauncherInterruptedBuildTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"fail", "term"})
    void aBuildCutShortLeavesNoJarThatLooksBuilt(String ending) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setsid")), "util-linux setsid is needed");
        Path launcher = LauncherProjects.copyLauncher(dir);
        Path mainClass = LauncherProjects.demoProgram(dir);
        LauncherProjects.writeJar(dir.resolve("plain.jar"), null, null);
        LauncherProjects.writeJar(dir.resolve("whole.jar"), "demo.Main", mainClass);

        // the stand-in for mvn: the plain jar, then (per the file "ending") a failure, a stop, or the whole jar
        Path fakeBin = Files.createDirectories(dir.resolve("fake-bin"));
        Path mvn = fakeBin.resolve("mvn");
        Files.writeString(mvn, """
                #!/usr/bin/env bash
                mkdir -p target
                cp plain.jar target/archivist.jar
                case "$(cat ending)" in
                  fail) exit 1 ;;
                  term) kill -TERM 0; sleep 10; exit 1 ;;
                esac
                cp whole.jar target/archivist.jar
                """);
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));

        Files.writeString(dir.resolve("ending"), ending);
        Result cut = launch(launcher, fakeBin);
        assertThat(cut.exitCode()).as(cut.stderr()).isNotZero();
        assertThat(dir.resolve("target/archivist.jar")).as("a jar newer than the sources, half-built").doesNotExist();

        Files.writeString(dir.resolve("ending"), "ok");
        Result next = launch(launcher, fakeBin);
        assertThat(next.exitCode()).as(next.stderr()).isZero();
        assertThat(next.stdout().strip()).isEqualTo("whole jar");
    }

    private record Result(int exitCode, String stdout, String stderr) {
    }

    /** Runs the launcher in a process group of its own (setsid), as a terminal or systemd runs it. */
    private Result launch(Path launcher, Path fakeBin) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(List.of("/usr/bin/setsid", "--wait", launcher.toString(), "x"))
                .directory(dir.toFile()).redirectError(dir.resolve("err.txt").toFile());
        pb.environment().put("PATH", fakeBin + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return new Result(p.exitValue(), out, Files.readString(dir.resolve("err.txt")));
    }

    /** A jar with {@code mainClass} in its manifest and its class file, or (both null) a manifest alone. */
}
