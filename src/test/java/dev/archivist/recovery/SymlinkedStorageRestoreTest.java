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

/**
 * {@code STORAGE_PATH} is often a symlink to the data volume ({@code /srv/app/storage -> /mnt/data/storage}); the
 * backup reads the folder through it. The live restore swapped the link itself: the restored tree landed where the
 * link was (on the link's file system), the link was renamed aside, and the real folder on the data volume, which
 * anything else using it still sees, kept the data the restore was meant to replace.
 */
class SymlinkedStorageRestoreTest {
    @TempDir
    Path dir;

    @Test
    void aLiveRestoreReplacesTheFolderTheLinkLeadsToAndKeepsTheLink() throws Exception {
        Fixture f = new Fixture(dir).storage(7, 10_000);
        Path volume = Files.createDirectories(dir.resolve("volume"));
        Path real = volume.resolve("storage");
        Files.move(f.storage, real);
        Files.createSymbolicLink(f.storage, real);
        Map<String, String> before = Fixture.tree(real);
        BackupService service = f.service();
        Manifest backup = service.backupStorage(false, null);

        Files.writeString(real.resolve("documents/added after the backup.txt"), "new");
        Files.delete(real.resolve("latest.txt"));

        RestoreResult result = service.restoreStorage(backup.id(), null, List.of(), true);

        assertThat(Files.isSymbolicLink(f.storage)).as("STORAGE_PATH is still the link").isTrue();
        assertThat(Files.readSymbolicLink(f.storage)).isEqualTo(real);
        assertThat(Fixture.tree(real)).isEqualTo(before);
        assertThat(Path.of(result.safetyCopy())).hasParent(volume);
        assertThat(Path.of(result.safetyCopy()).resolve("documents/added after the backup.txt")).hasContent("new");
        try (var beside = Files.list(dir)) {
            assertThat(beside.map(p -> p.getFileName().toString())).as("nothing restored beside the link")
                    .noneMatch(n -> n.contains("before-restore") || n.startsWith(".archivist-restore-"));
        }

        // a newer backup lets rotation remove the folder moved aside, beside the real folder
        service.backupStorage(true, null);
        assertThat(Path.of(result.safetyCopy())).doesNotExist();
        assertThat(Fixture.tree(real)).isEqualTo(before);
    }

    /**
     * The link to a data volume that is not mounted leads nowhere: the restore is refused naming the link and where it
     * leads before anything is extracted (it extracted the whole backup beside the link, then failed its swap with
     * "Not a directory"), and the link and the folder it names are left as they are, for a whole restore too.
     */
    @Test
    void aLiveRestoreThroughALinkThatLeadsNowhereIsRefusedBeforeAnythingIsExtracted() throws Exception {
        Fixture f = new Fixture(dir).database(20).storage(7, 10_000);
        Manifest full = f.service().backupFull(false, null);
        Path real = dir.resolve("unmounted-volume/storage");
        dev.archivist.catalog.Durable.deleteTree(f.storage);
        Files.createSymbolicLink(f.storage, real);
        List<String> rows = Fixture.rows(f.db);

        for (String type : new String[] {"storage", "full"}) {
            Fixture.Run r = f.cli("restore", type, full.id(), "--yes");
            assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
            assertThat(r.stderr()).as(type).contains("the storage folder " + f.storage + " is a symlink that leads to no"
                    + " folder (-> " + real + ")");
            assertThat(r.stderr()).as(type).doesNotContain("Not a directory");
            assertThat(Files.readSymbolicLink(f.storage)).isEqualTo(real);
            assertThat(dir.resolve("unmounted-volume")).doesNotExist();
            assertThat(Fixture.rows(f.db)).as(type + ": the live database").isEqualTo(rows);
            try (var beside = Files.list(dir)) {
                assertThat(beside.map(p -> p.getFileName().toString())).as(type + ": nothing left beside the link")
                        .noneMatch(n -> n.contains("before-restore") || n.startsWith(".archivist-restore-"));
            }
        }
    }
}
