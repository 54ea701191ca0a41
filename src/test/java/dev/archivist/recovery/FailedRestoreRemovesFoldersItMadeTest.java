package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.BackupService;
import dev.archivist.catalog.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore into a new {@code --target} makes the missing folders above it as {@code mkdir -p} does; one that is
 * refused or fails after that removes them again, deepest first, while they are empty, and never a folder that was
 * there before it ran, so a failed restore leaves nothing it made.
 */
class FailedRestoreRemovesFoldersItMadeTest {
    @TempDir
    Path dir;

    Fixture f;
    Manifest storage;
    Manifest database;

    @BeforeEach
    void setUp() throws Exception {
        f = new Fixture(dir).database(50).storage(7, 10_000);
        BackupService s = f.service();
        storage = s.backupStorage(false, null);
        database = s.backupDatabase(false);
    }

    @Test
    void aStorageRestoreWhosePathMatchesNothingLeavesNoFolderAboveItsTarget() throws Exception {
        Path existing = Files.createDirectories(dir.resolve("restores"));
        Path target = existing.resolve("a/b/out");
        Fixture.Run r = f.cli("restore", "storage", storage.id(), "--target", target.toString(), "--path", "nomatch*");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        assertThat(r.stderr()).contains("nothing in the backup matches --path 'nomatch*'");
        assertThat(existing.resolve("a")).as("folders the refused restore made").doesNotExist();
        assertThat(existing).as("a folder that was there before").isDirectory();
    }

    @Test
    void aDatabaseRestoreOfADamagedBackupLeavesNoFolderAboveItsTarget() throws Exception {
        ForgedBackup.corruptPagesKeepingChecksums(f.backups, database, dir.resolve("scratch.db"));
        Path target = dir.resolve("x/y/restored.db");
        Fixture.Run r = f.cli("restore", "database", database.id(), "--target", target.toString());
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        assertThat(r.stderr()).contains("integrity_check");
        assertThat(dir.resolve("x")).as("folders the failed restore made").doesNotExist();
    }

    @Test
    void foldersThatWereThereBeforeTheRestoreStay() throws Exception {
        Path target = dir.resolve("m/n/out");
        Files.createDirectories(target.getParent());
        Files.writeString(dir.resolve("m/kept.txt"), "someone else's");
        Fixture.Run r = f.cli("restore", "storage", storage.id(), "--target", target.toString(), "--path", "nomatch*");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        assertThat(dir.resolve("m/n")).as("it existed before the restore").isDirectory();
        assertThat(dir.resolve("m/kept.txt")).hasContent("someone else's");
    }
}
