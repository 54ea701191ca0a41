package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.catalog.Manifest;
import dev.archivist.testing.TestDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database backup whose stored file was replaced by another sound SQLite database, every checksum recomputed to
 * match (a confused operator's copy, or an attacker's): verify finds it by its decompressed size, and a restore, which
 * verifies first, refuses it as verify does. (The restore wrote the other database, into a new file or over the live
 * one, while {@code verify} of the same backup failed.)
 */
class AnotherDatabaseInABackupTest {
    @TempDir
    Path dir;

    @Test
    void aRestoreRefusesAnotherDatabaseThatVerifyRefuses() throws Exception {
        for (String codec : List.of("zstd", "none")) {
            Fixture f = new Fixture(Files.createDirectories(dir.resolve(codec))).set("BACKUP_COMPRESSION", codec)
                    .database(300);
            Manifest m = f.service().backupDatabase(false);
            Path other = TestDb.create(f.root.resolve("other.db"), TestDb.Mode.ROLLBACK, 3, 10);
            ForgedBackup.replaceDatabaseFile(f.backups, m, other);

            Fixture.Run verify = f.cli("verify", m.id());
            assertThat(verify.exitCode()).as(codec + ": " + verify.describe()).isEqualTo(1);

            Path target = f.root.resolve("restored.db");
            for (List<String> extra : List.of(List.<String>of(), List.of("--no-verify"))) {
                Fixture.Run intoTarget = f.cli(concat(List.of("restore", "database", m.id(), "--target", target.toString()), extra));
                assertThat(intoTarget.exitCode()).as(codec + " " + extra + ": " + intoTarget.describe()).isEqualTo(1);
                assertThat(intoTarget.stderr()).contains(m.id()).contains("manifest records");
                assertThat(target).doesNotExist();
            }
            List<String> rows = Fixture.rows(f.db);
            byte[] live = Files.readAllBytes(f.db);
            Fixture.Run overLive = f.cli("restore", "database", m.id(), "--yes");
            assertThat(overLive.exitCode()).as(codec + ": " + overLive.describe()).isEqualTo(1);
            assertThat(Fixture.rows(f.db)).isEqualTo(rows);
            assertThat(Files.readAllBytes(f.db)).isEqualTo(live);
        }
    }

    private static String[] concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toArray(String[]::new);
    }
}
