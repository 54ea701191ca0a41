package dev.archivist.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.testing.CliProcess;
import dev.archivist.testing.TestDb;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A path built by a {@code .env} reference to a secret ({@code BACKUP_DIR=…/${DB_PASSWORD}}) is masked wherever it
 * is printed (log lines, JSON and text, {@code --json} output), as in {@code config}; the backup still goes to the
 * real folder: only what is printed is masked.
 */
class ExpandedSecretInPathsTest {
    private static final String SECRET = "S3cretValue42";

    @TempDir
    Path dir;

    private CliProcess cli(String jsonLogs) throws Exception {
        Path db = dir.resolve("app.db");
        if (!Files.exists(db)) {
            TestDb.create(db, TestDb.Mode.WAL, 10, 100);
        }
        Files.createDirectories(dir.resolve("st"));
        Files.writeString(dir.resolve(".env"), "DB_PASSWORD=" + SECRET + "\nBACKUP_DIR=" + dir.resolve("bk") + "/${DB_PASSWORD}\n");
        return new CliProcess(dir).env("DATABASE_URL", db.toString()).env("STORAGE_PATH", dir.resolve("st").toString())
                .env("JSON_LOGS", jsonLogs).env("LOG_LEVEL", "DEBUG");
    }

    @Test
    void theSecretIsMaskedInLogsAndOutputButTheBackupGoesToTheRealFolder() throws Exception {
        for (String json : new String[] {"true", "false"}) {
            CliProcess.Result backup = cli(json).run("backup", "database");
            assertThat(backup.exitCode()).as(backup.describe()).isZero();
            assertThat(backup.stdout() + backup.stderr()).as(backup.describe()).doesNotContain(SECRET);
        }
        assertThat(dir.resolve("bk").resolve(SECRET).resolve("database")).isDirectory();
        CliProcess.Result list = cli("true").run("list", "--json");
        assertThat(list.exitCode()).as(list.describe()).isZero();
        assertThat(list.stdout()).as(list.describe()).doesNotContain(SECRET).contains(dir.resolve("bk") + "/***/database/");
    }

    @Test
    void theDaemonsStartLineMasksIt() throws Exception {
        CliProcess.Running run = cli("false").start("run");
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!run.stderrSoFar().contains("daemon started") && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        run.signal("TERM");
        CliProcess.Result r = run.await(java.time.Duration.ofSeconds(60));
        assertThat(r.stderr()).as(r.describe()).contains("daemon started").doesNotContain(SECRET)
                .contains(dir.resolve("bk") + "/***");
    }
}
