package dev.archivist.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.archivist.testing.CliProcess;
import dev.archivist.testing.TestDb;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code JSON_LOGS=true}, the line that ends a job's run carries its facts as fields of their own ({@code job},
 * {@code outcome}, {@code duration_ms}, {@code trigger}, {@code fire_time}), so that a log pipeline can filter and
 * alert on a failed backup without parsing the message text; the line that reports a written backup carries its id, type,
 * size and duration the same way.
 */
@Tag("system")
class JobResultLogFieldsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void eachRunsEndIsALogLineWithItsOutcomeAndDurationAsFields() throws Exception {
        Path db = TestDb.create(dir.resolve("app.db"), TestDb.Mode.WAL, 50, 20);
        CliProcess cli = new CliProcess(dir).env(Map.of("DATABASE_URL", "sqlite:///" + db,
                "STORAGE_PATH", dir.resolve("storage").toString(), "BACKUP_DIR", dir.resolve("backups").toString(),
                "BACKUP_STORAGE_ENABLED", "true", "BACKUP_FULL_ENABLED", "false", "BACKUP_ROTATION_ENABLED", "false",
                "JSON_LOGS", "true"));

        CliProcess.Result r = cli.run("run", "--once"); // the storage folder does not exist: that job fails
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        List<JsonNode> ends = new ArrayList<>();
        List<JsonNode> written = new ArrayList<>();
        for (String line : r.stderr().split("\n")) {
            if (line.startsWith("{")) {
                JsonNode event = JSON.readTree(line);
                if (event.has("outcome")) {
                    ends.add(event);
                }
                if (event.has("backup_id")) {
                    written.add(event);
                }
            }
        }
        assertThat(written).as(r.describe()).hasSize(1);
        JsonNode backup = written.get(0);
        assertThat(backup.path("backup_type").asText()).isEqualTo("database");
        Path manifest = dir.resolve("backups/database").resolve(backup.path("backup_id").asText() + ".json");
        assertThat(manifest).as(backup.toString()).isRegularFile();
        JsonNode recorded = JSON.readTree(manifest.toFile());
        assertThat(backup.path("size_bytes").asLong()).isPositive().isEqualTo(recorded.path("file_size").asLong());
        assertThat(backup.path("duration_ms").asLong()).isEqualTo(recorded.path("duration_ms").asLong());
        assertThat(ends).as(r.describe()).hasSize(2);
        JsonNode database = ends.get(0);
        assertThat(database.path("job").asText()).isEqualTo("database_backup");
        assertThat(database.path("outcome").asText()).isEqualTo("success");
        assertThat(database.path("level").asText()).isEqualTo("INFO");
        assertThat(database.path("trigger").asText()).isEqualTo("manual");
        assertThat(database.path("duration_ms").isIntegralNumber()).as(database.toString()).isTrue();
        assertThat(Instant.parse(database.path("fire_time").asText())).isBefore(Instant.now());
        JsonNode storage = ends.get(1);
        assertThat(storage.path("job").asText()).isEqualTo("storage_backup");
        assertThat(storage.path("outcome").asText()).isEqualTo("failure");
        assertThat(storage.path("level").asText()).isEqualTo("ERROR");
        assertThat(storage.path("message").asText()).contains("storage_backup").contains("failure");
    }
}
