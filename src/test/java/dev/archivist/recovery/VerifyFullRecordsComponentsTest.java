package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.BackupType;
import dev.archivist.catalog.Manifest;
import dev.archivist.catalog.VerificationRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifying a full backup checks its components, so their own records say so: {@code list} shows them verified and
 * rotation's "newest verified" counts them. (They stayed "never" verified.)
 */
class VerifyFullRecordsComponentsTest {
    @TempDir
    Path dir;

    @Test
    void aFullVerificationIsRecordedForEachComponentWithItsOwnResult() throws Exception {
        Fixture f = new Fixture(dir).database(10).storage(3, 1000);
        Manifest full = f.service().backupFull(false, null);
        String db = full.component(BackupType.DATABASE).path("id").asText();
        String storage = full.component(BackupType.STORAGE).path("id").asText();

        Fixture.Run clean = f.cli("verify", full.id());
        assertThat(clean.exitCode()).as(clean.describe()).isZero();
        for (String id : new String[] {full.id(), db, storage}) {
            assertThat(VerificationRecords.read(f.backups.resolve(".archivist"), id)).as(id).isNotNull()
                    .satisfies(r -> assertThat(r.clean()).isTrue());
        }

        Manifest storageManifest = f.service().find(storage, BackupType.STORAGE);
        Path part = f.backups.resolve("storage").resolve(storageManifest.parts().get(0).path());
        byte[] bytes = Files.readAllBytes(part);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(part, bytes);
        Fixture.Run damaged = f.cli("verify", full.id());
        assertThat(damaged.exitCode()).as(damaged.describe()).isEqualTo(1);
        assertThat(VerificationRecords.read(f.backups.resolve(".archivist"), storage).clean()).isFalse();
        assertThat(VerificationRecords.read(f.backups.resolve(".archivist"), db).clean()).as("its database is fine").isTrue();
        assertThat(VerificationRecords.read(f.backups.resolve(".archivist"), full.id()).clean()).isFalse();
    }
}
