package dev.archivist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Arguments that contradict each other or make no sense are usage errors (exit 2) with a readable message, never a
 * silent choice; {@code cron} takes the common options and evaluates in {@code BACKUP_TIMEZONE} like the daemon.
 */
class ArgumentChecksTest {
    @TempDir
    Path dir;

    private Map<String, String> env() {
        return Map.of("DATABASE_URL", dir.resolve("app.db").toString(), "BACKUP_DIR", dir.resolve("backups").toString(),
                "STORAGE_PATH", dir.resolve("storage").toString());
    }

    private InProcessCli.Result run(String... args) {
        return InProcessCli.run(env(), args);
    }

    @Test
    void contradictionsAreUsageErrors() {
        InProcessCli.Result verify = run("verify", "--all", "db_backup_20260101T000000.000Z");
        assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(2);
        assertThat(verify.stderr()).contains("not both");

        InProcessCli.Result schedule = run("schedule", "--count", "0");
        assertThat(schedule.exitCode()).isEqualTo(2);
        assertThat(schedule.stderr()).contains("--count must be 1-100000, got 0");

        InProcessCli.Result config = run("config", "--backup-dir", "/a", "--set", "BACKUP_DIR=/b");
        assertThat(config.exitCode()).isEqualTo(2);
        assertThat(config.stderr()).contains("--backup-dir='/a' and --set BACKUP_DIR='/b' disagree");

        InProcessCli.Result list = run("list", "--type", "bogus");
        assertThat(list.exitCode()).isEqualTo(2);
        assertThat(list.stderr()).contains("expected database, storage, full or all");
    }

    /** An empty --target or --output (a variable left unset in a script) is named as empty, not as the working directory. */
    @Test
    void anEmptyTargetOrOutputIsAUsageErrorNamingIt() {
        for (String[] args : List.of(new String[] {"restore", "database", "latest", "--target", ""},
                new String[] {"restore", "storage", "latest", "--target", ""},
                new String[] {"dump", "latest", "a.txt", "--output", ""})) {
            InProcessCli.Result r = run(args);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
            assertThat(r.stderr()).as(r.toString()).contains("is empty (a variable left unset in a script?)");
        }
    }

    /**
     * {@code --target=~/restored}, which bash does not expand, made a folder named {@code ~} in the working directory
     * (which {@code rm -rf ~} would not remove but the home folder): a usage error, as {@code ~/} is in a path variable.
     */
    @Test
    void aTargetStartingWithATildeIsAUsageError() {
        for (String[] args : List.of(new String[] {"restore", "database", "latest", "--target=~/restored.db"},
                new String[] {"restore", "storage", "latest", "--target", "~/restored"},
                new String[] {"restore", "storage", "latest", "--target", "~"})) {
            InProcessCli.Result r = run(args);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
            assertThat(r.stderr()).as(r.toString()).contains("starts with '~', which only a shell expands");
        }
        assertThat(Path.of("~")).doesNotExist();
    }

    /** An unknown command is a usage error even with a help option after it, which picocli would let win. */
    @Test
    void anUnknownCommandIsAUsageErrorWhateverFollowsIt() {
        for (String[] args : List.of(new String[] {"bakup"}, new String[] {"bakup", "--help"},
                new String[] {"bakup", "-V"}, new String[] {"bakup", "database", "--json"}, new String[] {"--bakup", "--help"},
                new String[] {"list", "--bakup", "--help"})) {
            InProcessCli.Result r = run(args);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
            assertThat(r.stderr()).contains("bakup'").contains("--help'.");
            assertThat(r.stdout()).doesNotContain("Usage:");
        }
        InProcessCli.Result none = run();
        assertThat(none.exitCode()).as("no command at all").isEqualTo(2);
        assertThat(none.stderr()).contains("a command is required").contains("Usage:");
        assertThat(none.stdout()).isEmpty();
        InProcessCli.Result help = run("backup", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.stdout()).contains("Usage:");
    }

    /** A schedule that restricts both day fields is named: Unix cron's OR rule differs from APScheduler's AND. */
    @Test
    void aScheduleFiringOnEitherDayFieldIsNamedInAWarning() {
        InProcessCli.Result either = run("config", "--set", "BACKUP_FULL_SCHEDULE=0 3 1-7 * sun", "--set", "BACKUP_FULL_ENABLED=true");
        assertThat(either.exitCode()).as(either.describe()).isZero();
        assertThat(either.stderr()).contains("warning: BACKUP_FULL_SCHEDULE='0 3 1-7 * sun' restricts both the day of the month"
                + " and the day of the week: it fires on every day that EITHER matches");
        InProcessCli.Result usual = run("config", "--set", "BACKUP_FULL_SCHEDULE=0 3 1-7 * *", "--set", "BACKUP_FULL_ENABLED=true");
        assertThat(usual.stderr()).doesNotContain("restricts both");
        InProcessCli.Result disabled = run("config", "--set", "BACKUP_FULL_SCHEDULE=0 3 1-7 * sun", "--set", "BACKUP_FULL_ENABLED=false");
        assertThat(disabled.stderr()).as("a job that never runs").doesNotContain("restricts both");
    }

    /** Messages that merely look like "secret: value" are not redacted into nonsense. */
    @Test
    void messagesWithoutSecretsStayReadable() throws Exception {
        InProcessCli.Result unknown = run("config", "--set", "FOO_PASSWORD=x");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.stderr()).contains("unknown configuration variable in --set: FOO_PASSWORD").doesNotContain("=x");

