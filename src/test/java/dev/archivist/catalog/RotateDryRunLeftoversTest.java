package dev.archivist.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.archivist.testing.CliProcess;
import dev.archivist.testing.TestDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rotate --dry-run} names every file the real {@code rotate} removes: the temporary files and parts of a
 * backup that was killed (no manifest), not only the backups rotation's policy removes; the dry run omitted them,
 * and the real run removed them without a line on stdout. Both list them, as text and in {@code removed_leftovers}.
 */
@Tag("system")
class RotateDryRunLeftoversTest {
    @TempDir
    Path dir;

    @Test
    void theDryRunListsTheLeftoversTheRealRunRemoves() throws Exception {
        Path db = TestDb.create(dir.resolve("app.db"), TestDb.Mode.WAL, 20, 20);
        Path backups = dir.resolve("backups");
        CliProcess cli = CliProcess.forApp(dir, db, backups).env("STORAGE_PATH", dir.resolve("storage").toString())
                .timeout(Duration.ofSeconds(60));
        assertThat(cli.run("backup", "database").exitCode()).isZero();
        // what a storage backup killed while writing leaves: a temporary part and index, a part it had renamed
        String killed = "storage_backup_20260101T000000.000Z";
        Path storage = Files.createDirectories(backups.resolve("storage"));
        Path tempPart = Files.writeString(storage.resolve(".tmp-" + killed + ".tar.zst.part001"), "x");
        Path tempIndex = Files.writeString(storage.resolve(".tmp-" + killed + ".index.jsonl.zst"), "x");
        Files.createDirectories(backups.resolve(".archivist/in-flight"));
        Files.writeString(backups.resolve(".archivist/in-flight/" + killed), "");
        Path part = Files.writeString(storage.resolve(killed + ".tar.zst.part002"), "x");
        List<String> leftovers = List.of(tempPart.toString(), tempIndex.toString(), part.toString());

        CliProcess.Result dry = cli.run("rotate", "--dry-run");
        assertThat(dry.exitCode()).as(dry.describe()).isZero();
        for (String f : leftovers) {
            assertThat(dry.stdout()).as(dry.describe()).contains("remove  " + f + " (left by an interrupted run)");
            assertThat(Path.of(f)).as("a dry run removes nothing").exists();
        }
        CliProcess.Result dryJson = cli.run("rotate", "--dry-run", "--json");
        assertThat(dryJson.exitCode()).as(dryJson.describe()).isZero();
        assertThat(texts(Json.MAPPER.readTree(dryJson.stdout()).path("removed_leftovers")))
                .containsExactlyInAnyOrderElementsOf(leftovers);

        CliProcess.Result real = cli.run("rotate", "--json");
        assertThat(real.exitCode()).as(real.describe()).isZero();
        assertThat(texts(Json.MAPPER.readTree(real.stdout()).path("removed_leftovers")))
                .containsExactlyInAnyOrderElementsOf(leftovers);
        leftovers.forEach(f -> assertThat(Path.of(f)).doesNotExist());
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(e -> out.add(e.asText()));
        return out;
    }
}
