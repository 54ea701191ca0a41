package dev.archivist.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/archivist} rebuilds the jar when the sources changed (a {@code git pull}), while the daemon it started
 * still runs from the old one. Maven wrote the new jar over the old file in place, so the daemon read the classes it
 * had not loaded yet from a file that had changed under it: a daemon started before an update and a CLI call after it
 * failed every tick with {@code NoClassDefFoundError} (a hundred log lines a second) and ran no job again. The launcher
 * runs here on a small project of its own (two classes, built by the same {@code mvn package} call), never on this
 * one's jar.
 */
class LauncherRebuildTest {
    @TempDir
    Path dir;

    @Test
    void aRebuildLeavesTheJarOfARunningProcessWhole() throws Exception {
        assumeTrue(LauncherProjects.onPath("mvn"), "mvn is not on PATH");
        Path launcher = LauncherProjects.copyLauncher(dir);
        Files.writeString(dir.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>test</groupId><artifactId>tiny</artifactId><version>1</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <build>
                    <finalName>archivist</finalName>
                    <plugins>
                      <plugin><artifactId>maven-compiler-plugin</artifactId><version>3.14.0</version></plugin>
                      <plugin><artifactId>maven-surefire-plugin</artifactId><version>3.5.3</version></plugin>
                      <plugin><artifactId>maven-jar-plugin</artifactId><version>3.4.1</version>
                        <configuration><archive><manifest><mainClass>demo.Main</mainClass></manifest></archive></configuration>
                      </plugin>
                    </plugins>
                  </build>
                </project>
                """);
        Path src = Files.createDirectories(dir.resolve("src/main/java/demo"));
        // "wait" loads Early at once (the jar is open from then on, as the daemon's is) and Later after a line
        Files.writeString(src.resolve("Main.java"), """
                package demo;
                public class Main {
                    public static void main(String[] args) throws Exception {
                        if (args.length == 0 || !args[0].equals("wait")) { System.out.println("built"); return; }
                        System.out.println(Early.ready());
                        System.in.read();
                        System.out.println(Later.message());
                    }
                }
                """);
        Files.writeString(src.resolve("Early.java"), "package demo; class Early { static String ready() { return \"ready\"; } }");
        Files.writeString(src.resolve("Later.java"), "package demo; class Later { static String message() { return \"first build\"; } }");
        assertThat(launch(launcher)).isEqualTo("built");

        Process running = new ProcessBuilder(launcher.toString(), "wait").directory(dir.toFile())
                .redirectError(dir.resolve("running.err").toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(running.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("ready");

            Files.writeString(src.resolve("Later.java"), "package demo; class Later { static String message() { return \"second build, \" + \"a longer class file\".repeat(20); } }");
            assertThat(launch(launcher)).as("the sources changed: rebuilt").isEqualTo("built");

            OutputStream in = running.getOutputStream();
            in.write('\n');
            in.flush();
            assertThat(out.readLine()).as("stderr: %s", Files.readString(dir.resolve("running.err")))
                    .isEqualTo("first build");
            assertThat(running.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(running.exitValue()).isZero();
        } finally {
            running.destroyForcibly();
        }
    }

    private String launch(Path launcher) throws Exception {
        Process p = new ProcessBuilder(launcher.toString(), "x").directory(dir.toFile())
                .redirectError(dir.resolve("build.err").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as("stderr: %s", Files.readString(dir.resolve("build.err"))).isZero();
        return out;
    }
}
