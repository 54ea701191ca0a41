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
 * {@code restore database|storage <full id>} takes the component the full backup recorded, from a manifest as it was
 * written: a full manifest edited to name another backup (its manifest_checksum left or recomputed) is refused, as
 * {@code verify} and {@code restore full} refuse it. (The restore took whatever backup the edited manifest named,
 * over the live database too.)
 */
class RestoreComponentOfEditedFullTest {
    @TempDir
    Path dir;

    @Test
    void aComponentNamedByAnEditedFullManifestIsNotRestored() throws Exception {
        Fixture f = new Fixture(dir).database(30).storage(3, 1000);
        Manifest full = f.service().backupFull(false, null);
        TestDbRows.insert(f.db); // the database changes, then is backed up on its own
        Manifest later = f.service().backupDatabase(false);
        Path manifestFile = f.backups.resolve("full").resolve(full.id() + ".json");
        ObjectNode json = (ObjectNode) Json.MAPPER.readTree(manifestFile.toFile());
        ((ObjectNode) json.path("database")).put("id", later.id());

        for (boolean resigned : List.of(false, true)) {
            if (resigned) {
                json.put(Manifest.SELF_CHECKSUM, Manifest.selfChecksum(json));
            }
            Files.write(manifestFile, Manifest.toBytes(json));
            Fixture.Run verify = f.cli("verify", full.id());
            assertThat(verify.exitCode()).as(verify.describe()).isEqualTo(1);

            Path target = dir.resolve("t.db");
            Fixture.Run intoTarget = f.cli("restore", "database", full.id(), "--target", target.toString());
            assertThat(intoTarget.exitCode()).as("resigned " + resigned + ": " + intoTarget.describe()).isEqualTo(1);
            assertThat(intoTarget.stderr()).contains(full.id());
            assertThat(target).doesNotExist();

            List<String> rows = Fixture.rows(f.db);
            byte[] live = Files.readAllBytes(f.db);
            Fixture.Run overLive = f.cli("restore", "database", full.id(), "--yes");
            assertThat(overLive.exitCode()).as("resigned " + resigned + ": " + overLive.describe()).isEqualTo(1);
            assertThat(Fixture.rows(f.db)).isEqualTo(rows);
            assertThat(Files.readAllBytes(f.db)).isEqualTo(live);
        }
    }

    /** ls and dump of a full backup's id read its storage part only when it is the one the full backup recorded. */
    @Test
    void lsAndDumpRefuseAStorageComponentOfAnotherChecksum() throws Exception {
        Fixture f = new Fixture(dir).database(5).storage(3, 1000);
        Manifest full = f.service().backupFull(false, null);
        Files.writeString(f.storage.resolve("added-later.txt"), "not in the full backup");
        Manifest later = f.service().backupStorage(false, null);
        Path manifestFile = f.backups.resolve("full").resolve(full.id() + ".json");
        ObjectNode json = (ObjectNode) Json.MAPPER.readTree(manifestFile.toFile());
        ((ObjectNode) json.path("storage")).put("id", later.id());
        json.put(Manifest.SELF_CHECKSUM, Manifest.selfChecksum(json));
        Files.write(manifestFile, Manifest.toBytes(json));

        Fixture.Run ls = f.cli("ls", full.id());
        assertThat(ls.exitCode()).as(ls.describe()).isEqualTo(1);
        assertThat(ls.stdout()).doesNotContain("added-later.txt");
        assertThat(ls.stderr()).contains(full.id()).contains("checksum");
        Fixture.Run dump = f.cli("dump", full.id(), "added-later.txt");
        assertThat(dump.exitCode()).as(dump.describe()).isEqualTo(1);
        assertThat(dump.stdout()).isEmpty();
    }

    /** One more row in the fixture's database. */
    private static final class TestDbRows {
        static void insert(Path db) throws Exception {
            try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db); var st = c.createStatement()) {
                st.execute("INSERT INTO items(name, payload) VALUES ('added after the full backup', x'00')");
            }
        }
    }
}
