package dev.archivist.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.testing.CliProcess;
import dev.archivist.testing.TestDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 2 acceptance: no secret placed in a configuration value or URL appears in any log line (JSON or readable, at
 * DEBUG) or in {@code config} / {@code config --json} output (SEED-SPEC defect 11), nor in what the other commands
 * print about the paths that hold one.
 */
@Tag("system")
class SecretsNeverPrintedTest {
    private static final String SECRET = "S3cretPW";

    @TempDir
    Path dir;
    Path db;

    @BeforeEach
    void setUp() throws Exception {
        db = TestDb.create(dir.resolve("app.db"), TestDb.Mode.WAL, 50, 20);
        // a .env in the working directory with secrets Archivist does not use, and one it does
        Files.writeString(dir.resolve(".env"), String.join("\n",
                "API_TOKEN=" + SECRET,
                "DATABASE_PASSWORD=\"" + SECRET + "\"",
                "SECRET_KEY=" + SECRET,
                "DATABASE_URL=sqlite:///" + db + "?password=" + SECRET,
                ""));
    }

    private CliProcess cli(String jsonLogs) {
        return new CliProcess(dir).env("JSON_LOGS", jsonLogs).env("LOG_LEVEL", "DEBUG")
                .env("BACKUP_DIR", dir.resolve("backups").toString())
                .env("AWS_SECRET_ACCESS_KEY", SECRET).env("GITHUB_TOKEN", SECRET);
    }

    @ParameterizedTest(name = "JSON_LOGS={0}")
    @ValueSource(strings = {"true", "false"})
    void noSecretInLogsOrOutput(String jsonLogs) throws Exception {
        List<CliProcess.Result> results = new ArrayList<>();
        // A working backup whose URL carries a password parameter (the .env one), with its logs at DEBUG.
        CliProcess.Result backup = cli(jsonLogs).run("backup", "database", "--json");
        assertThat(backup.exitCode()).as(backup.describe()).isZero();
        assertThat(backup.stderr()).as("something was logged").isNotBlank();
        results.add(backup);
        results.add(cli(jsonLogs).run("list"));
        results.add(cli(jsonLogs).run("list", "--json"));
        results.add(cli(jsonLogs).run("stats", "--json"));
        CliProcess.Result config = cli(jsonLogs).run("config");
        CliProcess.Result configJson = cli(jsonLogs).run("config", "--json");
        assertThat(config.exitCode()).as(config.describe()).isZero();
        assertThat(configJson.exitCode()).as(configJson.describe()).isZero();
        assertThat(config.stdout()).contains("DATABASE_URL").contains("password=***");
        results.add(config);
        results.add(configJson);

        // Credentials in a URL of the wrong scheme: a configuration error that must not echo the password.
        CliProcess.Result pg = cli(jsonLogs).env("DATABASE_URL", "postgres://admin:" + SECRET + "@db/x").run("config");
        assertThat(pg.exitCode()).as(pg.describe()).isEqualTo(2);
        assertThat(pg.stderr()).contains("only SQLite is supported").contains("admin:***@db");
        results.add(pg);
        results.add(cli(jsonLogs).env("DATABASE_URL", "postgres://admin:" + SECRET + "@db/x").run("backup", "database"));
        results.add(cli(jsonLogs).run("--set", "DATABASE_URL=mysql://root:" + SECRET + "@h/db", "config", "--json"));
        results.add(cli(jsonLogs).run("config", "--json", "--set", "DATABASE_URL=mysql://root:" + SECRET + "@h/db"));
        // a generated password holding '@' and '/', in a message about two flags that disagree; a --set typed with a
        // space for its '=', whose value picocli reports as an argument it did not expect
        for (String[] format : new String[][] {{}, {"--json"}}) {
            List<String> args = new ArrayList<>(List.of("config", "--database-url", "https://user:p@ss/" + SECRET
                    + "@host/db", "--set", "DATABASE_URL=sqlite:///a.db"));
            args.addAll(List.of(format));
            results.add(cli(jsonLogs).run(args.toArray(String[]::new)));
        }
        results.add(cli(jsonLogs).run("config", "--set", "APP_TOKEN", SECRET));
        results.add(cli(jsonLogs).run("config", "--set=APP_TOKEN", SECRET, "--json"));
        results.add(cli(jsonLogs).run("config", "-S", "APP_TOKEN", SECRET));
        results.add(cli(jsonLogs).run("config", "-SAPP_TOKEN", SECRET));
        results.add(cli(jsonLogs).run("backup", "--set", "APP_TOKEN", SECRET)); // read as the backup's type
        results.add(cli(jsonLogs).run("config", "--set", "APP_TOKEN", "-" + SECRET)); // read as an unknown option

        // Secrets inside other values and inside an error message (a database path carrying token=...).
        results.add(cli(jsonLogs).env("BACKUP_COMPRESSION", "token=" + SECRET).run("config"));
        // in the paths of the storage folder and the backup directory: the table and the effective summary alike
        for (String format : new String[] {"text", "json"}) {
            CliProcess paths = cli(jsonLogs).env("STORAGE_PATH", dir.resolve("st?token=" + SECRET).toString())
                    .env("BACKUP_DIR", dir.resolve("https:/bob:" + SECRET + "@nas/bk").toString());
            CliProcess.Result shown = format.equals("json") ? paths.run("config", "--json") : paths.run("config");
            assertThat(shown.exitCode()).as(shown.describe()).isZero();
            assertThat(shown.stdout()).as(shown.describe()).contains("storage").contains("***");
            results.add(shown);
        }
        results.add(cli(jsonLogs).env("DATABASE_URL", dir.resolve("missing token=" + SECRET + ".db").toString())
                .run("backup", "database"));
        results.add(cli(jsonLogs).env("DATABASE_URL", "sqlite:////nonexistent/dir/app.db?password=" + SECRET)
                .run("backup", "database"));

        // A secret with a comma or quotes in it, in a file name a storage backup warns about, and in a job's outcome
        // (printed by run --once and schedule, persisted in the scheduler state).
        Path storage = Files.createDirectories(dir.resolve("storage"));
        Files.createSymbolicLink(storage.resolve("password=\"" + SECRET + " 2\""), Path.of("/etc/hosts"));
        Files.createSymbolicLink(storage.resolve("token=a," + SECRET), Path.of("/etc/hosts"));
        CliProcess.Result warned = cli(jsonLogs).env("STORAGE_PATH", storage.toString()).run("backup", "storage", "--no-rotate");
        assertThat(warned.exitCode()).as(warned.describe()).isZero();
        results.add(warned);
        CliProcess once = cli(jsonLogs).env("DATABASE_URL", dir.resolve("gone password=" + SECRET + "/app.db").toString())
                .env("BACKUP_STORAGE_ENABLED", "false").env("BACKUP_FULL_ENABLED", "false").env("BACKUP_ROTATION_ENABLED", "false");
        CliProcess.Result failedJob = once.run("run", "--once");
        assertThat(failedJob.exitCode()).as(failedJob.describe()).isEqualTo(1);
        results.add(failedJob);
        results.add(once.run("schedule", "--json"));
        assertThat(Files.readString(dir.resolve("backups/.archivist/scheduler-state.json"))).doesNotContain(SECRET);

        for (CliProcess.Result r : results) {
            assertThat(r.stderr()).as(r.describe()).doesNotContain(SECRET);
            assertThat(r.stdout()).as(r.describe()).doesNotContain(SECRET);
            if (jsonLogs.equals("true")) { // every log line stays one valid JSON object
                for (String line : r.stderr().lines().filter(l -> l.startsWith("{")).toList()) {
                    assertThat(com.fasterxml.jackson.databind.json.JsonMapper.builder().build().readTree(line).isObject())
                            .as(line).isTrue();
                }
            }
        }
    }

