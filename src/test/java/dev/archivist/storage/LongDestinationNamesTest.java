package dev.archivist.storage;

import static dev.archivist.storage.StorageFixtures.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.catalog.FileNames;
import dev.archivist.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A destination whose own name is near the 255 bytes a name may have: the temporary file of {@code dump --output} and
 * the staging folder of a {@code --target} restore are named after it, and must still fit, as GNU tar's extraction
 * into such a folder and {@code cp} to such a name do. They failed with "File name too long".
 */
class LongDestinationNamesTest {
    @TempDir
    Path tmp;

    @Test
    void aFileOf255BytesIsDumpedToItsOwnNameAndAFolderOfALongNameIsATarget() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        String longest = "n".repeat(FileNames.NAME_MAX);
        Files.writeString(storage.resolve(longest), "255-byte name");
        Files.writeString(storage.resolve("a.txt"), "short");
        CliProcess cli = StorageFixtures.cli(tmp, storage, tmp.resolve("backups"));
        CliProcess.Result backup = cli.run("backup", "storage", "--json", "--no-rotate");
        assertThat(backup.exitCode()).as(backup.describe()).isZero();
        String id = JSON.readTree(backup.stdout()).path("id").asText();

        Path out = Files.createDirectories(tmp.resolve("out")).resolve(longest);
        CliProcess.Result dump = cli.run("dump", id, longest, "--output", out.toString());
        assertThat(dump.exitCode()).as(dump.describe()).isZero();
        assertThat(Files.readString(out)).isEqualTo("255-byte name");

        // multi-byte characters: the shortened staging name must not cut one in two
        for (String name : new String[] {"t".repeat(230), "é".repeat(127)}) {
            Path target = tmp.resolve(name);
            CliProcess.Result restore = cli.run("restore", "storage", id, "--target", target.toString());
            assertThat(restore.exitCode()).as(restore.describe()).isZero();
            assertThat(Files.readString(target.resolve(longest))).isEqualTo("255-byte name");
            assertThat(Files.readString(target.resolve("a.txt"))).isEqualTo("short");
        }
        try (Stream<Path> left = Files.list(tmp)) { // no staging folder or temporary file left beside them
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".archivist-restore-"));
        }
        try (Stream<Path> left = Files.list(out.getParent())) {
            assertThat(left).containsExactly(out);
        }
    }

    @Test
    void aShortenedNameKeepsWithinItsBytesAndWholeCharacters() {
        assertThat(FileNames.shorten("short", 10)).isEqualTo("short");
        String cut = FileNames.shorten("é".repeat(100), 50);
        assertThat(FileNames.bytes(cut)).isLessThanOrEqualTo(50);
        assertThat(cut).startsWith("é".repeat(20)).doesNotContain("\uFFFD").matches("é+~[0-9a-f]{8}");
        assertThat(FileNames.shorten("é".repeat(100), 50)).isEqualTo(cut); // the same name, the same result
        assertThat(FileNames.shorten("é".repeat(101), 50)).isNotEqualTo(cut);
    }
}
