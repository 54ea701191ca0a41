package dev.archivist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.archivist.BackupService;
import dev.archivist.BackupType;
import dev.archivist.catalog.Json;
import dev.archivist.config.SettingsLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code list} stays newest first when a manifest cannot be read: the rows were then sorted again by the text of
 * {@code created_at}, where a backup taken at a whole second ({@code …:00Z}) sorted after one taken later in that
 * second ({@code …:00.500Z}).
 */
class ListOrderWithUnreadableManifestTest {
    @TempDir
    Path dir;

    @Test
    void newestFirstWithAnUnreadableManifestBeside() throws Exception {
        Map<String, String> env = appWithADatabase();
        var settings = SettingsLoader.load(env, null, false, Map.of());
        for (String at : List.of("2026-03-29T01:00:00Z", "2026-03-29T01:00:00.500Z")) {
            new BackupService(settings, Clock.fixed(Instant.parse(at), ZoneOffset.UTC), n -> { }).backupDatabase(false);
        }
        Path folder = new BackupService(settings).catalog().dir(BackupType.DATABASE);
        Files.writeString(folder.resolve("db_backup_20260101T000000.000Z.json"), "{"); // truncated

        InProcessCli.Result r = InProcessCli.run(env, "list", "--json");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        List<String> ids = new ArrayList<>();
        for (JsonNode row : Json.MAPPER.readTree(r.stdout())) {
            ids.add(row.path("id").asText());
        }
        assertThat(ids).containsExactly("db_backup_20260329T010000.500Z", "db_backup_20260329T010000.000Z",
                "db_backup_20260101T000000.000Z");
    }

    /** {@code list --type storage} of a catalog of database backups said "no backups in", as for an empty one. */
    @Test
    void aTypeWithoutBackupsIsNamedNotTheCatalogCalledEmpty() throws Exception {
        Map<String, String> env = appWithADatabase();
        new BackupService(SettingsLoader.load(env, null, false, Map.of())).backupDatabase(false);

        InProcessCli.Result r = InProcessCli.run(env, "list", "--type", "storage");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.stdout().strip()).isEqualTo("no storage backups in " + dir.resolve("backups"));
    }

    /** An application with a one-table database; its environment. */
    private Map<String, String> appWithADatabase() throws Exception {
        Path db = dir.resolve("app.db");
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + db); var st = c.createStatement()) {
            st.execute("CREATE TABLE t(x)");
        }
        return Map.of("DATABASE_URL", db.toString(), "BACKUP_DIR", dir.resolve("backups").toString(),
                "STORAGE_PATH", dir.resolve("storage").toString(), "JSON_LOGS", "false");
    }
}
