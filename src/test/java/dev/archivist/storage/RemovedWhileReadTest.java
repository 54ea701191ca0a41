package dev.archivist.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archivist.ArchivistException;
import dev.archivist.BackupService;
import dev.archivist.BackupType;
import dev.archivist.NotFoundException;
import dev.archivist.StorageDump;
import dev.archivist.StorageFiles;
import dev.archivist.catalog.Manifest;
import dev.archivist.config.SettingsLoader;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ls}, {@code diff} and {@code dump} take no lock: a rotation in another process may remove the backup they
 * read (its manifest first, then its parts and index). What is missing then is no damage: they said "damaged?
 * archivist verify" or "the index is missing" of a backup that was merely rotated away, as {@code verify} does not.
 * A part missing under a manifest that is still there is damage, as before.
 */
class RemovedWhileReadTest {
    @TempDir
    Path dir;

    private BackupService service() throws Exception {
        Path storage = Files.createDirectories(dir.resolve("storage"));
        Files.writeString(storage.resolve("a.txt"), "a");
        return new BackupService(SettingsLoader.load(Map.of("DATABASE_URL", dir.resolve("app.db").toString(),
                "STORAGE_PATH", storage.toString(), "BACKUP_DIR", dir.resolve("backups").toString()), null, false,
                Map.of()), Clock.systemUTC(), n -> { });
    }

    @Test
    void aBackupRotatedAwayWhileDumpedIsRemovedNotDamaged() throws Exception {
        BackupService service = service();
        Manifest m = service.backupStorage(false, null);
        StorageFiles files = service.files(m.id(), List.of());
        var entry = StorageDump.find(files, "a.txt");

        service.catalog().delete(m); // a rotation elsewhere, after dump read the manifest and the index

        assertThatThrownBy(() -> StorageDump.write(files, entry, new ByteArrayOutputStream()))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("was removed while it was read").hasMessageNotContaining("damaged");
    }

    @Test
    void aBackupRotatedAwayWhileListedIsRemovedNotAMissingIndex() throws Exception {
        BackupService service = service();
        Manifest m = service.backupStorage(false, null);
        StorageFiles files = service.files(m.id(), List.of());

        service.catalog().delete(m);

        assertThatThrownBy(() -> files.forEach(e -> { }))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("was removed while it was read");
    }

    @Test
    void aPartMissingUnderItsManifestIsStillDamage() throws Exception {
        BackupService service = service();
        Manifest m = service.backupStorage(false, null);
        StorageFiles files = service.files(m.id(), List.of());
        var entry = StorageDump.find(files, "a.txt");
        Files.delete(service.catalog().dir(BackupType.STORAGE).resolve(m.parts().get(0).path()));

        assertThatThrownBy(() -> StorageDump.write(files, entry, new ByteArrayOutputStream()))
                .isInstanceOf(ArchivistException.class).isNotInstanceOf(NotFoundException.class)
                .hasMessageContaining("damaged?");
        assertThat(service.files(m.id(), List.of()).missingParts()).hasSize(1);
    }
}
