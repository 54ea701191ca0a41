package dev.archivist.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.archivist.config.ConfigKey;
import dev.archivist.testing.CliProcess;
import dev.archivist.testing.TestDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code config --json} shows where each value came from; {@code list/backup/stats --json} shapes. */
@Tag("system")
class ConfigSourcesAndJsonOutputTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void configJsonShowsEachValuesSource() throws Exception {
        Files.writeString(dir.resolve(".env"), "MAX_BACKUPS=5\nLOG_LEVEL=debug\nBACKUP_COMPRESSION=xz\n");
        Path other = Files.writeString(dir.resolve("other.env"), "BACKUP_JITTER_SECONDS=7\n");
        CliProcess cli = new CliProcess(dir).env("LOG_LEVEL", "WARN").env("BACKUP_DIR", dir.resolve("b").toString());

        JsonNode vars = configJson(cli.run("config", "--json", "--set", "BACKUP_COMPRESSION=gz", "--backup-dir", dir.resolve("c").toString()));
        assertThat(source(vars, "MAX_BACKUPS")).isEqualTo(".env");
        assertThat(vars.path("MAX_BACKUPS").path("value").asText()).isEqualTo("5");
        assertThat(source(vars, "LOG_LEVEL")).as("the environment wins over .env").isEqualTo("environment");
        assertThat(vars.path("LOG_LEVEL").path("value").asText()).isEqualTo("WARN");
        assertThat(source(vars, "BACKUP_COMPRESSION")).as("--set wins over .env").isEqualTo("flag");
        assertThat(vars.path("BACKUP_COMPRESSION").path("value").asText()).isEqualTo("gz");
        assertThat(source(vars, "BACKUP_DIR")).as("--backup-dir wins over the environment").isEqualTo("flag");
        assertThat(source(vars, "STORAGE_PATH")).isEqualTo("default");
        assertThat(vars.path("STORAGE_PATH").path("value").asText()).isEqualTo("./storage");
        assertThat(source(vars, "BACKUP_JITTER_SECONDS")).isEqualTo("default");
        for (ConfigKey k : ConfigKey.values()) {
            assertThat(vars.has(k.name())).as("config --json lists " + k).isTrue();
        }

        JsonNode withFile = configJson(cli.run("config", "--json", "--env-file", other.toString()));
        assertThat(source(withFile, "BACKUP_JITTER_SECONDS")).as("the env file named").isEqualTo(".env");
        assertThat(withFile.path("BACKUP_JITTER_SECONDS").path("file").asText()).isEqualTo(other.toString());
        assertThat(withFile.path("BACKUP_DIR").has("file")).isFalse();
        assertThat(source(withFile, "MAX_BACKUPS")).as("./.env is not read when --env-file is given").isEqualTo("default");
        assertThat(source(withFile, "BACKUP_DIR")).isEqualTo("environment");

