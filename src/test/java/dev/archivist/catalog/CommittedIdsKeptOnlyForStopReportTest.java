package dev.archivist.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.BackupService;
import dev.archivist.BackupType;
import dev.archivist.config.Settings;
import dev.archivist.config.SettingsLoader;
import dev.archivist.schedule.BackupScheduler;
import dev.archivist.testing.TestDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalog of a daemon or of an application's {@link BackupService} lives as long as the process, for months: it
 * kept the id of every backup it ever committed (for the stop report of a one-shot command, which a daemon never
 * prints), one more at each job, while rotation removed the backups themselves.
 */
class CommittedIdsKeptOnlyForStopReportTest {
    @TempDir
    Path dir;

    private Settings settings() throws Exception {
        Path db = TestDb.create(dir.resolve("app.db"), TestDb.Mode.WAL, 50, 50);
        Files.createDirectories(dir.resolve("storage"));
        return SettingsLoader.load(Map.of("DATABASE_URL", "sqlite:///" + db, "STORAGE_PATH", dir.resolve("storage").toString(),
                "BACKUP_DIR", dir.resolve("backups").toString(), "MAX_BACKUPS", "2"), dir.resolve(".env"), false, Map.of());
    }

    @Test
    void aSchedulersJobsLeaveNothingBehindInItsCatalog() throws Exception {
        try (BackupScheduler scheduler = new BackupScheduler(settings())) {
            for (int job = 0; job < 6; job++) {
                assertThat(scheduler.trigger("database").succeeded()).isTrue();
                assertThat(scheduler.trigger("rotation").succeeded()).isTrue();
            }
            assertThat(scheduler.service().list(BackupType.DATABASE)).hasSize(2);
            assertThat(scheduler.service().catalog().committed()).isEmpty();
        }
    }

    @Test
    void aOneShotProcessStillNamesTheBackupsItCompleted() throws Exception {
        BackupService service = new BackupService(settings());
        service.sweepOnShutdown(what -> { });
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(service.backupDatabase(false).id());
        }
        assertThat(service.catalog().committed()).containsExactlyElementsOf(ids);
    }
}
