package dev.archivist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.BackupService;
import dev.archivist.BackupType;
import dev.archivist.catalog.Manifest;
import dev.archivist.config.SettingsLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code list} leaves out a backup whose manifest it read just before another process's rotation removed it (the row
 * said BROKEN, files missing), and still shows a backup whose files are missing under its manifest as broken.
 */
class ListRowOfRemovedBackupTest {
    @TempDir
    Path dir;

    @Test
    void aBackupRemovedWhileListedHasNoRowAndABrokenOneIsBroken() throws Exception {
        Path storage = Files.createDirectories(dir.resolve("storage"));
        Files.writeString(storage.resolve("a.txt"), "a");
        BackupService service = new BackupService(SettingsLoader.load(Map.of("STORAGE_PATH", storage.toString(),
                "BACKUP_DIR", dir.resolve("backups").toString(), "DATABASE_URL", dir.resolve("app.db").toString()),
                null, false, Map.of()), Clock.systemUTC(), n -> { });
        Manifest removed = service.backupStorage(false, null);
        Manifest damaged = service.backupStorage(false, null);

        service.catalog().delete(removed); // after this listing read its manifest
        assertThat(ListCommand.describe(service.catalog(), removed)).as("gone: no row").isNull();

        Files.delete(service.catalog().dir(BackupType.STORAGE).resolve(damaged.indexFile()));
        var row = ListCommand.describe(service.catalog(), damaged);
        assertThat(row).isNotNull();
        assertThat(row.path("broken").asBoolean()).isTrue();
        assertThat(row.path("missing_files")).isNotEmpty();
    }
}
