package dev.archivist.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.archivist.testing.CliProcess;
import dev.archivist.testing.RowWriter;
import dev.archivist.testing.TestDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 2 acceptance: a backup taken while another process inserts rows continuously (WAL mode, and rollback-journal
 * mode) is consistent: integrity ok, its row count equals a count the writer had committed at some moment, and the
 * writer saw no error.
 */
@Tag("system")
class BackupUnderConcurrentWritesTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Mode.class)
    void backupIsAPointInTimeSnapshotAndTheWriterNeverFails(TestDb.Mode mode) throws Exception {
        // ~25 MB so the copy takes long enough for many commits to land before, during and after it.
        Path db = TestDb.create(dir.resolve("app.db"), mode, 40_000, 600);
        Path countLog = dir.resolve("counts.log");
        Path stop = dir.resolve("stop");
        Path writerOut = dir.resolve("writer.out");
        Path writerErr = dir.resolve("writer.err");
        CliProcess cli = new CliProcess(dir).env("DATABASE_URL", db.toString())
                .env("BACKUP_DIR", dir.resolve("backups").toString()).env("JSON_LOGS", "false");

        Process writer = cli.startMain(RowWriter.class, writerOut.toFile(), writerErr.toFile(),
                db.toString(), mode.pragma, countLog.toString(), stop.toString());
        try {
            waitForCommits(countLog, 50);
            long atStart = lastCount(countLog);
            CliProcess.Result r = cli.run("backup", "database", "--json");
            assertThat(r.exitCode()).as(r.describe()).isZero();
            long atEnd = lastCount(countLog);
            assertThat(atEnd).as("the writer kept committing while the backup ran").isGreaterThan(atStart);
            Thread.sleep(300); // let the writer commit after the backup too
            Files.createFile(stop);
            assertThat(writer.waitFor(60, TimeUnit.SECONDS)).as("writer stops").isTrue();
            assertThat(writer.exitValue()).as("writer exit; stderr: " + Files.readString(writerErr)).isZero();
            assertThat(Files.readString(writerErr)).as("writer error output").isEmpty();

            List<Long> committed = Files.readAllLines(countLog).stream().map(Long::parseLong).toList();

            JsonNode m = new ObjectMapper().readTree(r.stdout());
            Path restored = TestDb.decompressWithStockTool(Path.of(m.path("backup_path").asText()),
                    m.path("compression").asText(), dir.resolve("restored.db"));
            assertThat(TestDb.integrityCheck(restored)).isEqualTo("ok");
            long rows = TestDb.countWithSqlite3(restored, "items");
            Set<Long> counts = new HashSet<>(committed);
            assertThat(counts).as("the backup's row count (%d) is a count the writer committed", rows).contains(rows);
            assertThat(rows).as("commits logged before the backup started are in it").isGreaterThanOrEqualTo(atStart);
            // and the ids are contiguous: no row committed after a missing one (no torn transaction)
            assertThat(TestDb.sqlite3(restored, "SELECT max(id) FROM items;").stdout().strip()).isEqualTo(Long.toString(rows));
        } finally {
            if (!Files.exists(stop)) {
                Files.createFile(stop);
            }
            if (!writer.waitFor(30, TimeUnit.SECONDS)) {
                writer.destroyForcibly();
            }
        }
    }

    private static void waitForCommits(Path log, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readAllLines(log).size() > n) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("writer did not start committing");
    }

    private static long lastCount(Path log) throws Exception {
        List<String> lines = Files.readAllLines(log);
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (!lines.get(i).isBlank()) {
                return Long.parseLong(lines.get(i).strip());
            }
        }
        return 0;
    }
}
