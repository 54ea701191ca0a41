package dev.archivist.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.archivist.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A storage folder holding paths longer than the system's limit (4,095 bytes, reachable only relative to an open
 * folder): the backup stores them and names the first such entry in {@code restore_warnings}, at backup time; a
 * restore, which creates entries through their paths as GNU tar does, fails naming the reason and writes nothing.
 */
class LongPathsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NAME = "x".repeat(250);

    @TempDir
    Path tmp;

    /** JUnit deletes its temporary folder through paths, which fails past the limit: {@code rm} works relative. */
    @AfterEach
    void removeDeepTree() throws Exception {
        new ProcessBuilder("rm", "-rf", tmp.resolve("storage").toString()).inheritIO().start().waitFor();
    }

    @Test
    void pathsPastTheLimitAreStoredAndNamedAtBackupTime() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        Files.writeString(storage.resolve("top.txt"), "top\n");
        // 20 folders of 250 bytes: 5,020 bytes down to the leaf, made one step at a time (relative mkdir and cd)
        Process mk = new ProcessBuilder("bash", "-c", "cd \"$1\" && for i in $(seq 1 20); do mkdir \"$2$i\" && cd \"$2$i\" || exit 1; done"
                + " && echo deep > leaf.txt", "mk", storage.toString(), NAME).inheritIO().start();
        assertThat(mk.waitFor()).isZero();
        Path backups = tmp.resolve("backups");
        CliProcess cli = StorageFixtures.cli(tmp, storage, backups);
        CliProcess.Result r = cli.run("backup", "storage", "--json", "--no-rotate");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        JsonNode m = JSON.readTree(r.stdout());
        assertThat(m.path("file_count").asLong()).as("the deep leaf is stored").isEqualTo(2);
        assertThat(m.path("skipped")).isEmpty();
        StringBuilder first = new StringBuilder();
        for (int i = 1; first.length() < 4095; i++) {
            first.append(first.length() == 0 ? "" : "/").append(NAME).append(i);
        }
        assertThat(m.path("restore_warnings")).singleElement().satisfies(w -> {
            assertThat(w.path("path").asText()).isEqualTo(first.toString());
            assertThat(w.path("reason").asText()).contains("past the system's limit of 4095");
        });

        Path target = tmp.resolve("restored");
        CliProcess.Result restore = cli.run("restore", "storage", m.path("id").asText(), "--target", target.toString());
        assertThat(restore.exitCode()).as(restore.describe()).isEqualTo(1);
        assertThat(restore.stderr()).contains("File name too long");
        assertThat(target).doesNotExist();
        try (var beside = Files.list(tmp)) {
            assertThat(beside.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".archivist-restore-"));
        }
    }
}
