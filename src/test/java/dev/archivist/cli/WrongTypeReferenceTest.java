package dev.archivist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.archivist.catalog.Json;
import dev.archivist.testing.TestDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup named by id or manifest path to a command of another type ({@code restore database storage_backup_…},
 * {@code verify storage_backup_… --type database}) is said to be of that other type: "no backup '…'" sent the operator
 * looking for a backup that is there.
 */
class WrongTypeReferenceTest {
    @TempDir
    Path dir;

    @Test
    void aBackupOfAnotherTypeIsNamedAsSuchNotAsMissing() throws Exception {
        Path db = dir.resolve("app.db");
        TestDb.create(db, TestDb.Mode.WAL, 10, 10);
        Path storage = Files.createDirectories(dir.resolve("storage"));
        Files.writeString(storage.resolve("a.txt"), "a");
        Map<String, String> env = Map.of("DATABASE_URL", db.toString(), "STORAGE_PATH", storage.toString(),
                "BACKUP_DIR", dir.resolve("backups").toString(), "JSON_LOGS", "false");
        assertThat(InProcessCli.run(env, "backup", "full", "--no-rotate").exitCode()).isZero();
        String storageId = id(dir.resolve("backups/storage"));
        String dbId = id(dir.resolve("backups/database"));
        String storageManifest = dir.resolve("backups/storage/" + storageId + ".json").toString();

        String[][] cases = {
            {"restore", "database", storageId, "--target", dir.resolve("r.db").toString(), "--json"},
            {"restore", "database", storageManifest, "--target", dir.resolve("r.db").toString(), "--json"},
            {"restore", "storage", dbId, "--target", dir.resolve("r").toString(), "--json"},
            {"restore", "full", storageId, "--yes", "--json"},
            {"verify", storageId, "--type", "database", "--json"},
        };
        for (String[] args : cases) {
            InProcessCli.Result r = InProcessCli.run(env, args);
            assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
            String wanted = args[0].equals("verify") ? "database" : args[1];
            String named = args[2].equals(dbId) ? dbId : storageId;
            String type = named.equals(dbId) ? "database" : "storage";
            JsonNode j = Json.MAPPER.readTree(r.stdout());
            assertThat(j.path("error").asText()).as(r.describe())
                    .isEqualTo(named + " is a " + type + " backup, not a " + wanted + " backup");
            assertThat(r.stderr()).doesNotContain("no backup");
        }
        assertThat(dir.resolve("r.db")).doesNotExist();
        assertThat(dir.resolve("r")).doesNotExist();

        InProcessCli.Result missing = InProcessCli.run(env, "verify", "db_backup_20200101T000000.000Z", "--type", "database");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.stderr()).contains("no backup 'db_backup_20200101T000000.000Z'");
        InProcessCli.Result viaFull = InProcessCli.run(env, "restore", "database", id(dir.resolve("backups/full")),
                "--target", dir.resolve("f.db").toString());
        assertThat(viaFull.exitCode()).as(viaFull.describe()).isZero();
    }

    private static String id(Path folder) throws Exception {
        try (var files = Files.list(folder)) {
            String name = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).findFirst().orElseThrow();
            return name.substring(0, name.length() - ".json".length());
        }
    }
}
