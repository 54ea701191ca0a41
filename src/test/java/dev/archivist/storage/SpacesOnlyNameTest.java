package dev.archivist.storage;

import static dev.archivist.storage.StorageFixtures.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A name made of spaces only ({@code "   "}), as {@code ls} shows it, selects that entry in {@code --path}, as the
 * README says of every name {@code ls} shows and as {@code dump} takes it; it was refused as an empty glob (exit 2).
 * An empty {@code --path} (a script's unset variable) is still refused.
 */
class SpacesOnlyNameTest {
    @TempDir
    Path tmp;

    @Test
    void aNameOfSpacesIsSelectedAsLsShowsIt() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        Files.writeString(storage.resolve("   "), "spaces");
        Files.writeString(storage.resolve("other.txt"), "other");
        CliProcess cli = StorageFixtures.cli(tmp, storage, tmp.resolve("backups"));
        CliProcess.Result backup = cli.run("backup", "storage", "--json", "--no-rotate");
        assertThat(backup.exitCode()).as(backup.describe()).isZero();
        String id = JSON.readTree(backup.stdout()).path("id").asText();

        CliProcess.Result ls = cli.run("ls", id, "--path", "   ");
        assertThat(ls.exitCode()).as(ls.describe()).isZero();
        assertThat(ls.stdout()).endsWith("     \n").doesNotContain("other.txt");

        Path target = tmp.resolve("restored");
        CliProcess.Result restore = cli.run("restore", "storage", id, "--target", target.toString(), "--path", "   ");
        assertThat(restore.exitCode()).as(restore.describe()).isZero();
        try (Stream<Path> entries = Files.list(target)) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactly("   ");
        }
        assertThat(Files.readString(target.resolve("   "))).isEqualTo("spaces");

        CliProcess.Result empty = cli.run("restore", "storage", id, "--target", tmp.resolve("r2").toString(), "--path", "");
        assertThat(empty.exitCode()).as(empty.describe()).isEqualTo(2);
        assertThat(empty.stderr()).contains("empty");
        assertThat(tmp.resolve("r2")).doesNotExist();
    }
}
