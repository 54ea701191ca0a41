package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.BackupService;
import dev.archivist.catalog.Manifest;
import dev.archivist.catalog.VerificationRecords;
import dev.archivist.verify.VerifyReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify --all} beside a rotation in another process: a backup listed, then removed before or while it is
 * verified, is not a failed backup ("missing part", exit 1) and gets no verification record (records of removed
 * backups piled up, never cleaned). A backup that lost a part but still has its manifest is a failed one, as before.
 */
class VerifyDuringRotationTest {
    @TempDir
    Path dir;

    @Test
    void aBackupRemovedWhileVerifiedIsToldApartFromAFailedOne() throws Exception {
        Fixture f = new Fixture(dir).storage(7, 30_000);
        BackupService service = f.service();
        Manifest removed = service.backupStorage(false, null);
        Manifest damaged = service.backupStorage(false, null);
        Path storageDir = f.backups.resolve("storage");
        try (Stream<Path> files = Files.list(storageDir)) { // what a rotation in another process does
            for (Path p : files.filter(p -> p.getFileName().toString().startsWith(removed.id())).toList()) {
                Files.delete(p);
            }
        }
        Files.delete(storageDir.resolve(damaged.parts().get(0).path()));

        VerifyReport gone = service.verify(removed, true);
        assertThat(gone.clean()).isFalse();
        assertThat(service.removedWhileVerified(removed, gone)).isTrue();
        assertThat(VerificationRecords.read(service.catalog().stateDir(), removed.id())).as("no record for it").isNull();

        VerifyReport failed = service.verify(damaged, true);
        assertThat(failed.clean()).isFalse();
        assertThat(service.removedWhileVerified(damaged, failed)).isFalse();
        assertThat(VerificationRecords.read(service.catalog().stateDir(), damaged.id()).clean()).isFalse();
    }
}