        InProcessCli.Result noValue = run("config", "--set", "BACKUP_DIR");
        assertThat(noValue.exitCode()).isEqualTo(2);
        assertThat(noValue.stderr()).contains("--set expects VAR=VALUE: an argument has no '='").doesNotContain("***");
        InProcessCli.Result spaced = run("config", "--set", "DB_PASSWORD hunter2X", "--set", "MAX_BACKUPS=many");
        assertThat(spaced.exitCode()).isEqualTo(2);
        assertThat(spaced.stderr()).as("a value typed with a space for '=' is never echoed").doesNotContain("hunter2X")
                .contains("--set expects VAR=VALUE").contains("MAX_BACKUPS='many'");

        Path envFile = Files.writeString(dir.resolve("bad.env"), "MAX_BACKUPS is 3\n");
        InProcessCli.Result badLine = run("config", "--env-file", envFile.toString());
        assertThat(badLine.exitCode()).isEqualTo(2);
        assertThat(badLine.stderr()).contains(envFile + " line 1: expected NAME=value"); // which file, not ".env"

        Path good = Files.writeString(dir.resolve("app.env"), "MAX_BACKUPS=3\n");
        InProcessCli.Result config = run("config", "--env-file", good.toString());
        assertThat(config.exitCode()).as(config.describe()).isZero();
        assertThat(config.stdout()).containsPattern("MAX_BACKUPS +?= 3 +\\(\\.env \\(" + java.util.regex.Pattern.quote(good.toString()) + "\\)\\)");
    }

    /**
     * A misspelt variable is named with the one it resembles (it was silently ignored: BACKUP_FULL_ENABLE=false kept
     * full backups on); the application's own variables in the shared file are not.
     */
    @Test
    void misspeltVariablesAreNamedWithTheOneTheyResemble() throws Exception {
        Path envFile = Files.writeString(dir.resolve("typo.env"), String.join("\n", "BACKUP_FULL_ENABLE=false",
                "MAX_BACKUP=3", "BACKUP_S3_BUCKET=x", "SECRET_KEY=app-secret", "REDIS_URL=redis://cache", ""));
        InProcessCli.Result r = run("config", "--env-file", envFile.toString());
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.stderr()).contains("BACKUP_FULL_ENABLE (in " + envFile + ") is not a variable Archivist reads: "
                + "ignored; did you mean BACKUP_FULL_ENABLED?")
                .contains("MAX_BACKUP (in " + envFile + ") is not a variable Archivist reads: ignored; did you mean MAX_BACKUPS?")
                .contains("BACKUP_S3_BUCKET (in " + envFile + ") is not a variable Archivist reads: ignored")
                .doesNotContain("SECRET_KEY").doesNotContain("REDIS_URL").doesNotContain("app-secret");
    }

    @Test
    void cronTakesTheCommonOptionsAndTheConfiguredZone() {
        InProcessCli.Result berlin = run("cron", "0 3 * * *", "--count", "1", "--from", "2026-01-10T12:00:00Z",
                "--set", "BACKUP_TIMEZONE=Europe/Berlin");
        assertThat(berlin.exitCode()).as(berlin.toString()).isZero();
        assertThat(berlin.stdout()).startsWith("2026-01-11T03:00:00+01:00  (2026-01-11T02:00:00Z)");

        InProcessCli.Result explicit = run("cron", "0 3 * * *", "--count", "1", "--from", "2026-01-10T12:00:00Z",
                "--zone", "UTC", "--set", "BACKUP_TIMEZONE=Europe/Berlin");
        assertThat(explicit.stdout()).startsWith("2026-01-11T03:00:00Z");

        // an empty --zone is the system zone, as an empty BACKUP_TIMEZONE
        InProcessCli.Result empty = run("cron", "0 3 * * *", "--count", "3", "--from", "2026-01-10T12:00:00Z",
                "--zone", "", "--set", "BACKUP_TIMEZONE=Europe/Berlin");
        InProcessCli.Result system = run("cron", "0 3 * * *", "--count", "3", "--from", "2026-01-10T12:00:00Z",
                "--zone", java.time.ZoneId.systemDefault().getId());
        assertThat(empty.exitCode()).as(empty.toString()).isZero();
        assertThat(empty.stdout()).isEqualTo(system.stdout()).isNotEmpty();
    }

    @Test
    void everySubcommandPrintsTheVersion() {
        for (String command : List.of("list", "backup", "verify", "cron")) {
            InProcessCli.Result r = run(command, "--version");
            assertThat(r.exitCode()).isZero();
            assertThat(r.stdout()).as(command).startsWith("archivist ");
        }
    }

    /** {@code --version --json} prints one JSON object, at the top level and after a command, as scripts expect. */
    @Test
    void theVersionWithJsonIsOneJsonObject() throws Exception {
        for (String[] args : List.of(new String[] {"--version", "--json"}, new String[] {"--json", "--version"},
                new String[] {"list", "--version", "--json"})) {
            InProcessCli.Result r = run(args);
            assertThat(r.exitCode()).as(r.describe()).isZero();
            assertThat(dev.archivist.catalog.Json.MAPPER.readTree(r.stdout()).get("version").asText())
                    .isEqualTo(dev.archivist.Version.get());
        }
        InProcessCli.Result misplaced = run("--json", "list");
        assertThat(misplaced.exitCode()).as(misplaced.describe()).isEqualTo(2);
        assertThat(misplaced.stderr()).contains("--json goes after a command");
    }

    @Test
    void aFileSystemFailureIsOneReadableLine() {
        InProcessCli.Result demo = run("demo", "--dir", "/proc/archivist-cannot-create-this");
        assertThat(demo.exitCode()).isEqualTo(1);
        assertThat(demo.stderr()).startsWith("archivist: ").doesNotContain("unexpected error").doesNotContain("Exception");
    }
}
