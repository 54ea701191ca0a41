package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.BackupType;
import dev.archivist.restore.RestoreFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A storage restore killed between its two renames leaves the live folder moved aside and a journal beside it. The
 * next command must not take the missing folder for a configuration error: {@code backup storage} (what a timer
 * runs) ends the swap first, which brings the old folder back, and then backs it up; read-only commands name it.
 */
class InterruptedStorageSwapTest {
    @TempDir
    Path dir;

    Fixture f;
    Map<String, String> before;
    Path journal;

    @BeforeEach
    void killedBetweenTheRenames() throws Exception {
        f = new Fixture(dir).database(50).storage(5, 10_000);
        Fixture.Run backup = f.cli("backup", "storage", "--no-rotate");
        assertThat(backup.exitCode()).as(backup.describe()).isZero();
        String id = f.service().list(BackupType.STORAGE).get(0).id();
        before = Fixture.tree(f.storage);
        // as StorageSwap leaves it: journal written, live folder moved aside, staging (extracted) not moved in yet
        Path aside = RestoreFiles.aside(f.storage, id);
        Path staging = RestoreFiles.staging(f.storage, id);
        Files.createDirectory(staging);
        Files.writeString(staging.resolve("restored.txt"), "from the backup");
        journal = RestoreFiles.journal(f.storage);
        Files.writeString(journal, "{\"live\":\"" + f.storage + "\",\"aside\":\"" + aside + "\",\"staging\":\"" + staging
                + "\",\"backup_id\":\"" + id + "\"}");
        Files.move(f.storage, aside);
    }

    @Test
    void backupStorageRollsTheSwapBackAndBacksUpTheOldFolder() throws Exception {
        Fixture.Run run = f.cli("backup", "storage", "--no-rotate");
        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.stderr()).contains("rolled back an interrupted restore of " + f.storage);
        assertThat(Fixture.tree(f.storage)).isEqualTo(before);
        assertThat(journal).doesNotExist();
        assertThat(f.service().list(BackupType.STORAGE)).hasSize(2);
    }

    @Test
    void readOnlyCommandsAndADryRunNameTheUnfinishedRestore() throws Exception {
        for (String[] args : new String[][] {{"list"}, {"stats"}, {"verify", "--all", "--quick"}}) {
            Fixture.Run run = f.cli(args);
            assertThat(run.stderr()).as(run.describe())
                    .contains("a restore of the storage folder " + f.storage + " did not finish, which is moved aside")
                    .contains(journal.toString());
        }
        Fixture.Run dry = f.cli("backup", "storage", "--dry-run");
        assertThat(dry.exitCode()).as(dry.describe()).isEqualTo(1);
        assertThat(dry.stderr()).contains("does not exist").contains("did not finish");
        assertThat(f.storage).as("read-only: nothing rolled back").doesNotExist();
        assertThat(journal).exists();
    }
}
