package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.archivist.catalog.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify --all} run by a monitoring job on a mistyped {@code BACKUP_DIR} must not stay green: a folder that does
 * not exist fails it (exit 1, as {@code verify latest} with no backup), naming the folder; an existing empty one is a
 * fresh install and passes.
 */
class VerifyAllMissingBackupDirTest {
    @TempDir
    Path dir;

    @Test
    void aBackupDirThatDoesNotExistFailsVerifyAllNamingIt() throws Exception {
        Fixture f = new Fixture(dir).database(5).set("BACKUP_DIR", dir.resolve("backpus").toString());
        Fixture.Run r = f.cli("verify", "--all");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        assertThat(r.stderr()).contains("BACKUP_DIR " + dir.resolve("backpus") + " does not exist");
        assertThat(r.stdout()).doesNotContain("0 backups verified");
        assertThat(dir.resolve("backpus")).as("a reading command creates nothing").doesNotExist();

        Fixture.Run json = f.cli("verify", "--all", "--json");
        assertThat(json.exitCode()).as(json.describe()).isEqualTo(1);
        JsonNode doc = Json.MAPPER.readTree(json.stdout());
        assertThat(doc.path("exit_code").asInt()).isEqualTo(1);
        assertThat(doc.path("error").asText()).contains("BACKUP_DIR " + dir.resolve("backpus") + " does not exist");
    }

    @Test
    void anEmptyBackupDirPassesVerifyAll() throws Exception {
        Fixture f = new Fixture(dir).database(5);
        Files.createDirectories(f.backups);
        Fixture.Run r = f.cli("verify", "--all");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.stdout()).contains("0 backups verified");
    }
}
