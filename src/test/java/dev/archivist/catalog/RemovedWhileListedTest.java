package dev.archivist.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.BackupService;
import dev.archivist.BackupType;
import dev.archivist.config.SettingsLoader;
import dev.archivist.testing.TestDb;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A listing made while another process's rotation removes backups (their manifests first, a full backup's before its
 * components' files) does not call them broken: {@code list} and {@code stats} showed BROKEN rows and counted broken
 * backups during every ordinary rotation, which a monitor alerts on. A backup whose files are missing while its
 * manifest is still there is broken, as before.
 */
class RemovedWhileListedTest {
    @TempDir
    Path dir;

    @Test
    void aBackupRemovedAfterItsManifestWasReadIsGoneNotBroken() throws Exception {
        Path db = TestDb.create(dir.resolve("app.db"), TestDb.Mode.WAL, 50, 50);
        Path storage = Files.createDirectories(dir.resolve("storage"));
        Files.writeString(storage.resolve("a.txt"), "a");
        BackupService service = new BackupService(SettingsLoader.load(Map.of("DATABASE_URL", db.toString(),
                "STORAGE_PATH", storage.toString(), "BACKUP_DIR", dir.resolve("backups").toString()), null, false, Map.of()),
                Clock.systemUTC(), n -> { });
        Manifest full = service.backupFull(false, null);
        Manifest storageBackup = service.find(full.componentId(BackupType.STORAGE), BackupType.STORAGE);
        Catalog catalog = service.catalog();
        Map<String, Manifest> read = Map.of(full.id(), full, storageBackup.id(), storageBackup,
                full.componentId(BackupType.DATABASE), service.find(full.componentId(BackupType.DATABASE), BackupType.DATABASE));

        // a rotation elsewhere removes the full backup, then its components, after this listing read the manifests
        catalog.delete(full);
        catalog.delete(storageBackup);
        Catalog.Completeness gone = catalog.completeness(full, id -> Optional.ofNullable(catalog.findById(id).orElse(null)));
        assertThat(gone.removed()).isTrue();
        assertThat(gone.broken()).as("gone, not broken").isFalse();
        assertThat(catalog.completeness(storageBackup, id -> Optional.ofNullable(read.get(id))).broken()).isFalse();

        // files missing under a manifest that is still there: broken, as before
        Manifest second = service.backupStorage(false, null);
        Files.delete(catalog.dir(BackupType.STORAGE).resolve(second.indexFile()));
        Catalog.Completeness broken = catalog.completeness(second, id -> Optional.empty());
        assertThat(broken.removed()).isFalse();
        assertThat(broken.broken()).isTrue();
    }

    /**
     * A manifest the folder listing found and a rotation elsewhere removed before it was read is left out without a
     * word: {@code list} and {@code stats} run during a rotation logged "skipping unreadable manifest …: no such file or
     * directory" warnings, dozens per run, for backups that were only removed. One that cannot be parsed is still named.
     */
    @Test
    void aManifestRemovedBeforeItWasReadIsNotCalledUnreadable() throws Exception {
        Catalog catalog = new Catalog(dir.resolve("backups"));
        catalog.ensureLayout();
        Path gone = catalog.dir(BackupType.DATABASE).resolve("db_backup_20261207T120000.000Z.json");
        Path garbled = Files.writeString(catalog.dir(BackupType.DATABASE).resolve("db_backup_20261207T130000.000Z.json"), "{");

        Logger logger = (Logger) LoggerFactory.getLogger(Catalog.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        try {
            assertThat(Catalog.readListed(gone, BackupType.DATABASE)).isNull();
            assertThat(Catalog.readListed(garbled, BackupType.DATABASE)).isNull();
        } finally {
            logger.detachAppender(events);
        }

        List<String> warnings = events.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(warnings).noneMatch(w -> w.contains(gone.toString()));
        assertThat(warnings).anyMatch(w -> w.contains("unreadable manifest") && w.contains(garbled.toString()));
    }
}
