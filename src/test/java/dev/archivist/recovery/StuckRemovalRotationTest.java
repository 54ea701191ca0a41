package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.BackupService;
import dev.archivist.BackupType;
import dev.archivist.catalog.Manifest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One backup rotation cannot remove (its manifest marked immutable here; a file another client of a network share
 * holds open) does not keep every older one: rotation stopped at the first failure, newest first, so every run failed
 * at the same backup and the catalog grew until the disk was full. It now removes what it can and fails naming the
 * backups it could not remove.
 */
class StuckRemovalRotationTest {
    @TempDir
    Path dir;

    private static boolean chattr(String flag, Path file) throws Exception {
        try {
            return new ProcessBuilder("chattr", flag, file.toString()).redirectErrorStream(true).start().waitFor() == 0;
        } catch (java.io.IOException e) {
            return false; // no chattr here
        }
    }

    @Test
    void theBackupsOlderThanOneThatCannotBeRemovedAreRemoved() throws Exception {
        Fixture f = new Fixture(dir).database(20);
        BackupService s = f.service();
        for (int i = 0; i < 4; i++) {
            s.backupDatabase(false);
        }
        List<Manifest> all = s.list(BackupType.DATABASE);
        Path stuck = f.backups.resolve("database").resolve(Manifest.fileName(all.get(2).id()));
        Assumptions.assumeTrue(chattr("+i", stuck), "chattr +i is not allowed here");
        try {
            Fixture.Run r = f.set("MAX_BACKUPS", "1").cli("rotate");

            assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
            assertThat(r.stderr()).as(r.describe()).contains("could not remove 1 backup (removed 2 others): "
                    + all.get(2).id() + ": ").doesNotContain("\tat ");
            assertThat(s.list(BackupType.DATABASE)).extracting(Manifest::id)
                    .containsExactly(all.get(0).id(), all.get(2).id());
            assertThat(f.backups.resolve("database").resolve(all.get(3).ownedFiles().get(0))).doesNotExist();
        } finally {
            chattr("-i", stuck);
        }
    }
}
