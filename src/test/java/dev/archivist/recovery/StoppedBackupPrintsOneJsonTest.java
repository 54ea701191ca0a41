package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.archivist.BackupService;
import dev.archivist.catalog.Json;
import dev.archivist.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backup --json} stopped by SIGTERM in the rotation after its backup was committed prints one JSON document:
 * the stop report's error, which names the backup committed and those removed. The command then printed the new
 * backup's manifest too, when it got to it before the process exited: two documents, which a script could not parse.
 */
@Tag("system")
class StoppedBackupPrintsOneJsonTest {
    private static final int BACKUPS = 60;
    /** Runs tried at most: a run whose rotation ends before the signal shows nothing, so another is tried. */
    private static final int RUNS = 8;
    /** Runs stopped in their rotation that are enough. */
    private static final int ENOUGH = 2;

    @TempDir
    Path dir;

    @Test
    void aBackupStoppedInItsRotationPrintsOneJsonDocument() throws Exception {
        Fixture f = new Fixture(dir).database(10).set("MAX_BACKUPS", "1");
        BackupService service = f.service();
        service.backupDatabase(false);
        int stopped = 0;
        for (int run = 0; run < RUNS && stopped < ENOUGH; run++) {
            while (manifests(f) < BACKUPS) {
                service.backupDatabase(false);
            }
            CliProcess.Running backup = f.process().start("backup", "database", "--json");
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (backup.process().isAlive() && System.nanoTime() < deadline && manifests(f) <= BACKUPS) {
                Thread.sleep(1); // until the backup is committed
            }
            while (backup.process().isAlive() && System.nanoTime() < deadline && manifests(f) > BACKUPS) {
                Thread.sleep(1); // until its rotation removed one
            }
            backup.signal("TERM");
            CliProcess.Result r = backup.await(CliProcess.DEFAULT_TIMEOUT);
            if (r.exitCode() != 143) {
                continue; // the rotation ended before the signal: nothing to see in this run
            }
            stopped++;
            List<JsonNode> documents = documents(r.stdout());
            assertThat(documents).as(r.describe()).hasSize(1);
            assertThat(documents.get(0).path("exit_code").asInt()).as(r.describe()).isEqualTo(143);
            assertThat(documents.get(0).path("error").asText()).contains("committed before the stop")
                    .contains("removed before the stop");
        }
        assertThat(stopped).as("runs stopped in their rotation").isPositive();
    }

    private static List<JsonNode> documents(String stdout) throws Exception {
        try (var values = Json.MAPPER.readerFor(JsonNode.class).<JsonNode>readValues(stdout)) {
            return values.readAll();
        }
    }

    private static long manifests(Fixture f) throws Exception {
        try (Stream<Path> s = Files.list(f.backups.resolve("database"))) {
            return s.filter(p -> p.getFileName().toString().endsWith(".json")).count();
        }
    }
}
