package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.archivist.catalog.BackupIds;
import dev.archivist.catalog.Json;
import dev.archivist.catalog.Manifest;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After the clock was once far ahead (a wrong RTC, then NTP), the last id issued is in the future and ids go on from
 * it. The backups taken since are dated by the clock, so their ages and retention buckets are real (dated by their
 * ids, they all fell into one future day, where a daily policy keeps one of them, and the newest backup's age stayed
 * 0 s), while the catalog still orders them as they were taken.
 */
class ClockStepBackTest {
    @TempDir
    java.nio.file.Path dir;

    @Test
    void backupsAfterAStepBackAreDatedByTheClockAndListedInTheOrderTaken() throws Exception {
        Fixture f = new Fixture(dir).database(20);
        Files.createDirectories(f.backups.resolve(".archivist"));
        Instant future = Instant.parse("2030-12-31T23:59:59Z");
        Files.writeString(f.backups.resolve(".archivist").resolve("last-id"), Long.toString(future.toEpochMilli()));

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Fixture.Run r = f.cli("backup", "database", "--no-rotate", "--json");
            assertThat(r.exitCode()).as(r.describe()).isZero();
            JsonNode m = Json.MAPPER.readTree(r.stdout());
            ids.add(m.path("id").asText());
            Instant created = Instant.parse(m.path("created_at").asText());
            assertThat(Duration.between(created, Instant.now()).abs()).as(m.toString()).isLessThan(Duration.ofMinutes(1));
            if (i == 0) { // the first as the wrong clock itself would have dated it
                java.nio.file.Path file = f.backups.resolve("database").resolve(ids.get(0) + ".json");
                ObjectNode json = (ObjectNode) Json.MAPPER.readTree(file.toFile());
                json.put("created_at", BackupIds.instantOf(ids.get(0)).toString());
                json.put(Manifest.SELF_CHECKSUM, Manifest.selfChecksum(json));
                Files.write(file, Json.MAPPER.writeValueAsBytes(json));
            }
        }
        assertThat(ids).as("ids still increase").isSorted().allMatch(id -> id.contains("_2030") || id.contains("_2031"));

        List<String> listed = new ArrayList<>();
        Json.MAPPER.readTree(f.cli("list", "--json").stdout()).forEach(row -> listed.add(row.path("id").asText()));
        assertThat(listed).as("newest first, in the order taken").containsExactly(ids.get(2), ids.get(1), ids.get(0));
        JsonNode stats = Json.MAPPER.readTree(f.cli("stats", "--json").stdout()).path("types").path("database");
        assertThat(stats.path("newest_id").asText()).isEqualTo(ids.get(2));
        assertThat(stats.path("newest_age_seconds").asLong()).isBetween(0L, 60L);
    }
}