    @ParameterizedTest(name = "JSON_LOGS={0}")
    @ValueSource(strings = {"true", "false"})
    void theValueOfAnUnknownSecretNamedOptionIsNotEchoedByItsUsageError(String jsonLogs) throws Exception {
        // another tool's habit: picocli reports the option and the argument after it as unknown, quoting both
        for (List<String> args : List.of(List.of("backup", "database", "--password", SECRET),
                List.of("list", "--api-key", SECRET, "--json"), List.of("verify", "latest", "--db-password", SECRET))) {
            CliProcess.Result r = cli(jsonLogs).run(args.toArray(String[]::new));
            assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
            assertThat(r.stderr()).as(r.describe()).contains(args.get(args.indexOf(SECRET) - 1)).contains("'***'");
            assertThat(r.stdout() + r.stderr()).as(r.describe()).doesNotContain(SECRET);
        }
    }

    @ParameterizedTest(name = "JSON_LOGS={0}")
    @ValueSource(strings = {"true", "false"})
    void pathsHoldingASecretAreMaskedInWhatEveryCommandPrints(String jsonLogs) throws Exception {
        Path storage = Files.createDirectories(dir.resolve("https:/bob:" + SECRET + "@nas/storage"));
        Files.writeString(storage.resolve("photo.jpg"), "pixels");
        Path database = TestDb.create(Files.createDirectories(dir.resolve("password=" + SECRET)).resolve("app.db"),
                TestDb.Mode.WAL, 10, 5);
        CliProcess cli = cli(jsonLogs).env("STORAGE_PATH", storage.toString()).env("DATABASE_URL", database.toString())
                .env("BACKUP_DIR", dir.resolve("token=" + SECRET + "/backups").toString());
        List<CliProcess.Result> results = new ArrayList<>();
        List<CliProcess.Result> json = new ArrayList<>();
        CliProcess.Result full = cli.run("backup", "full", "--json");
        assertThat(full.exitCode()).as(full.describe()).isZero();
        json.add(full);
        json.add(cli.run("list", "--json"));
        json.add(cli.run("backup", "storage", "--dry-run", "--json"));
        List<CliProcess.Result> pathless = List.of(cli.run("list"), cli.run("ls", "latest"),
                cli.run("verify", "latest", "--json"));
        results.add(cli.run("backup", "storage", "--dry-run"));
        results.add(cli.run("restore", "storage", "latest", "--yes"));
        results.add(cli.run("restore", "database", "latest", "--yes"));
        results.add(cli.run("restore", "storage", "latest", "--yes", "--target",
                dir.resolve("restored token=" + SECRET).toString()));
        results.addAll(json);
        for (CliProcess.Result r : results) {
            assertThat(r.exitCode()).as(r.describe()).isZero();
            assertThat(r.stdout() + r.stderr()).as(r.describe()).doesNotContain(SECRET).contains("***");
        }
        for (CliProcess.Result r : pathless) {
            assertThat(r.exitCode()).as(r.describe()).isZero();
            assertThat(r.stdout() + r.stderr()).as(r.describe()).doesNotContain(SECRET);
        }
        for (CliProcess.Result r : json) { // masked inside its string values: still one valid document
            assertThat(com.fasterxml.jackson.databind.json.JsonMapper.builder().build().readTree(r.stdout()).isObject()
                    || r.stdout().trim().startsWith("[")).as(r.describe()).isTrue();
        }
        assertThat(Files.readString(dir.resolve("restored token=" + SECRET + "/photo.jpg")))
                .as("only what is printed is masked, not where the data goes").isEqualTo("pixels");
    }
}
