package dev.archivist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.archivist.BackupService;
import dev.archivist.BackupType;
import dev.archivist.archive.ProgressListener;
import dev.archivist.catalog.Manifest;
import dev.archivist.config.SettingsLoader;
import dev.archivist.testing.TestDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code list}'s size is what a backup holds on disk: a part deleted by hand made the backup broken but was still
 * counted (its recorded size), in the storage backup's row and in its full backup's; so was {@code stats}' total. A
 * part truncated to 1 KB likewise counted at its recorded size.
 */
class ListSizeOfMissingFilesTest {
    @TempDir
    Path dir;

    @Test
    void aMissingPartIsNotCountedInTheSizeOfItsBackupNorOfItsFullBackup() throws Exception {
        Taken t = takeFullBackup();
        BackupService service = t.service();
        Manifest part = t.storage();
        long index = t.index();
        Files.delete(service.catalog().dir(BackupType.STORAGE).resolve(part.parts().get(0).path()));

        ObjectNode storageRow = ListCommand.describe(service.catalog(), part);
        assertThat(storageRow.path("broken").asBoolean()).isTrue();
        assertThat(storageRow.path("total_size").asLong()).as("the index only").isEqualTo(index);
        ObjectNode fullRow = ListCommand.describe(service.catalog(), t.full());
        assertThat(fullRow.path("broken").asBoolean()).isTrue();
        assertThat(fullRow.path("total_size").asLong()).isEqualTo(t.database().storedBytes() + index);
        assertThat(service.stats().totalBytes()).isEqualTo(t.database().storedBytes() + index);
    }

    @Test
    void aTruncatedPartCountsAtItsSizeOnDiskInItsBackupItsFullBackupAndStats() throws Exception {
        Taken t = takeFullBackup();
        BackupService service = t.service();
        Manifest part = t.storage();
        long index = t.index();
        assertThat(part.parts().get(0).size()).isGreaterThan(1000);
        try (var ch = java.nio.channels.FileChannel.open(service.catalog().dir(BackupType.STORAGE)
                .resolve(part.parts().get(0).path()), java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(1000);
        }

        ObjectNode storageRow = ListCommand.describe(service.catalog(), part);
        assertThat(storageRow.path("broken").asBoolean()).isTrue();
        assertThat(storageRow.path("resized_files")).hasSize(1);
        assertThat(storageRow.path("total_size").asLong()).as("the part as it is and the index").isEqualTo(1000 + index);
        ObjectNode fullRow = ListCommand.describe(service.catalog(), t.full());
        assertThat(fullRow.path("total_size").asLong()).isEqualTo(t.database().storedBytes() + 1000 + index);
        assertThat(service.stats().totalBytes()).isEqualTo(t.database().storedBytes() + 1000 + index);
    }

    /** A full backup of a small storage folder and database, and the service that took it. */
    private record Taken(BackupService service, Manifest full, Manifest storage, Manifest database) {
        /** The size of the storage backup's per-file index. */
        long index() {
            return storage.json().path("index").path("size").asLong();
        }
    }

    private Taken takeFullBackup() throws Exception {
        Path storage = Files.createDirectories(dir.resolve("storage"));
        Files.write(storage.resolve("a.bin"), new java.util.Random(1).ints(20_000).mapToObj(Integer::toString)
                .reduce("", String::concat).getBytes());
        Path db = TestDb.create(dir.resolve("app.db"), TestDb.Mode.WAL, 20, 20);
        BackupService service = new BackupService(SettingsLoader.load(Map.of("DATABASE_URL", db.toString(),
                "STORAGE_PATH", storage.toString(), "BACKUP_DIR", dir.resolve("backups").toString()),
                dir.resolve("none.env"), false, Map.of()));
        Manifest full = service.backupFull(false, ProgressListener.NONE);
        return new Taken(service, full, service.find(full.componentId(BackupType.STORAGE), BackupType.STORAGE),
                service.find(full.componentId(BackupType.DATABASE), BackupType.DATABASE));
    }
}
