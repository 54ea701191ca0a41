package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backup full} says what its storage part stored and skipped, as {@code backup storage} does (it printed only
 * the ids and a size, so a backup that skipped files looked like any other); an empty catalog lists no header.
 */
class FullBackupOutputTest {
    @TempDir
    Path dir;

    @Test
    void theStoragePartsCountsAndSkipsAreShown() throws Exception {
        Fixture f = new Fixture(dir).database(5).storage(7, 1000);
        try (ServerSocketChannel socket = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            socket.bind(UnixDomainSocketAddress.of(f.storage.resolve("app.sock"))); // skipped: not archivable

            Fixture.Run r = f.cli("backup", "full", "--no-rotate");

            assertThat(r.exitCode()).as(r.describe()).isZero();
            List<String> lines = r.stdout().lines().toList();
            assertThat(lines.get(0)).startsWith("created full_backup_");
            assertThat(lines.get(1)).startsWith("  storage part: storage_backup_").contains(" files, ").contains("1 skipped");
            var logged = f.process().run("backup", "storage", "--no-rotate");
            assertThat(logged.stderr()).as(logged.describe()).contains("WARN")
                    .contains("1 entry was not stored (see skipped in the manifest), e.g. app.sock");
        }
    }

    /**
     * Both parts committed, then the full manifest cannot be written (a full disk, say): the failure says so and names
     * the two parts kept as ordinary backups, as a failed part's message does (it named only the file that failed).
     */
    @Test
    void aFailedFullManifestNamesTheStepAndThePartsKept() throws Exception {
        Fixture f = new Fixture(dir).database(5).storage(8, 1000);
        Path fullDir = f.backups.resolve("full");
        java.util.concurrent.atomic.AtomicBoolean blocked = new java.util.concurrent.atomic.AtomicBoolean();
        dev.archivist.archive.ProgressListener blockFullDir = (bytes, files) -> {
            if (files > 0 && blocked.compareAndSet(false, true)) { // while the storage part runs
                try {
                    java.nio.file.Files.delete(fullDir);
                    java.nio.file.Files.writeString(fullDir, "not a folder");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.service().backupFull(false, blockFullDir))
                .isInstanceOf(dev.archivist.ArchivistException.class)
                .hasMessageContaining("full backup failed: writing its manifest: ")
                .hasMessageMatching("(?s).*the database part db_backup_\\S+ and the storage part storage_backup_\\S+ were kept as ordinary backups.*");
        assertThat(f.service().list(dev.archivist.BackupType.DATABASE)).hasSize(1);
        assertThat(f.service().list(dev.archivist.BackupType.STORAGE)).hasSize(1);
    }

    @Test
    void anEmptyCatalogSaysSoWithoutAHeader() throws Exception {
        Fixture f = new Fixture(dir).database(5);
        Fixture.Run r = f.cli("list");
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout().strip()).startsWith("no backups in").doesNotContain("CREATED");
        // a BACKUP_DIR that does not exist (a typo, say) is named on stderr by list and stats; stdout stays the same
        for (String command : new String[] {"list", "stats"}) {
            Fixture.Run missing = f.cli(command);
            assertThat(missing.exitCode()).isZero();
            assertThat(missing.stderr()).as(command).contains("BACKUP_DIR " + f.backups + " does not exist");
        }
        f.service().backupDatabase(false);
        assertThat(f.cli("list").stderr()).doesNotContain("does not exist");
    }
}
