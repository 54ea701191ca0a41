package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.archivist.BackupType;
import dev.archivist.catalog.Json;
import dev.archivist.catalog.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One storage manifest whose {@code original_path} is no path (a NUL in it, its checksum recomputed) does not stop
 * rotation of the whole catalog. (Every {@code rotate}, and the rotation after each backup, failed with exit 2 and
 * "Nul character not allowed", naming no backup.)
 */
class RotationSurvivesOddManifestPathsTest {
    @TempDir
    Path dir;

    @Test
    void aNulInARecordedOriginalPathDoesNotFailRotation() throws Exception {
        Fixture f = new Fixture(dir).database(5).storage(3, 1000);
        Manifest odd = f.service().backupStorage(false, null);
        for (int i = 0; i < 3; i++) {
            f.service().backupDatabase(false);
        }
        Path file = f.backups.resolve("storage").resolve(odd.id() + ".json");
        ObjectNode json = (ObjectNode) Json.MAPPER.readTree(file.toFile());
        json.put("original_path", "/srv/a\u0000b");
        json.put(Manifest.SELF_CHECKSUM, Manifest.selfChecksum(json));
        Files.write(file, Manifest.toBytes(json));

        Fixture.Run rotate = f.cli("rotate", "--max-backups", "1");
        assertThat(rotate.exitCode()).as(rotate.describe()).isZero();
        assertThat(f.service().list(BackupType.DATABASE)).hasSize(1);
        assertThat(file).exists();
    }

    /** A restore of such a backup names the recorded source as another one, and restores (it was exit 2, no reason). */
    @Test
    void aNulInARecordedOriginalPathDoesNotFailARestore() throws Exception {
        Fixture f = new Fixture(dir).database(5).storage(3, 1000);
        Manifest db = f.service().backupDatabase(false);
        Manifest storage = f.service().backupStorage(false, null);
        for (Manifest m : java.util.List.of(db, storage)) {
            Path file = f.backups.resolve(m.type().folder()).resolve(m.id() + ".json");
            ObjectNode json = (ObjectNode) Json.MAPPER.readTree(file.toFile());
            json.put("original_path", "/srv/a\u0000b");
            json.put(Manifest.SELF_CHECKSUM, Manifest.selfChecksum(json));
            Files.write(file, Manifest.toBytes(json));
            Fixture.Run restore = f.cli("restore", m.type().wireName(), m.id(), "--yes");
            assertThat(restore.exitCode()).as(restore.describe()).isZero();
            assertThat(restore.stdout() + restore.stderr()).contains("/srv/a\\000b");
        }
    }
}
