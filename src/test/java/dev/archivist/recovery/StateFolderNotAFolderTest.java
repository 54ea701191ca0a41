package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file, or a symlink that leads nowhere, at the name of a folder Archivist keeps in {@code BACKUP_DIR/.archivist}
 * (the folder itself, {@code in-flight}, {@code verified}) failed every backup, rotate and daemon job with
 * "already exists: …/.archivist", which reads as if the folder were there: the failure now says what is there instead
 * and what to do.
 */
class StateFolderNotAFolderTest {
    @TempDir
    Path dir;

    @Test
    void aFileOrADanglingSymlinkAtTheStateFolderIsNamedWithWhatIsThere() throws Exception {
        Fixture f = new Fixture(dir).database(10);
        Files.createDirectories(f.backups);
        Path state = Files.writeString(f.backups.resolve(".archivist"), "x");

        Fixture.Run file = f.cli("backup", "database", "--no-rotate");
        assertThat(file.exitCode()).as(file.describe()).isEqualTo(1);
        assertThat(file.stderr()).as(file.describe())
                .contains(state + ": a file where a folder is needed: move it away or remove it");

        Files.delete(state);
        Files.createSymbolicLink(state, dir.resolve("unmounted/state"));
        Fixture.Run link = f.cli("rotate");
        assertThat(link.exitCode()).as(link.describe()).isEqualTo(1);
        assertThat(link.stderr()).as(link.describe()).contains(state + ": a symlink to " + dir.resolve("unmounted/state")
                + ", which leads to no folder, where a folder is needed");

        Files.delete(state);
        Files.createDirectory(state);
        Path inFlight = Files.writeString(state.resolve("in-flight"), "x");
        Fixture.Run inside = f.cli("backup", "database", "--no-rotate");
        assertThat(inside.exitCode()).as(inside.describe()).isEqualTo(1);
        assertThat(inside.stderr()).as(inside.describe()).contains(inFlight + ": a file where a folder is needed");
        try (var files = Files.list(f.backups.resolve("database"))) {
            assertThat(files).as("nothing of the failed backup is left").isEmpty();
        }
    }
}
