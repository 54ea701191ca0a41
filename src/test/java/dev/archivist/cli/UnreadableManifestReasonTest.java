package dev.archivist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.archivist.catalog.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code list} says why a manifest is no backup: one that parses but names an unknown type, or another folder's type,
 * was shown as "manifest unreadable (unreadable)", the reason only in a log line. Such a row has the keys every row
 * of {@code list --json} has ({@code backup_path}, {@code file_size}, {@code checksum} were missing). {@code verify
 * --all} says it too: it reported every such manifest as "unreadable (not valid JSON or not a manifest)", which reads
 * as damage, also when it was only another user's (a backup run once with sudo into this user's BACKUP_DIR).
 */
class UnreadableManifestReasonTest {
    @TempDir
    Path dir;

    private Map<String, String> env() {
        return Map.of("DATABASE_URL", dir.resolve("app.db").toString(), "BACKUP_DIR", dir.resolve("backups").toString(),
                "STORAGE_PATH", dir.resolve("storage").toString(), "JSON_LOGS", "false");
    }

    private Path databaseFolder() throws java.io.IOException {
        return Files.createDirectories(dir.resolve("backups").resolve("database"));
    }

    @Test
    void theRowOfAManifestOfAnUnknownOrAnotherTypeSaysSo() throws Exception {
        Path folder = databaseFolder();
        Files.writeString(folder.resolve("db_backup_20260101T000000.000Z.json"),
                "{\"id\":\"db_backup_20260101T000000.000Z\",\"type\":\"bogus\"}");
        Files.writeString(folder.resolve("db_backup_20260102T000000.000Z.json"),
                "{\"id\":\"db_backup_20260102T000000.000Z\",\"type\":\"storage\"}");
        InProcessCli.Result r = InProcessCli.run(env(), "list", "--json");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        Map<String, String> reasons = new HashMap<>();
        for (JsonNode row : Json.MAPPER.readTree(r.stdout())) {
            reasons.put(row.path("id").asText(), row.path("unreadable_manifest").asText());
            // the keys every row of list --json has (issue 2), null where the manifest cannot tell
            assertThat(row.has("id") && row.has("type") && row.has("created_at") && row.has("backup_path")
                    && row.has("file_size") && row.has("checksum")).as(row.toString()).isTrue();
        }
        assertThat(reasons.get("db_backup_20260101T000000.000Z")).contains("unknown backup type 'bogus'");
        assertThat(reasons.get("db_backup_20260102T000000.000Z")).contains("a storage backup's manifest in the database folder");
    }

    @Test
    void verifyAllReportsAManifestThatCannotBeReadWithItsReason() throws Exception {
        Files.writeString(databaseFolder().resolve("db_backup_20260101T000000.000Z.json"),
                "{\"id\":\"db_backup_20260101T000000.000Z\",\"type\":\"storage\"}");

        InProcessCli.Result r = InProcessCli.run(env(), "verify", "--all");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        assertThat(r.stdout()).contains("FAILED db_backup_20260101T000000.000Z")
                .contains("unreadable (a storage backup's manifest in the database folder")
                .doesNotContain("not valid JSON");
    }
}
