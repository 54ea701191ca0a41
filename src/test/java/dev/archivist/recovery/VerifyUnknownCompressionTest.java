package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.archivist.catalog.Json;
import dev.archivist.catalog.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A manifest naming a compression Archivist cannot read ({@code lz4}, its checksum recomputed) is a backup nothing can
 * restore: verify reports it, deep or quick. (A deep verify skipped the archive, or the database's integrity_check,
 * and called the backup clean, which rotation then kept as the newest verified; restore failed on it.)
 */
class VerifyUnknownCompressionTest {
    @TempDir
    Path dir;

    @Test
    void anUnknownCompressionIsAProblemNeverClean() throws Exception {
        Fixture f = new Fixture(dir).database(20).storage(5, 1000);
        Manifest db = f.service().backupDatabase(false);
        Manifest storage = f.service().backupStorage(false, null);
        for (Manifest m : List.of(db, storage)) {
            Path file = f.backups.resolve(m.type().folder()).resolve(m.id() + ".json");
            ObjectNode json = (ObjectNode) Json.MAPPER.readTree(file.toFile());
            json.put("compression", "lz4");
            json.put(Manifest.SELF_CHECKSUM, Manifest.selfChecksum(json));
            Files.write(file, Manifest.toBytes(json));
            for (List<String> args : List.of(List.of("verify", m.id()), List.of("verify", "--quick", m.id()))) {
                Fixture.Run verify = f.cli(args.toArray(String[]::new));
                assertThat(verify.exitCode()).as(args + ": " + verify.describe()).isEqualTo(1);
                assertThat(verify.stdout()).contains("unknown compression 'lz4'");
            }
        }
    }
}
