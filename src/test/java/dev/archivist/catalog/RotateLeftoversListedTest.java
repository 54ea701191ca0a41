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

    /**
     * While another command holds the lock (a backup writing its temporary parts), those files are its work in
     * progress, not the leftovers of an interrupted run: the real rotate waits for the lock and never removes them.
     */
    @Test
    void theDryRunListsNoFilesOfABackupStillRunning() throws Exception {
        Settings settings = settings();
        java.util.List<String> notices = new java.util.concurrent.CopyOnWriteArrayList<>();
        BackupService service = new BackupService(settings, Clock.systemUTC(), notices::add);
        service.backupStorage(false, null);
        Path running = settings.backupDir().resolve("storage/.tmp-storage_backup_20990101T000000.000Z.tar.zst.part001");
        Files.writeString(running, "being written");
        Path lockFile = settings.backupDir().resolve(".archivist/lock");
        java.util.concurrent.CompletableFuture<RotationResult> dry;
        try (DirectoryLock held = DirectoryLock.acquire(lockFile, java.time.Duration.ofSeconds(5), "backup storage", w -> { })) {
            dry = java.util.concurrent.CompletableFuture.supplyAsync(() -> service.rotate(true)); // another thread
            assertThat(dry.get().removedLeftovers()).isEmpty();
        }
        assertThat(notices).anyMatch(n -> n.contains("holds the lock"));
        assertThat(running).exists();
        assertThat(service.rotate(true).removedLeftovers()).containsExactly(running.toString()); // once it is free
    }
}
