package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.catalog.Manifest;
import dev.archivist.source.SqliteSnapshot;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code DATABASE_URL} naming a symlink (the database on a data volume): SQLite reads and writes the file behind the
 * link, so a restore that writes the database as a new file (the live file is gone, or damaged) must put it there too.
 * Renaming it over the link replaced the link with a regular file and left the real location without a database.
 */
class SymlinkedDatabaseRestoreTest {
    @TempDir
    Path dir;

    @Test
    void aRestoreOfAMissingDatabaseBehindASymlinkWritesTheFileTheLinkLeadsTo() throws Exception {
        Path real = realBehindLink();
        Fixture f = new Fixture(dir).database(300);
        Manifest backup = f.service().backupDatabase(false);
        List<String> backedUp = Fixture.rows(real);
        for (String suffix : List.of("", "-wal", "-shm")) {
            Files.deleteIfExists(real.resolveSibling(real.getFileName() + suffix));
        }

        Fixture.Run r = f.cli("restore", "database", backup.id(), "--yes");

        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(f.db).isSymbolicLink();
        assertThat(Fixture.rows(real)).isEqualTo(backedUp);
        assertThat(Fixture.names(dir)).noneMatch(n -> n.startsWith(".archivist-restore-"));
    }

    @Test
    void aDamagedDatabaseBehindASymlinkIsReplacedWhereItIs() throws Exception {
        Path real = realBehindLink();
        Fixture f = new Fixture(dir).database(3000);
        Manifest backup = f.service().backupDatabase(false);
        List<String> backedUp = Fixture.rows(real);
        try (RandomAccessFile raf = new RandomAccessFile(real.toFile(), "rw")) {
            byte[] junk = new byte[10 * 4096];
            Arrays.fill(junk, (byte) 0xAB);
            raf.seek(2 * 4096);
            raf.write(junk);
        }
        assertThat(SqliteSnapshot.check(real, false)).as("the live database is damaged").isNotEmpty();

        Fixture.Run r = f.cli("restore", "database", backup.id(), "--yes");

        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(f.db).isSymbolicLink();
        assertThat(Fixture.rows(real)).isEqualTo(backedUp);
        assertThat(Fixture.names(real.getParent())).anyMatch(n -> n.startsWith("real.db.damaged-before-restore-"));
    }

    /**
     * A link into a folder that does not exist (its data volume not mounted, the link leading into a folder of it):
     * SQLite never makes folders, so the application cannot have used that place. The restore made the folders on
     * whatever file system lay below and wrote the database there, hidden once the volume is mounted; it is refused,
     * naming the link and where it leads, with nothing made (a whole restore too).
     */
    @Test
    void aLinkIntoAFolderThatDoesNotExistIsRefusedAndNothingIsMade() throws Exception {
        Path real = realBehindLink();
        Fixture f = new Fixture(dir).database(30).storage(3, 1_000);
        Manifest full = f.service().backupFull(false, null);
        Files.delete(f.db);
        for (String suffix : List.of("-wal", "-shm")) {
            Files.deleteIfExists(real.resolveSibling(real.getFileName() + suffix));
        }
        Path unmounted = dir.resolve("unmounted");
        Files.createSymbolicLink(f.db, unmounted.resolve("app/real.db"));
        java.util.Map<String, String> storage = Fixture.tree(f.storage);

        for (String type : new String[] {"database", "full"}) {
            Fixture.Run r = f.cli("restore", type, full.id(), "--yes");
            assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
            assertThat(r.stderr()).as(type).contains("the database " + f.db + " is a symlink to "
                    + unmounted.resolve("app/real.db") + ", whose folder does not exist");
            assertThat(unmounted).as(type).doesNotExist();
            assertThat(Fixture.tree(f.storage)).as(type + ": the live storage folder").isEqualTo(storage);
        }
    }

    /** {@code app.db} is a relative symlink to {@code volume/real.db}; returns the real file's path. */
    private Path realBehindLink() throws Exception {
        Path volume = Files.createDirectories(dir.resolve("volume"));
        Files.createSymbolicLink(dir.resolve("app.db"), Path.of("volume/real.db"));
        return volume.resolve("real.db");
    }
}
