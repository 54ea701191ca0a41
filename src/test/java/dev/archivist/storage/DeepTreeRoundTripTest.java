package dev.archivist.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.archivist.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tree 1,000 folders deep (a file at every level; at the bottom, a symlink to the file one level up) comes back
 * whole from {@code restore --target} and from GNU tar alike. The restore used to check every ancestor of every entry
 * through its full path, cubic in the depth: 54 s for this tree; each folder is now checked once.
 */
class DeepTreeRoundTripTest {
    private static final int LEVELS = 1000;

    @TempDir
    Path tmp;

    /** JUnit's own clean-up of such trees takes ~40 s (path by path); {@code rm} takes a moment. */
    @AfterEach
    void removeDeepTrees() throws Exception {
        new ProcessBuilder("rm", "-rf", tmp.resolve("storage").toString(), tmp.resolve("restored").toString(),
                tmp.resolve("tar").toString()).inheritIO().start().waitFor();
    }

    @Test
    void aThousandLevelsRoundTripThroughRestoreAndGnuTar() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        Path dir = storage;
        for (int i = 0; i < LEVELS; i++) {
            dir = Files.createDirectory(dir.resolve("d"));
            Files.writeString(dir.resolve("f"), "level " + i + "\n");
        }
        Files.createSymbolicLink(dir.resolve("up"), Path.of("../f"));
        TreeMap<String, String> before = StorageFixtures.describe(storage);
        assertThat(before).hasSize(2 * LEVELS + 1);

        CliProcess cli = StorageFixtures.cli(tmp, storage, tmp.resolve("backups"));
        CliProcess.Result backup = cli.run("backup", "storage", "--json", "--no-rotate");
        assertThat(backup.exitCode()).as(backup.describe()).isZero();
        JsonNode m = StorageFixtures.JSON.readTree(backup.stdout());
        assertThat(m.path("file_count").asLong()).isEqualTo(LEVELS);

        Path restored = tmp.resolve("restored");
        CliProcess.Result restore = cli.run("restore", "storage", m.path("id").asText(), "--target", restored.toString());
        assertThat(restore.exitCode()).as(restore.describe()).isZero();
        assertThat(StorageFixtures.describe(restored)).isEqualTo(before);

        Path extracted = StorageFixtures.extractWithStockTools(
                StorageFixtures.partPaths(tmp.resolve("backups").resolve("storage"), m), "zstd", tmp.resolve("tar"));
        assertThat(StorageFixtures.describe(extracted)).isEqualTo(before);
    }
}
