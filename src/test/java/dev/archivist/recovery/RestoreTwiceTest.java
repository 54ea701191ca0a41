package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.BackupService;
import dev.archivist.RestoreResult;
import dev.archivist.catalog.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restoring the same storage backup twice keeps both safety folders instead of failing on the name. */
class RestoreTwiceTest {
    @TempDir
    Path dir;

    @Test
    void theSameBackupRestoredTwiceKeepsEverySafetyFolder() throws Exception {
        Fixture f = new Fixture(dir).storage(7, 20_000);
        Map<String, String> original = Fixture.tree(f.storage);
        BackupService service = f.service();
        Manifest s = service.backupStorage(false, null);

        Files.writeString(f.storage.resolve("changed-after-backup.txt"), "first edit");
        Map<String, String> firstEdit = Fixture.tree(f.storage);
        RestoreResult one = service.restoreStorage(s.id(), null, List.of(), true);

        Files.writeString(f.storage.resolve("changed-again.txt"), "second edit");
        Map<String, String> secondEdit = Fixture.tree(f.storage);
        RestoreResult two = service.restoreStorage(s.id(), null, List.of(), true);

        assertThat(Fixture.tree(f.storage)).isEqualTo(original);
        assertThat(one.safetyCopy()).isNotEqualTo(two.safetyCopy());
        assertThat(Fixture.tree(Path.of(one.safetyCopy()))).isEqualTo(firstEdit);
        assertThat(Fixture.tree(Path.of(two.safetyCopy()))).isEqualTo(secondEdit);
    }
}
