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
    Path aside;

    @BeforeEach
    void killedBetweenTheRenames() throws Exception {
        f = new Fixture(dir).database(50).storage(5, 10_000);
        Fixture.Run backup = f.cli("backup", "storage", "--no-rotate");
        assertThat(backup.exitCode()).as(backup.describe()).isZero();
        String id = f.service().list(BackupType.STORAGE).get(0).id();
        before = Fixture.tree(f.storage);
        // as StorageSwap leaves it: journal written, live folder moved aside, staging (extracted) not moved in yet
        aside = RestoreFiles.aside(f.storage, id);
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
        // a dry run does not predict a failure the backup no longer has: the backup ends the restore first
        for (String type : new String[] {"storage", "full"}) {
            Fixture.Run dry = f.cli("backup", type, "--dry-run");
            assertThat(dry.exitCode()).as(dry.describe()).isZero();
            assertThat(dry.stderr()).contains("did not finish").contains("the backup ends that restore first");
            assertThat(dry.stdout()).contains("moved aside by a restore that did not finish");
        }
        assertThat(f.storage).as("read-only: nothing rolled back").doesNotExist();
        assertThat(journal).exists();
    }

    @Test
    void anUnfinishedInPlaceRestoreIsNamedByTheDryRunToo() throws Exception {
        Files.move(aside, f.storage);
        Files.delete(journal);
        // an in-place switch (the storage folder a mount point) keeps its journal inside the folder
        Files.writeString(RestoreFiles.inPlaceJournal(f.storage), "{\"aside\":\"" + RestoreFiles.inPlaceAside(f.storage,
                "x") + "\",\"staging\":\"" + RestoreFiles.inPlaceStaging(f.storage, "x") + "\",\"phase\":\"out\"}");
        Fixture.Run dry = f.cli("backup", "storage", "--dry-run");
        assertThat(dry.exitCode()).as(dry.describe()).isZero();
        assertThat(dry.stderr()).contains("whose entries may be moved aside until it ends")
                .contains("the backup ends that restore first");
    }

    @Test
    void aDamagedJournalIsNamedAndTheDryRunPredictsTheBackupsFailure() throws Exception {
        Files.writeString(journal, "garbage");
        Fixture.Run list = f.cli("list");
        assertThat(list.stderr()).contains("its journal " + journal + " cannot be read")
                .contains("move that back and delete the journal");
        Fixture.Run dry = f.cli("backup", "storage", "--dry-run");
        Fixture.Run real = f.cli("backup", "storage", "--no-rotate");
        assertThat(real.exitCode()).as(real.describe()).isEqualTo(1);
        assertThat(real.stderr()).contains("cannot be read").contains(".before-restore-<id>");
        assertThat(dry.exitCode()).as(dry.describe()).isEqualTo(1);
        assertThat(dry.stderr()).contains("cannot be read").doesNotContain("the backup ends that restore first");
        assertThat(aside).as("nothing deleted").isDirectory();
        assertThat(journal).as("kept: it is the record of what happened").exists();
    }
}
