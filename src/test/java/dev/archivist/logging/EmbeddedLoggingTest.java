package dev.archivist.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application embedding the library keeps its own Logback configuration (the library's start-up configuration
 * took precedence over a host's {@code logback.xml} and {@code -Dlogback.configurationFile}); without one, the
 * command-line tool's start-up configuration applies: warnings only, on stderr.
 */
class EmbeddedLoggingTest {
    @TempDir
    Path dir;

    /** A host application: logs at INFO and at WARN through Logback. */
    public static final class Host {
        public static void main(String[] args) {
            org.slf4j.LoggerFactory.getLogger("dev.archivist.Host").info("host info line");
            org.slf4j.LoggerFactory.getLogger("dev.archivist.Host").warn("host warn line");
        }
    }

    @Test
    void aHostsOwnConfigurationFileIsUsed() throws Exception {
        Path log = dir.resolve("host.log");
        Path config = Files.writeString(dir.resolve("host-logback.xml"), """
                <configuration>
                  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
                    <file>%s</file>
                    <encoder><pattern>%%level %%msg%%n</pattern></encoder>
                  </appender>
                  <root level="DEBUG"><appender-ref ref="FILE"/></root>
                </configuration>
                """.formatted(log));
        Run host = host("-Dlogback.configurationFile=" + config);
        assertThat(host.exit).as(host.err).isZero();
        assertThat(Files.readString(log)).contains("INFO host info line").contains("WARN host warn line");
        assertThat(host.err).doesNotContain("host warn line");
    }

    /**
     * A host configured through Logback's own programmatic way, a {@code Configurator} service on its class path (of a
     * lower rank than the library's), keeps that configuration too: the library's stepped in first and told Logback
     * to invoke no other, so the host's INFO lines were lost and its WARN lines went to stderr.
     */
    public static final class HostConfigurator extends ch.qos.logback.core.spi.ContextAwareBase
            implements ch.qos.logback.classic.spi.Configurator {
        @Override
        public ExecutionStatus configure(ch.qos.logback.classic.LoggerContext context) {
            ch.qos.logback.classic.encoder.PatternLayoutEncoder encoder = new ch.qos.logback.classic.encoder.PatternLayoutEncoder();
            encoder.setContext(context);
            encoder.setPattern("%level %msg%n");
            encoder.start();
            ch.qos.logback.core.FileAppender<ch.qos.logback.classic.spi.ILoggingEvent> file = new ch.qos.logback.core.FileAppender<>();
            file.setContext(context);
            file.setFile("host.log"); // in the host's working directory
            file.setEncoder(encoder);
            file.start();
            ch.qos.logback.classic.Logger root = context.getLogger(ch.qos.logback.classic.Logger.ROOT_LOGGER_NAME);
            root.addAppender(file);
            root.setLevel(ch.qos.logback.classic.Level.DEBUG);
            return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
        }
    }

    @Test
    void aHostsOwnConfiguratorServiceIsUsed() throws Exception {
        Path services = Files.createDirectories(dir.resolve("host-classes/META-INF/services"));
        Files.writeString(services.resolve(ch.qos.logback.classic.spi.Configurator.class.getName()),
                HostConfigurator.class.getName() + "\n");
        Run host = hostWithClassPath(dir.resolve("host-classes") + java.io.File.pathSeparator
                + System.getProperty("java.class.path"));
        assertThat(host.exit).as(host.err).isZero();
        assertThat(dir.resolve("host.log")).exists();
        assertThat(Files.readString(dir.resolve("host.log"))).contains("INFO host info line").contains("WARN host warn line");
        assertThat(host.err).doesNotContain("host warn line");
    }

    @Test
    void withoutOneWarningsGoToStderr() throws Exception {
        Run host = host();
        assertThat(host.exit).as(host.err).isZero();
        assertThat(host.err).contains("host warn line").doesNotContain("host info line");
        assertThat(host.out).isEmpty();
    }

    private record Run(int exit, String out, String err) {
    }

    private Run host(String... jvmArgs) throws Exception {
        return hostWithClassPath(System.getProperty("java.class.path"), jvmArgs);
    }

    private Run hostWithClassPath(String classPath, String... jvmArgs) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(jvmArgs));
        command.addAll(List.of("-cp", classPath, Host.class.getName()));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectError(dir.resolve("err").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return new Run(p.exitValue(), out, Files.readString(dir.resolve("err")));
    }
}
