package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.archivist.archive.ProgressListener;
import dev.archivist.catalog.Json;
import dev.archivist.catalog.Manifest;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stored file that is there but not of the size its manifest records (a part truncated by a full disk or a copy cut
 * short, a database file emptied) makes the backup one that cannot be restored, as a missing file does: {@code list}
 * shows it as BROKEN, {@code stats} counts it, and rotation does not let it push out an older backup that can be
 * restored. Before, only a missing file counted: the newest backup, its part emptied, was listed as sound and kept by
 * {@code rotate --max-backups 1}, which removed the only good one.
 */
class ResizedFilesTest {
    @TempDir
    Path dir;

    @Test
    void aTruncatedPartMakesTheBackupBrokenAndRotationKeepsTheOlderGoodOne() throws Exception {
        Fixture f = new Fixture(dir).database(20).storage(3, 3_000_000)
                .set("BACKUP_CHUNK_SIZE_MB", "1").set("BACKUP_MAX_SIZE_MB", "1");
        Manifest good = f.service().backupStorage(false, ProgressListener.NONE);
        Manifest damaged = f.service().backupStorage(false, ProgressListener.NONE);
        assertThat(damaged.parts()).hasSizeGreaterThanOrEqualTo(3);
        String part = damaged.parts().get(1).path();
        try (FileChannel ch = FileChannel.open(f.backups.resolve("storage").resolve(part), StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 1);
        }

        JsonNode rows = Json.MAPPER.readTree(f.cli("list", "--json").stdout());
        List<String> broken = new ArrayList<>();
        for (JsonNode row : rows) {
            if (row.path("broken").asBoolean()) {
                broken.add(row.path("id").asText());
                assertThat(row.path("resized_files").toString()).contains("storage/" + part);
                assertThat(row.path("missing_files")).isEmpty();
            }
        }
        assertThat(broken).containsExactly(damaged.id());
        assertThat(f.cli("list").stdout().lines().filter(l -> l.startsWith(damaged.id()))).singleElement().asString()
                .contains("BROKEN: files not of their recorded size").contains(part);
        JsonNode stats = Json.MAPPER.readTree(f.cli("stats", "--json").stdout());
        assertThat(stats.path("broken_backups").asInt()).isEqualTo(1);
        assertThat(stats.path("types").path("storage").path("newest_id").asText()).isEqualTo(good.id());

        Fixture.Run rotate = f.cli("rotate", "--max-backups", "1");
        assertThat(rotate.exitCode()).as(rotate.describe()).isZero();
        assertThat(f.backups.resolve("storage").resolve(good.id() + ".json")).as("the only backup that can be restored")
                .exists();
        assertThat(f.backups.resolve("storage").resolve(good.parts().get(0).path())).exists();
    }

    @Test
    void anEmptiedDatabaseFileMakesItsBackupBroken() throws Exception {
        Fixture f = new Fixture(dir).database(50);
        Manifest m = f.service().backupDatabase(false);
        Files.write(f.backups.resolve("database").resolve(m.parts().get(0).path()), new byte[0]);

        JsonNode row = Json.MAPPER.readTree(f.cli("list", "--json").stdout()).get(0);
        assertThat(row.path("id").asText()).isEqualTo(m.id());
        assertThat(row.path("broken").asBoolean()).isTrue();
        assertThat(row.path("resized_files").toString()).contains("database/" + m.parts().get(0).path());
    }
}
