package dev.archivist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.archivist.catalog.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code --json} a script always gets one JSON document on stdout, also when the command fails: the reason and
 * the exit code (and each problem of a bad configuration), while stderr keeps its one readable line. Without
 * {@code --json}, a failure prints nothing on stdout.
 */
class JsonFailureOutputTest {
    @TempDir
    Path dir;

    private Map<String, String> env(String... extra) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("DATABASE_URL", dir.resolve("missing.db").toString(),
                "BACKUP_DIR", dir.resolve("backups").toString(), "STORAGE_PATH", dir.resolve("no-storage").toString()));
        for (int i = 0; i < extra.length; i += 2) {
            env.put(extra[i], extra[i + 1]);
        }
        return env;
    }

    private static JsonNode json(InProcessCli.Result r) throws Exception {
        return Json.MAPPER.readTree(r.stdout());
    }

    @Test
    void aFailedBackupPrintsItsReasonAsJson() throws Exception {
        InProcessCli.Result r = InProcessCli.run(env(), "backup", "storage", "--json", "--no-rotate");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr()).contains("archivist: storage folder").contains("does not exist");
        JsonNode j = json(r);
        assertThat(j.path("exit_code").asInt()).isEqualTo(1);
        assertThat(j.path("error").asText()).startsWith("storage folder").contains("does not exist");

        InProcessCli.Result plain = InProcessCli.run(env(), "backup", "storage", "--no-rotate");
        assertThat(plain.exitCode()).isEqualTo(1);
        assertThat(plain.stdout()).isEmpty();
    }

    @Test
    void withJsonLogsAFailureIsAlsoAnErrorEventForALogPipeline() throws Exception {
        dev.archivist.testing.CliProcess.Result r = new dev.archivist.testing.CliProcess(dir)
                .env("DATABASE_URL", dir.resolve("missing.db").toString()).env("BACKUP_DIR", dir.resolve("backups").toString())
                .env("JSON_LOGS", "true").run("backup", "database");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        assertThat(r.stderr()).contains("archivist: database " + dir.resolve("missing.db") + " does not exist");
        List<JsonNode> events = new java.util.ArrayList<>();
        for (String line : r.stderr().lines().filter(l -> l.startsWith("{")).toList()) {
            events.add(Json.MAPPER.readTree(line));
        }
        assertThat(events).as(r.describe()).anySatisfy(e -> {
            assertThat(e.path("level").asText()).isEqualTo("ERROR");
            assertThat(e.path("message").asText()).contains("archivist backup failed (exit 1)")
                    .contains("does not exist");
        });
    }

    @Test
    void aBrokenConfigurationIsAnErrorEventTooWhenJsonLogsIsTheDefault() throws Exception {
        for (String command : new String[] {"list", "config"}) {
            dev.archivist.testing.CliProcess.Result r = new dev.archivist.testing.CliProcess(dir)
                    .env("BACKUP_DIR", dir.resolve("backups").toString()).env("MAX_BACKUPS", "abc").run(command);
            assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
            assertThat(r.stderr()).contains("archivist: invalid configuration (1 problem):");
            JsonNode event = Json.MAPPER.readTree(r.stderr().lines().filter(l -> l.startsWith("{")).findFirst()
                    .orElseThrow(() -> new AssertionError("no JSON event: " + r.describe())));
            assertThat(event.path("level").asText()).isEqualTo("ERROR");
            assertThat(event.path("message").asText()).contains("failed (exit 2)").contains("MAX_BACKUPS='abc'");
        }

        dev.archivist.testing.CliProcess.Result plain = new dev.archivist.testing.CliProcess(dir)
                .env("BACKUP_DIR", dir.resolve("backups").toString()).env("MAX_BACKUPS", "abc").env("JSON_LOGS", "no")
                .run("list");
        assertThat(plain.exitCode()).isEqualTo(2);
        assertThat(plain.stderr().lines()).as(plain.describe()).noneMatch(l -> l.startsWith("{"));
    }

    @Test
    void aUsageErrorIsAnErrorEventAsAConfigurationErrorIs() throws Exception {
        for (String[] args : new String[][] {{"backup", "bogus"}, {"list", "--no-such-option"}, {"cron", "x"}}) {
            dev.archivist.testing.CliProcess.Result r = new dev.archivist.testing.CliProcess(dir)
                    .env("BACKUP_DIR", dir.resolve("backups").toString()).run(args);
            assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
            JsonNode event = Json.MAPPER.readTree(r.stderr().lines().filter(l -> l.startsWith("{")).findFirst()
                    .orElseThrow(() -> new AssertionError("no JSON event: " + r.describe())));
            assertThat(event.path("level").asText()).isEqualTo("ERROR");
            assertThat(event.path("message").asText()).contains("failed (exit 2)");
        }
        dev.archivist.testing.CliProcess.Result plain = new dev.archivist.testing.CliProcess(dir)
                .env("JSON_LOGS", "false").run("backup", "bogus");
        assertThat(plain.exitCode()).isEqualTo(2);
        assertThat(plain.stderr().lines()).as(plain.describe()).noneMatch(l -> l.startsWith("{"));
        // as the command line itself asks, by --set or through its --env-file
        java.nio.file.Path envFile = java.nio.file.Files.writeString(dir.resolve("plain.env"), "JSON_LOGS=false\n");
        for (String[] args : new String[][] {{"cron", "--set", "JSON_LOGS=false", "x"},
                {"backup", "bogus", "-SJSON_LOGS=no"}, {"list", "--no-such-option", "--env-file", envFile.toString()}}) {
            dev.archivist.testing.CliProcess.Result asked = new dev.archivist.testing.CliProcess(dir).run(args);
            assertThat(asked.exitCode()).as(asked.describe()).isEqualTo(2);
            assertThat(asked.stderr().lines()).as(asked.describe()).noneMatch(l -> l.startsWith("{"));
        }
    }

    @Test
    void aMisspeltNameIsHintedAtBesideTheProblemItCauses() throws Exception {
        dev.archivist.testing.CliProcess.Result r = new dev.archivist.testing.CliProcess(dir)
                .env("BACKUP_DIR", dir.resolve("backups").toString()).env("JSON_LOGS", "false")
                .env("BACKUP_FULL_ENABLE", "false").env("MAX_BACKUPS", "0").run("config");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
        assertThat(r.stderr()).contains("MAX_BACKUPS='0'").contains("did you mean BACKUP_FULL_ENABLED?");
    }

    @Test
    void anUnknownBackupIsAJsonErrorToo() throws Exception {
        InProcessCli.Result r = InProcessCli.run(env(), "verify", "db_backup_20260101T000000.000Z", "--json");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(json(r).path("error").asText()).contains("db_backup_20260101T000000.000Z");
    }

    @Test
    void aBadConfigurationListsEveryProblemInJson() throws Exception {
        InProcessCli.Result r = InProcessCli.run(env("BACKUP_COMPRESSION", "rar", "MAX_BACKUPS", "many"), "list", "--json");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        JsonNode j = json(r);
        assertThat(j.path("exit_code").asInt()).isEqualTo(2);
        assertThat(j.path("error").asText()).isEqualTo("invalid configuration (2 problems)");
        assertThat(j.path("problems")).hasSize(2);
        assertThat(j.path("problems").toString()).contains("BACKUP_COMPRESSION").contains("rar")
                .contains("MAX_BACKUPS").contains("many");
        assertThat(r.stderr()).contains("invalid configuration (2 problems):").contains("  - ");
    }

    @Test
    void aUsageErrorWithJsonIsAJsonError() throws Exception {
        InProcessCli.Result r = InProcessCli.run(env(), "list", "--json", "--bogus");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(json(r).path("error").asText()).contains("--bogus");
        assertThat(json(r).path("exit_code").asInt()).isEqualTo(2);
    }

    /** The JSON reason is the stderr line's (so it is redacted the same way: see {@code SecretsNeverPrintedTest}). */
    @Test
    void theJsonReasonIsTheRedactedStderrReason() throws Exception {
        Path db = Files.writeString(dir.resolve("not-sqlite.db"), "plain text, not a database");
        InProcessCli.Result r = InProcessCli.run(env("DATABASE_URL", db.toString()), "backup", "database", "--json");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr().strip()).isEqualTo("archivist: " + json(r).path("error").asText());
        assertThat(json(r).path("error").asText()).contains("not a SQLite database");
    }

    @Test
    void aBadCronExpressionIsAJsonError() throws Exception {
        InProcessCli.Result r = InProcessCli.run(env(), "cron", "61 * * * *", "--json");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(json(r).path("error").asText()).contains("61");
        assertThat(r.stderr()).startsWith("archivist cron: ");
    }

    /** A restore that cannot ask for confirmation (no terminal, no --yes) is refused, in JSON too. */
    @Test
    void anUnconfirmedRestoreIsAJsonError() throws Exception {
        Path db = dir.resolve("app.db");
        dev.archivist.testing.TestDb.create(db, dev.archivist.testing.TestDb.Mode.WAL, 10, 10);
        Map<String, String> env = env("DATABASE_URL", db.toString());
        assertThat(InProcessCli.run(env, "backup", "database", "--no-rotate").exitCode()).isZero();
        InProcessCli.Result r = InProcessCli.run(env, "restore", "database", "latest", "--json");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(json(r).path("error").asText()).contains("no terminal to confirm on").contains("--yes");
        assertThat(r.stderr()).contains("archivist: restore refused: no terminal to confirm on");
    }

    /**
     * picocli takes {@code --json=true} as {@code --json} and {@code --json=false} as its absence: so does a failure's
     * report, a usage error's included (the command line was checked for the literal "--json" only).
     */
    @Test
    void jsonWrittenWithAValueIsReadAsPicocliReadsIt() throws Exception {
        InProcessCli.Result usage = InProcessCli.run(env(), "list", "--json=true", "--bogus");
        assertThat(usage.exitCode()).as(usage.toString()).isEqualTo(2);
        assertThat(json(usage).path("error").asText()).contains("--bogus");
        assertThat(json(usage).path("exit_code").asInt()).isEqualTo(2);

        InProcessCli.Result config = InProcessCli.run(env("MAX_BACKUPS", "abc"), "list", "--json=TRUE");
        assertThat(config.exitCode()).as(config.toString()).isEqualTo(2);
        assertThat(json(config).path("problems").get(0).asText()).contains("MAX_BACKUPS='abc'");

        for (String[] args : new String[][] {{"list", "--json=false"}, {"config", "--json=false"}}) {
            InProcessCli.Result text = InProcessCli.run(env("MAX_BACKUPS", "abc"), args);
            assertThat(text.exitCode()).as(text.toString()).isEqualTo(2);
            assertThat(text.stdout()).as("text asked for: no JSON on stdout").isEmpty();
            assertThat(text.stderr()).contains("MAX_BACKUPS='abc'");
        }
        InProcessCli.Result textUsage = InProcessCli.run(env(), "list", "--json=false", "--bogus");
        assertThat(textUsage.exitCode()).isEqualTo(2);
        assertThat(textUsage.stdout()).isEmpty();
    }
}
