package dev.archivist.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.BackupService;
import dev.archivist.RotationResult;
import dev.archivist.config.Settings;
import dev.archivist.config.SettingsLoader;
import dev.archivist.testing.TestDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code rotate --dry-run} lists as left by an interrupted run is what the real {@code rotate} removes and lists:
 * a restore's staging folder beside the storage folder too, which the real run removed without naming it.
 */
class RotateLeftoversListedTest {
    @TempDir
    Path dir;

    private Settings settings() throws Exception {
        Path db = TestDb.create(dir.resolve("app.db"), TestDb.Mode.WAL, 20, 20);
        Path storage = Files.createDirectories(dir.resolve("storage"));
        Files.writeString(storage.resolve("a.txt"), "a");
        return SettingsLoader.load(Map.of("DATABASE_URL", db.toString(), "STORAGE_PATH", storage.toString(),
                "BACKUP_DIR", dir.resolve("backups").toString()), null, false, Map.of());
    }

    @Test
    void theRealRotateListsTheRestoreStagingFolderItRemoves() throws Exception {
        BackupService service = new BackupService(settings(), Clock.systemUTC(), n -> { });
        service.backupStorage(false, null);
        Path staging = Files.createDirectories(dir.resolve(".archivist-restore-storage-storage_backup_20260101T000000.000Z"));
        Files.writeString(staging.resolve("f"), "x");

        RotationResult dry = service.rotate(true);
        assertThat(dry.removedLeftovers()).containsExactly(staging.toString());

        RotationResult real = service.rotate(false);
        assertThat(staging).doesNotExist();
        assertThat(real.removedLeftovers()).containsExactly(staging.toString());
    }
}
