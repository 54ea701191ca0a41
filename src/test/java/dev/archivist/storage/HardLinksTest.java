package dev.archivist.storage;

import static dev.archivist.storage.StorageFixtures.q;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.archivist.archive.IndexEntry;
import dev.archivist.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A file with several names (hard links) is stored once, its other names as tar hard links, as GNU tar does: GNU tar
 * extracts them as links again, {@code verify} checks them against the index, and the restore links the names again
 * (or, for a restore of some paths only, gives a link its content without the name it was stored under).
 */
@Tag("system")
class HardLinksTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"none", "zstd"})
    void aFileWithSeveralNamesIsStoredOnceAndRestoredUnderEveryName(String codec) throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        Random rnd = new Random(7);
        byte[] small = new byte[40_000];
        byte[] large = new byte[3 << 20]; // above the read-ahead's small-file limit: streamed
        rnd.nextBytes(small);
        rnd.nextBytes(large);
        Files.write(Files.createDirectories(storage.resolve("a")).resolve("photo.jpg"), small);
        Files.write(storage.resolve("a/video.mp4"), large);
        Files.writeString(storage.resolve("a/alone.txt"), "one name only");
        Files.createLink(Files.createDirectories(storage.resolve("b")).resolve("photo-copy.jpg"), storage.resolve("a/photo.jpg"));
        Files.createLink(storage.resolve("b/video-copy.mp4"), storage.resolve("a/video.mp4"));
        Files.createLink(storage.resolve("z-third-name.jpg"), storage.resolve("a/photo.jpg"));
        Path backups = tmp.resolve("backups");

        CliProcess.Result r = StorageFixtures.cli(tmp, storage, backups).env("BACKUP_COMPRESSION", codec)
                .run("backup", "storage", "--json", "--no-rotate");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        JsonNode m = StorageFixtures.JSON.readTree(r.stdout());
        assertThat(m.path("file_count").asLong()).as("every name counts as a file").isEqualTo(6);

        Path storageDir = backups.resolve("storage");
        Map<String, IndexEntry> index = StorageFixtures.readIndex(storageDir, m);
        assertThat(index.get("a/photo.jpg").type()).isEqualTo(IndexEntry.FILE);
        for (String name : List.of("b/photo-copy.jpg", "z-third-name.jpg")) {
            IndexEntry link = index.get(name);
            assertThat(link.type()).as(name).isEqualTo(IndexEntry.HARDLINK);
            assertThat(link.link()).isEqualTo("a/photo.jpg");
            assertThat(link.sha256()).isEqualTo(StorageFixtures.sha256(small));
            assertThat(link.size()).isEqualTo(small.length);
        }
        assertThat(index.get("b/video-copy.mp4").link()).isEqualTo("a/video.mp4");
        assertThat(index.get("b/video-copy.mp4").sha256()).isEqualTo(StorageFixtures.sha256(large));
        if (codec.equals("none")) {
            long stored = StorageFixtures.partPaths(storageDir, m).stream().mapToLong(p -> p.toFile().length()).sum();
            assertThat(stored).as("the content is stored once").isLessThan(small.length * 2L + large.length + 200_000);
        }

        // GNU tar makes the names links again
        Path out = StorageFixtures.extractWithStockTools(StorageFixtures.partPaths(storageDir, m), codec, tmp.resolve("tar"));
        assertThat(StorageFixtures.describe(out)).isEqualTo(StorageFixtures.describe(storage));
        assertThat(Files.isSameFile(out.resolve("a/photo.jpg"), out.resolve("z-third-name.jpg"))).isTrue();
        assertThat(Files.isSameFile(out.resolve("a/video.mp4"), out.resolve("b/video-copy.mp4"))).isTrue();

        String id = m.path("id").asText();
        CliProcess.Result v = StorageFixtures.cli(tmp, storage, backups).run("verify", id, "--json");
        assertThat(v.exitCode()).as(v.describe()).isZero();
        assertThat(StorageFixtures.JSON.readTree(v.stdout()).path("files_checked").asLong())
                .as("verify counts the files as the backup does, a link's content checked under its target").isEqualTo(6);

        Path restored = tmp.resolve("restored");
        CliProcess.Result rs = StorageFixtures.cli(tmp, storage, backups)
                .run("restore", "storage", id, "--target", restored.toString(), "--yes");
        assertThat(rs.exitCode()).as(rs.describe()).isZero();
        assertThat(StorageFixtures.describe(restored)).isEqualTo(StorageFixtures.describe(storage));
        assertThat(Files.isSameFile(restored.resolve("a/photo.jpg"), restored.resolve("b/photo-copy.jpg"))).isTrue();
        assertThat(Files.isSameFile(restored.resolve("a/photo.jpg"), restored.resolve("z-third-name.jpg"))).isTrue();
        assertThat(Files.isSameFile(restored.resolve("a/video.mp4"), restored.resolve("b/video-copy.mp4"))).isTrue();
        assertThat(Files.isSameFile(restored.resolve("a/photo.jpg"), restored.resolve("a/alone.txt"))).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"b/photo-copy.jpg", "b/**"})
    void restoringSomePathsGivesALinkItsContentWithoutItsOtherName(String glob) throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        Files.writeString(Files.createDirectories(storage.resolve("a")).resolve("photo.jpg"), "pixels");
        Files.createLink(Files.createDirectories(storage.resolve("b")).resolve("photo-copy.jpg"), storage.resolve("a/photo.jpg"));
        Path backups = tmp.resolve("backups");
        CliProcess.Result r = StorageFixtures.cli(tmp, storage, backups).run("backup", "storage", "--no-rotate");
        assertThat(r.exitCode()).as(r.describe()).isZero();

        Path target = tmp.resolve("selected");
        CliProcess.Result only = StorageFixtures.cli(tmp, storage, backups)
                .run("restore", "storage", "latest", "--path", glob, "--target", target.toString(), "--yes");
        assertThat(only.exitCode()).as(only.describe()).isZero();
        assertThat(Files.readString(target.resolve("b/photo-copy.jpg"))).isEqualTo("pixels");
        assertThat(target.resolve("a")).as("the name it was stored under was not asked for").doesNotExist();
        assertThat(StorageFixtures.sh("ls -A " + q(tmp))).as("nothing left beside the target")
                .doesNotContain(".archivist-restore-").doesNotContain("hardlinks");
    }
}
