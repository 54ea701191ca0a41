package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.archivist.catalog.Json;
import dev.archivist.testing.CliProcess;
import dev.archivist.testing.TestDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify --json} stopped by SIGTERM while it checks a database backup exits 143 with the stop said on stderr
 * and as the JSON error on stdout (a monitoring script always gets JSON to parse), records nothing and leaves no
 * decompressed copy. It exited 143 with nothing on stdout and nothing on stderr.
 */
@Tag("system")
class SignalledVerifyTest {
    /** Runs tried at most: a verify that ends before the signal shows nothing, so another is tried. */
    private static final int RUNS = 4;

    @TempDir
    Path dir;

    @Test
    void aVerifyStoppedBySigtermSaysSoInJsonAndRecordsNothing() throws Exception {
        Fixture f = new Fixture(dir);
        TestDb.createBig(f.db, TestDb.Mode.WAL, 96);
        Fixture.Run backup = f.cli("backup", "database", "--no-rotate");
        assertThat(backup.exitCode()).as(backup.describe()).isZero();
        Path state = f.backups.resolve(".archivist");
        int stopped = 0;
        for (int run = 0; run < RUNS && stopped == 0; run++) {
            CliProcess.Running verify = f.process().start("verify", "latest", "--json");
            Fixture.awaitName(verify, state, n -> n.startsWith("archivist-verify-")); // its copy: checking
            verify.signal("TERM");
            CliProcess.Result r = verify.await(CliProcess.DEFAULT_TIMEOUT);
            if (r.exitCode() == 0) {
                continue; // it ended before the signal
            }
            stopped++;
            assertThat(r.exitCode()).as(r.describe()).isEqualTo(143);
            assertThat(r.stderr()).as(r.describe()).contains("archivist: interrupted by SIGTERM");
            List<JsonNode> documents;
            try (var values = Json.MAPPER.readerFor(JsonNode.class).<JsonNode>readValues(r.stdout())) {
                documents = values.readAll();
            }
            assertThat(documents).as(r.describe()).hasSize(1);
            assertThat(documents.get(0).path("exit_code").asInt()).as(r.describe()).isEqualTo(143);
            assertThat(documents.get(0).path("error").asText()).as(r.describe()).contains("interrupted by SIGTERM");
            assertThat(Fixture.names(state)).as("no copy left").noneMatch(n -> n.startsWith("archivist-verify-"));
            Path verified = state.resolve("verified");
            assertThat(Files.exists(verified) ? Fixture.names(verified) : List.of()).as("nothing recorded").isEmpty();
        }
        assertThat(stopped).as("verifies stopped by the signal").isPositive();
    }
}
