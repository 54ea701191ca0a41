package dev.archivist.storage;

import static dev.archivist.storage.StorageFixtures.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.archivist.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Entries are read relative to their open folder, so folders stay open while the walk stands in them and while their
 * entries wait in the read-ahead. Under a low descriptor limit ({@code ulimit -n}, as some containers and service
 * managers set), a tree of many folders with one file each, and a deep one, must still be backed up whole, not with
 * files skipped as "Too many open files".
 */
class LowDescriptorLimitTest {
    private static final int FOLDERS = 1200;
    private static final int DEPTH = 150;

    @TempDir
    Path tmp;

    @Test
    void aTreeOfManyFoldersIsBackedUpWholeUnderALowDescriptorLimit() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        for (int i = 0; i < FOLDERS; i++) {
            Files.writeString(Files.createDirectories(storage.resolve(String.format("album-%04d", i)))
                    .resolve("photo.txt"), "photo " + i + "\n");
        }
        Path deep = storage.resolve("deep");
        for (int i = 0; i < DEPTH; i++) {
            deep = deep.resolve("d");
        }
        Files.writeString(Files.createDirectories(deep).resolve("bottom.txt"), "bottom\n");
        Path backups = tmp.resolve("backups");
        CliProcess.Result r = StorageFixtures.runWrapped(tmp, Map.of("STORAGE_PATH", storage.toString(),
                "BACKUP_DIR", backups.toString(), "JSON_LOGS", "false"), cmd -> {
                    List<String> full = new ArrayList<>(List.of("bash", "-c", "ulimit -n 160 && exec \"$@\"", "bash"));
                    full.addAll(cmd);
                    return full;
                }, "backup", "storage", "--json", "--no-rotate");

        assertThat(r.exitCode()).as(r.describe()).isZero();
        JsonNode m = JSON.readTree(r.stdout());
        assertThat(m.path("skipped")).as(r.stdout()).isEmpty();
        assertThat(m.path("file_count").asLong()).isEqualTo(FOLDERS + 1);
        Path out = StorageFixtures.extractWithStockTools(StorageFixtures.partPaths(backups.resolve("storage"), m), "zstd",
                tmp.resolve("out"));
        assertThat(out.resolve("album-0000/photo.txt")).hasContent("photo 0\n");
        assertThat(out.resolve("album-1199/photo.txt")).hasContent("photo 1199\n");
        assertThat(out.resolve(storage.relativize(deep)).resolve("bottom.txt")).hasContent("bottom\n");
        try (var files = Files.walk(out)) {
            assertThat(files.filter(Files::isRegularFile).count()).isEqualTo(FOLDERS + 1);
        }
    }
}
