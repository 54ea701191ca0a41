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
        }
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
