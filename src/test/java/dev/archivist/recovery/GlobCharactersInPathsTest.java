package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.restore.RestoreFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leftovers of restores are found beside the live folder (or a {@code --target}) by name. The names were once
 * turned into globs: a folder named {@code st{a} made every later backup, restore and rotate fail with exit 2
 * ("Missing '}'"), and {@code st[1]} made them miss its leftovers. Names are now compared as plain strings.
 */
class GlobCharactersInPathsTest {
    @TempDir
    Path dir;

    @Test
    void leftoversBesideFoldersWithGlobCharactersAreSweptAndNoCommandFails() throws Exception {
        Fixture f = new Fixture(dir).database(20);
        Path live = dir.resolve("st{a[1]*");
        Files.createDirectories(live.resolve("sub"));
        Files.writeString(live.resolve("sub/a.txt"), "a");
        f.set("STORAGE_PATH", live.toString());
        assertOk(f.cli("backup", "storage", "--no-rotate"));

        assertOk(f.cli("restore", "storage", "latest", "--yes")); // the old tree is moved aside
        List<Path> aside = named(".before-restore-");
        assertThat(aside).hasSize(1);
        Path staging = Files.createDirectories(dir.resolve(RestoreFiles.PREFIX + live.getFileName() + "-killed"));
        Path target = dir.resolve("out{1");
        Fixture.Run refused = f.cli("restore", "storage", "latest", "--target", target.toString(), "--path", "nothing");
        assertThat(refused.exitCode()).as(refused.describe()).isEqualTo(1);

        assertOk(f.cli("backup", "storage")); // sweeps the leftovers; its rotation removes the folder set aside
        assertOk(f.cli("backup", "database"));
        assertOk(f.cli("rotate"));
        assertThat(staging).doesNotExist();
        assertThat(aside.get(0)).doesNotExist();
        assertThat(target).doesNotExist();
        assertThat(live.resolve("sub/a.txt")).hasContent("a");
    }

    private List<Path> named(String part) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().contains(part)).toList();
        }
    }

    private static void assertOk(Fixture.Run r) {
        assertThat(r.exitCode()).as(r.describe()).isZero();
    }
}
