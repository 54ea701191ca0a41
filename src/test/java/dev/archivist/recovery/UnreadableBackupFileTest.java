package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.archivist.BackupType;
import dev.archivist.catalog.Json;
import dev.archivist.catalog.Manifest;
import dev.archivist.testing.CliProcess;
import dev.archivist.testing.TestDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup with a part this user may not read (another user's: a backup taken by root, checked by the application's
 * user) is one this process cannot check, not a damaged one: verify and restore say so, naming the file and the
 * permission, and record nothing. They used to read on past it, report the archive cut short ("whole-archive SHA-256
 * differs", not naming the part) and record the backup as damaged, so latest and rotation passed over a sound backup.
 */
class UnreadableBackupFileTest {
    @TempDir
    Path dir;

    @Test
    void aPartThisUserCannotReadIsNamedAndTheBackupIsNotRecordedAsDamaged() throws Exception {
        Assumptions.assumeTrue(!CliProcess.runningAsRoot() || TestDb.onPath("setpriv"),
                "running as root without setpriv: permission bits do not bind");
        Fixture f = new Fixture(dir).set("BACKUP_MAX_SIZE_MB", "1").set("BACKUP_CHUNK_SIZE_MB", "1")
                .database(200).storage(7, 2_400_000);
        Fixture.Run made = f.cli("backup", "storage", "--no-rotate");
        assertThat(made.exitCode()).as(made.describe()).isZero();
        Manifest storage = f.service().list(BackupType.STORAGE).get(0);
        assertThat(storage.parts()).hasSizeGreaterThan(2);
        Path part = f.backups.resolve("storage").resolve(storage.parts().get(1).path());
        Files.setPosixFilePermissions(part, PosixFilePermissions.fromString("---------"));
        List<String> unprivileged = CliProcess.withoutPermissionBypass("-dac_override,-dac_read_search");

        for (String[] args : new String[][] {{"verify", storage.id()}, {"verify", "--all", "--json"},
                {"restore", "storage", storage.id(), "--target", dir.resolve("out").toString()}}) {
            CliProcess.Result r = f.process().startWrapped(unprivileged, args).await(Duration.ofMinutes(2));
            assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
            assertThat(r.stdout() + r.stderr()).as(r.describe()).contains("permission denied: " + part)
                    .doesNotContain("SHA-256").doesNotContain("\tat ");
        }
        assertThat(dir.resolve("out")).doesNotExist();
        JsonNode rows = Json.MAPPER.readTree(f.cli("list", "--json").stdout());
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).path("last_verified").isNull()).as("nothing recorded: " + rows).isTrue();

        Files.setPosixFilePermissions(part, PosixFilePermissions.fromString("rw-------"));
        assertThat(f.cli("verify", storage.id()).exitCode()).isZero();
    }
}
