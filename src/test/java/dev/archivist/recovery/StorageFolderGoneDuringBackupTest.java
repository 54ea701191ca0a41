package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archivist.ArchivistException;
import dev.archivist.BackupType;
import dev.archivist.archive.ProgressListener;
import dev.archivist.catalog.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage folder removed or swapped for another while a backup runs (a volume unmounted, a deploy that replaces
 * the folder): the walk goes on through its open folders and sees their files vanish, so the archive would hold a
 * fraction of the data. It exited 0 with most files "skipped", and a rotation then removed the last complete backup.
 * Now the backup fails naming the folder, keeps nothing, and leaves the earlier backups alone.
 */
class StorageFolderGoneDuringBackupTest {
    @TempDir
    Path dir;

    @Test
    void aStorageFolderRemovedDuringTheBackupFailsIt() throws Exception {
        Fixture f = new Fixture(dir).storage(5, 50_000);
        Manifest earlier = f.service().backupStorage(false, null);
        Path movedAway = dir.resolve("moved-away");
        assertThatThrownBy(() -> f.service().backupStorage(true, onFirstFile(() -> Files.move(f.storage, movedAway))))
                .isInstanceOf(ArchivistException.class)
                .hasMessageContaining("storage folder " + f.storage + " was removed while the backup ran");
        assertOnly(f, earlier);
    }

    @Test
    void aStorageFolderReplacedDuringTheBackupFailsIt() throws Exception {
        Fixture f = new Fixture(dir).storage(6, 50_000);
        Manifest earlier = f.service().backupStorage(false, null);
        Path old = dir.resolve("old-release");
        assertThatThrownBy(() -> f.service().backupStorage(true, onFirstFile(() -> {
            Files.move(f.storage, old);
            Files.createDirectories(f.storage);
        }))).isInstanceOf(ArchivistException.class).hasMessageContaining("was replaced by another folder");
        assertOnly(f, earlier);
    }

    /** A file put at the storage folder's name (a deploy gone wrong) is named as a file, not as "another folder". */
    @Test
    void aStorageFolderReplacedByAFileDuringTheBackupFailsNamingTheFile() throws Exception {
        Fixture f = new Fixture(dir).storage(6, 50_000);
        Manifest earlier = f.service().backupStorage(false, null);
        Path old = dir.resolve("old-release");
        assertThatThrownBy(() -> f.service().backupStorage(true, onFirstFile(() -> {
            Files.move(f.storage, old);
            Files.writeString(f.storage, "not a folder");
        }))).isInstanceOf(ArchivistException.class)
                .hasMessageContaining("storage folder " + f.storage + " was replaced by a file while the backup ran");
        Files.delete(f.storage);
        Files.move(old, f.storage); // the configuration checks it is a folder
        assertOnly(f, earlier);
    }

    private interface Action {
        void run() throws Exception;
    }

    /** A progress listener that runs {@code action} once, when the first file has been stored. */
    private static ProgressListener onFirstFile(Action action) {
        AtomicBoolean done = new AtomicBoolean();
        return (bytes, files) -> {
            if (files > 0 && done.compareAndSet(false, true)) {
                try {
                    action.run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    private static void assertOnly(Fixture f, Manifest earlier) throws Exception {
        assertThat(f.service().list(BackupType.STORAGE)).extracting(Manifest::id).containsExactly(earlier.id());
        try (Stream<Path> files = Files.list(f.backups.resolve("storage"))) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            assertThat(names).allMatch(n -> n.startsWith(earlier.id()), "only the earlier backup's files: " + names);
        }
    }
}
