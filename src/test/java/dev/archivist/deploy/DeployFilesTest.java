package dev.archivist.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.archivist.cli.Main;
import dev.archivist.schedule.CronExpression;
import dev.archivist.testing.CliProcess;
import dev.archivist.testing.TestDb;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 5, "Deployment files" (SEED-SPEC defect 9: the original's cron/systemd examples called the CLI with arguments
 * it rejected). Every schedule in {@code deploy/crontab.example} parses with our cron evaluator; every command there and
 * every {@code ExecStart=} of {@code deploy/*.service} is accepted by the CLI ({@code archivist <args> --help} exits 0,
 * and picocli parses the exact arguments without {@code --help}, which also checks required parameters); the crontab
 * commands really succeed against a sample application; and {@code systemd-analyze verify} accepts the units.
 *
 * <p>systemd-analyze decision: it checks that {@code ExecStart}'s binary exists, and {@code /opt/archivist/bin/archivist}
 * does not exist on a build machine. The units are therefore verified twice: as shipped, where the only complaints
 * allowed are "is not executable" about that path; and copied to a temporary folder with the binary path replaced by an
 * existing executable stub, where verify must pass with no output at all. Skipped when the machine has no
 * systemd-analyze ({@code .ci/run} may install Debian's {@code systemd} package).
 */
class DeployFilesTest {
    static final Path DEPLOY = Path.of("deploy");
    static final String BINARY = "/opt/archivist/bin/archivist";

    @TempDir
    Path dir;

    /** A crontab line: schedule (5 fields) and the command after it. */
    record CronLine(String schedule, String command) {
    }

    static List<CronLine> crontab() throws Exception {
        List<CronLine> lines = new ArrayList<>();
        for (String raw : Files.readAllLines(DEPLOY.resolve("crontab.example"), StandardCharsets.UTF_8)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.matches("^[A-Za-z_][A-Za-z0-9_]*\\s*=.*")) {
                continue; // comments and variable assignments (SHELL=, PATH=, MAILTO=)
            }
            String[] f = line.split("\\s+", 6);
            assertThat(f).as("5 schedule fields and a command: %s", line).hasSize(6);
            lines.add(new CronLine(String.join(" ", Arrays.copyOf(f, 5)), f[5]));
        }
        return lines;
    }

    static List<String> execStarts() throws Exception {
        List<String> commands = new ArrayList<>();
        try (Stream<Path> units = Files.list(DEPLOY)) {
            for (Path unit : units.filter(p -> p.toString().endsWith(".service")).sorted().toList()) {
                for (String line : Files.readAllLines(unit, StandardCharsets.UTF_8)) {
                    if (line.startsWith("ExecStart=")) {
                        commands.add(line.substring("ExecStart=".length()).strip());
                    }
                }
            }
        }
        return commands;
    }

    /** The arguments after {@value #BINARY}; fails when a command runs something else. */
    static List<String> archivistArgs(String command) {
        List<String> words = List.of(command.split("\\s+"));
        assertThat(words.get(0)).as("the command runs Archivist: %s", command).isEqualTo(BINARY);
        assertThat(command).as("no shell syntax the test would not reproduce").doesNotContain("|", ">", "<", ";", "&", "$", "'", "\"", "%");
        return words.subList(1, words.size());
    }

    @Test
    void theCrontabExampleHasTheJobsAndEveryScheduleParses() throws Exception {
        List<CronLine> lines = crontab();
        assertThat(lines).hasSizeGreaterThanOrEqualTo(3);
        for (CronLine l : lines) {
            CronExpression expr = CronExpression.parse(l.schedule());
            assertThat(expr.next(Instant.parse("2024-01-01T00:00:00Z"), ZoneOffset.UTC)).isNotNull();
        }
        assertThat(lines).extracting(CronLine::schedule).contains("0 2 * * *", "0 3 * * 0", "0 4 * * *");
        assertThat(lines).extracting(CronLine::command).anyMatch(c -> c.contains(" backup database"))
                .anyMatch(c -> c.contains(" backup full")).anyMatch(c -> c.contains(" rotate"));
    }

    @Test
    @Tag("system") // one JVM per command
    void everyDeployedCommandIsAcceptedByTheCli() throws Exception {
        List<String> commands = new ArrayList<>();
        crontab().forEach(l -> commands.add(l.command()));
        List<String> execs = execStarts();
        assertThat(execs).containsExactlyInAnyOrder(BINARY + " run", BINARY + " run --once");
        commands.addAll(execs);
        CliProcess cli = new CliProcess(dir);
        for (String command : commands) {
            List<String> args = archivistArgs(command);
            // picocli accepts exactly these arguments (required parameters included: --help would skip that check)
            CommandLine.ParseResult parsed = Main.commandLine().parseArgs(args.toArray(String[]::new));
            assertThat(parsed.hasSubcommand()).as(command).isTrue();
            // and the real CLI with --help exits 0
            List<String> withHelp = new ArrayList<>(args);
            withHelp.add("--help");
            CliProcess.Result r = cli.run(withHelp.toArray(String[]::new));
            assertThat(r.exitCode()).as("%s --help: %s", command, r.describe()).isZero();
            assertThat(r.stdout()).as(command).contains("Usage: archivist " + leaf(parsed));
        }
    }

    private static String leaf(CommandLine.ParseResult parsed) {
        List<String> names = new ArrayList<>();
        for (CommandLine.ParseResult p = parsed.subcommand(); p != null; p = p.subcommand()) {
            names.add(p.commandSpec().name());
        }
        return String.join(" ", names);
    }

    @Test
    @Tag("system") // one JVM per command
    void theCrontabCommandsSucceedAgainstASampleApplication() throws Exception {
        Path db = TestDb.create(dir.resolve("app_data.db"), TestDb.Mode.WAL, 300, 200);
        Files.createDirectories(dir.resolve("storage/docs"));
        Files.writeString(dir.resolve("storage/docs/readme.txt"), "hello");
        Path envFile = dir.resolve("archivist.env");
        Files.writeString(envFile, String.join("\n", "DATABASE_URL=sqlite:///" + db, "STORAGE_PATH=" + dir.resolve("storage"),
                "BACKUP_DIR=" + dir.resolve("backups"), "JSON_LOGS=false", ""));
        CliProcess cli = new CliProcess(dir);
        for (CronLine l : crontab()) {
            List<String> args = archivistArgs(l.command().replace("/etc/archivist/archivist.env", envFile.toString()));
            CliProcess.Result r = cli.run(args.toArray(String[]::new));
            assertThat(r.exitCode()).as("%s: %s", l.command(), r.describe()).isZero();
        }
        CliProcess.Result list = cli.run("list", "--env-file", envFile.toString(), "--json");
        assertThat(list.stdout()).contains("db_backup_").contains("full_backup_");
    }

    @Test
    void theUnitsHaveTheRequiredSettings() throws Exception {
        String daemon = Files.readString(DEPLOY.resolve("archivist.service"));
        assertThat(daemon).contains("ExecStart=" + BINARY + " run\n", "Restart=on-failure", "ProtectSystem=strict",
                "ReadWritePaths=", "NoNewPrivileges=yes", "PrivateTmp=yes", "KillSignal=SIGTERM", "RestartPreventExitStatus=2 3");
        String once = Files.readString(DEPLOY.resolve("archivist-once.service"));
        assertThat(once).contains("Type=oneshot", "ExecStart=" + BINARY + " run --once", "ProtectSystem=strict",
                "NoNewPrivileges=yes", "PrivateTmp=yes");
        String timer = Files.readString(DEPLOY.resolve("archivist-once.timer"));
        assertThat(timer).contains("OnCalendar=*-*-* 02:00:00", "Persistent=true", "RandomizedDelaySec=",
                "Unit=archivist-once.service");
        // systemd stops the daemon with SIGTERM and kills it after TimeoutStopSec: leave room for the shutdown timeout
        // (BACKUP_SHUTDOWN_TIMEOUT_SECONDS, 60 by default) and the 30 s an aborted job is given to remove its files
        int timeoutStop = Integer.parseInt(daemon.replaceAll("(?s).*\nTimeoutStopSec=(\\d+).*", "$1"));
        assertThat(timeoutStop).isGreaterThan(60 + 30);
    }

    @Test
    void systemdAnalyzeVerifiesTheUnits() throws Exception {
        assumeTrue(TestDb.onPath("systemd-analyze"), "systemd-analyze is not installed");
        List<Path> shipped = units(DEPLOY);

        // As shipped: only the missing binary may be reported.
        TestDb.Tool asShipped = verify(shipped);
        List<String> complaints = asShipped.stderr().lines().filter(l -> !l.isBlank())
                .filter(l -> !l.contains(BINARY + " is not executable")).toList();
        assertThat(complaints).as(asShipped.describe()).isEmpty();

        // With an existing executable in place of the binary: no complaint at all.
        Path stub = dir.resolve("archivist-stub");
        Files.writeString(stub, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path copy = Files.createDirectories(dir.resolve("units"));
        for (Path unit : shipped) {
            Files.writeString(copy.resolve(unit.getFileName()), Files.readString(unit).replace(BINARY, stub.toString()));
        }
        TestDb.Tool r = verify(units(copy));
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.stdout() + r.stderr()).as(r.describe()).isBlank();
    }

    private static List<Path> units(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.toString().endsWith(".service") || p.toString().endsWith(".timer"))
                    .map(Path::toAbsolutePath).sorted().toList();
        }
    }

    private static TestDb.Tool verify(List<Path> units) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("systemd-analyze", "verify"));
        units.forEach(u -> cmd.add(u.toString()));
        return TestDb.tool(cmd);
    }
}