        CliProcess.Result text = cli.run("config");
        assertThat(text.exitCode()).as(text.describe()).isZero();
        assertThat(text.stdout()).containsPattern("MAX_BACKUPS\\s+=\\s+5\\s+\\(\\.env\\)")
                .containsPattern("LOG_LEVEL\\s+=\\s+WARN\\s+\\(environment\\)")
                .containsPattern("STORAGE_PATH\\s+=\\s+\\./storage\\s+\\(default\\)");
        assertThat(cli.run("config", "--env-file", other.toString()).stdout())
                .containsPattern("BACKUP_JITTER_SECONDS\\s+=\\s+\\S+\\s+\\(\\.env \\(" + java.util.regex.Pattern.quote(other.toString()) + "\\)\\)");
    }

    /** {@code config --json} carries the warnings it prints on stderr, for a script that checks a configuration. */
    @Test
    void configJsonCarriesItsWarnings() throws Exception {
        Files.writeString(dir.resolve(".env"), "MAX_BACKUP=5\n");
        CliProcess cli = new CliProcess(dir).env("BACKUP_DIR", dir.resolve("b").toString());
        CliProcess.Result warned = cli.run("config", "--json");
        assertThat(warned.exitCode()).as(warned.describe()).isZero();
        JsonNode warnings = JSON.readTree(warned.stdout()).path("warnings");
        assertThat(warnings.isArray()).as(warned.describe()).isTrue();
        assertThat(warnings).singleElement().extracting(JsonNode::asText).asString().contains("MAX_BACKUP")
                .contains("MAX_BACKUPS");
        assertThat(warned.stderr()).contains(warnings.get(0).asText());

        Files.writeString(dir.resolve(".env"), "MAX_BACKUPS=5\n");
        CliProcess.Result clean = cli.run("config", "--json");
        assertThat(JSON.readTree(clean.stdout()).path("warnings").isArray()).as(clean.describe()).isTrue();
        assertThat(JSON.readTree(clean.stdout()).path("warnings")).isEmpty();
    }

    /** With BACKUP_CHUNK_SIZE_MB unset and a BACKUP_MAX_SIZE_MB below its default, {@code config} shows the part size used. */
    @Test
    void configShowsThePartSizeUsedNotTheUnsetDefault() throws Exception {
        CliProcess cli = new CliProcess(dir).env("BACKUP_DIR", dir.resolve("b").toString()).env("BACKUP_MAX_SIZE_MB", "50");
        CliProcess.Result json = cli.run("config", "--json");
        assertThat(json.exitCode()).as(json.describe()).isZero();
        JsonNode root = JSON.readTree(json.stdout());
        assertThat(source(root.path("variables"), "BACKUP_CHUNK_SIZE_MB")).isEqualTo("default");
        assertThat(root.path("effective").path("chunk_size_mb").asLong()).isEqualTo(50);
        assertThat(root.path("effective").path("max_size_mb").asLong()).isEqualTo(50);
        assertThat(root.path("effective").path("auto_split").asBoolean()).isTrue();
        CliProcess.Result text = cli.run("config");
        assertThat(text.stdout()).contains("storage archives over 50 MiB are split into parts of 50 MiB");
        CliProcess.Result off = cli.env("BACKUP_AUTO_SPLIT", "false").env("BACKUP_CHUNK_SIZE_MB", "20").run("config");
        assertThat(off.stdout()).contains("storage archives are never split");
    }

    @Test
    void jsonOutputsOfBackupListAndStats() throws Exception {
        Path db = TestDb.create(dir.resolve("app.db"), TestDb.Mode.WAL, 100, 100);
        CliProcess cli = new CliProcess(dir).env("DATABASE_URL", db.toString()).env("BACKUP_DIR", dir.resolve("b").toString())
                .env("JSON_LOGS", "true");

        CliProcess.Result emptyList = cli.run("list", "--json");
        assertThat(emptyList.exitCode()).as(emptyList.describe()).isZero();
        assertThat(JSON.readTree(emptyList.stdout()).isArray()).isTrue();
        assertThat(JSON.readTree(emptyList.stdout())).isEmpty();

        CliProcess.Result b1 = cli.run("backup", "database", "--json");
        CliProcess.Result b2 = cli.run("backup", "database", "--json");
        assertThat(b1.exitCode()).as(b1.describe()).isZero();
        assertThat(b2.exitCode()).as(b2.describe()).isZero();
        JsonNode m1 = JSON.readTree(b1.stdout());
        JsonNode m2 = JSON.readTree(b2.stdout());
        assertThat(m1.path("id").asText()).startsWith("db_backup_");
        // logs are JSON lines on stderr, stdout is only the manifest
        for (String line : b1.stderr().split("\n")) {
            if (!line.isBlank()) {
                assertThat(JSON.readTree(line).has("message")).as(line).isTrue();
            }
        }

        CliProcess.Result list = cli.run("list", "--json");
        JsonNode array = JSON.readTree(list.stdout());
        assertThat(array.isArray()).isTrue();
        assertThat(array).hasSize(2);
        assertThat(array.get(0).path("id").asText()).as("newest first").isEqualTo(m2.path("id").asText());
        assertThat(array.get(1).path("id").asText()).isEqualTo(m1.path("id").asText());
        for (JsonNode m : array) {
            for (String key : List.of("id", "type", "created_at", "backup_path", "file_size", "checksum")) {
                assertThat(m.hasNonNull(key)).as(key + " in " + m).isTrue();
            }
        }
        assertThat(array.get(1).path("checksum")).isEqualTo(m1.path("checksum"));
        assertThat(JSON.readTree(cli.run("list", "--json", "--type", "storage").stdout())).isEmpty();
        assertThat(JSON.readTree(cli.run("list", "--json", "--type", "database").stdout())).hasSize(2);

        CliProcess.Result stats = cli.run("stats", "--json");
        assertThat(stats.exitCode()).as(stats.describe()).isZero();
        JsonNode s = JSON.readTree(stats.stdout());
        assertThat(s.path("total_backups").asInt()).isEqualTo(2);
        assertThat(s.path("total_size").asLong()).isEqualTo(m1.path("file_size").asLong() + m2.path("file_size").asLong());
        JsonNode dbStats = s.path("types").path("database");
        assertThat(dbStats.path("count").asInt()).isEqualTo(2);
        assertThat(dbStats.path("newest_id").asText()).isEqualTo(m2.path("id").asText());
        assertThat(dbStats.path("oldest_id").asText()).isEqualTo(m1.path("id").asText());
        assertThat(dbStats.path("newest_age_seconds").asLong()).isBetween(0L, 600L);
        assertThat(s.path("types").path("storage").path("count").asInt()).isZero();

        CliProcess.Result human = cli.run("list");
        assertThat(human.stdout()).contains(m1.path("id").asText()).contains(m2.path("id").asText());
    }

    private static JsonNode configJson(CliProcess.Result r) throws Exception {
        assertThat(r.exitCode()).as(r.describe()).isZero();
        return JSON.readTree(r.stdout()).path("variables");
    }

    private static String source(JsonNode vars, String key) {
        return vars.path(key).path("source").asText();
    }
}
