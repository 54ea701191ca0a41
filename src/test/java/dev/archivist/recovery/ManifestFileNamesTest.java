package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.archivist.catalog.Json;
import dev.archivist.catalog.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A manifest whose part or index names a file outside its folder ({@code ../../app.db}) is not a backup: verify would
 * have hashed that file, restore read it and rotation deleted it (the live database, here). It is listed as broken
 * with the reason, and nothing touches the file it names.
 */
class ManifestFileNamesTest {
    @TempDir
    Path dir;

    @Test
    void aPartOutsideTheCatalogFolderMakesTheManifestUnreadableAndTheFileIsNeverTouched() throws Exception {
        Fixture f = new Fixture(dir).database(5);
        Manifest kept = f.service().backupDatabase(false);
        Manifest forged = f.service().backupDatabase(false);
        Path manifestFile = f.backups.resolve("database").resolve(forged.id() + ".json");
        ObjectNode json = (ObjectNode) Json.MAPPER.readTree(manifestFile.toFile());
        Path outside = f.backups.getParent().relativize(f.db);
        String escaping = "../../" + outside;
        assertThat(f.backups.resolve("database").resolve(escaping).normalize()).isEqualTo(f.db.normalize());
        ((ObjectNode) json.path("parts").get(0)).put("path", escaping);
        Files.writeString(manifestFile, Json.MAPPER.writeValueAsString(json));
        byte[] live = Files.readAllBytes(f.db);

        Fixture.Run list = f.cli("list");
        assertThat(list.exitCode()).as(list.describe()).isZero();
        assertThat(list.stdout().lines().filter(l -> l.startsWith(forged.id()))).singleElement().asString()
                .contains("BROKEN").contains("names a file outside its folder");

        Fixture.Run verify = f.cli("verify", forged.id());
        assertThat(verify.exitCode()).as(verify.describe()).isEqualTo(1);

        Fixture.Run rotate = f.cli("rotate", "--max-backups", "1");
        assertThat(rotate.exitCode()).as(rotate.describe()).isZero();
        assertThat(f.db).exists();
        assertThat(Files.readAllBytes(f.db)).isEqualTo(live);
        assertThat(f.cli("verify", kept.id()).exitCode()).isZero();
    }

    /**
     * A manifest whose checksum was recomputed after its part was pointed at another backup's file (a manifest copied
     * by hand, or forged) made rotation delete that other backup's file with its own: a kept backup lost its data.
     * Rotation removes only the files that carry the removed backup's own id.
     */
    @Test
    void rotationNeverDeletesAFileOfAnotherBackupThatAManifestNames() throws Exception {
        Fixture f = new Fixture(dir).database(5);
        Manifest forged = f.service().backupDatabase(false);
        Manifest kept = f.service().backupDatabase(false);
        f.service().backupDatabase(false);
        Path folder = f.backups.resolve("database");
        Path manifestFile = folder.resolve(forged.id() + ".json");
        ObjectNode json = (ObjectNode) Json.MAPPER.readTree(manifestFile.toFile());
        ((ObjectNode) json.path("parts").get(0)).put("path", kept.parts().get(0).path());
        json.put(Manifest.SELF_CHECKSUM, Manifest.selfChecksum(json));
        Files.write(manifestFile, Manifest.toBytes(json));
        Path keptPart = folder.resolve(kept.parts().get(0).path());
        byte[] keptBytes = Files.readAllBytes(keptPart);

        Fixture.Run rotate = f.cli("rotate", "--max-backups", "2");
        assertThat(rotate.exitCode()).as(rotate.describe()).isZero();
        assertThat(rotate.stdout()).contains("remove  " + forged.id());
        assertThat(manifestFile).doesNotExist();
        assertThat(keptPart).exists();
        assertThat(Files.readAllBytes(keptPart)).isEqualTo(keptBytes);
        Fixture.Run verify = f.cli("verify", kept.id());
        assertThat(verify.exitCode()).as(verify.describe()).isZero();
    }
}
