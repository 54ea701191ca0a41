package dev.archivist.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.restore.RestoreFiles;
import dev.archivist.testing.CliProcess;
import dev.archivist.testing.TestDb;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command that takes the lock first settles a restore a crash cut short, from its journal: inside the storage
 * folder (an in-place restore) or beside it. Both are folders the application's user may write, and its uploads may
 * put a file at such a name. A journal planted there, naming folders elsewhere, must not have a backup (run as root,
 * say) move their files into the storage folder, nor delete them: before, a database backup moved every file of the
 * named folder into the storage folder and removed the folder.
 */
class PlantedRestoreJournalTest {
    @TempDir
    Path tmp;

    @Test
    void aDatabaseBackupLeavesAlonePlantedJournalsThatNameFoldersElsewhere() throws Exception {
        TestDb.create(tmp.resolve("app.db"), TestDb.Mode.WAL, 2, 10);
        Path storage = Files.createDirectories(tmp.resolve("app/storage"));
        Files.writeString(storage.resolve("upload.jpg"), "the application's");
        Path secret = Files.createDirectories(tmp.resolve("roots-only"));
        Files.writeString(secret.resolve("id_rsa"), "root's key");
        Path inPlace = RestoreFiles.inPlaceJournal(storage);
        Files.writeString(inPlace, "{\"mode\":\"in-place\",\"live\":\"" + storage + "\",\"staging\":\"" + tmp
                + "/nothing\",\"aside\":\"" + secret + "\",\"backup_id\":\"x\",\"phase\":\"out\"}");
        Path beside = RestoreFiles.journal(storage);
        Files.writeString(beside, "{\"live\":\"" + storage + "\",\"aside\":\"" + secret + "\",\"staging\":\""
                + storage + "\",\"backup_id\":\"x\"}");

        CliProcess.Result backup = StorageFixtures.cli(tmp, storage, tmp.resolve("backups"))
                .run("backup", "database", "--no-rotate");

        assertThat(backup.exitCode()).as(backup.describe()).isZero();
        assertThat(secret.resolve("id_rsa")).hasContent("root's key");
        assertThat(storage.resolve("id_rsa")).doesNotExist();
        assertThat(storage.resolve("upload.jpg")).hasContent("the application's");
        assertThat(backup.stderr()).contains("left alone " + inPlace).contains("left alone " + beside)
                .contains("it is not a journal Archivist wrote");
        assertThat(inPlace).as("not Archivist's to delete").exists();
        assertThat(beside).exists();

        CliProcess.Result list = StorageFixtures.cli(tmp, storage, tmp.resolve("backups")).run("list");
        assertThat(list.exitCode()).as(list.describe()).isZero();
        assertThat(list.stderr()).contains("a file at the name of a restore's journal, " + inPlace)
                .contains("a file at the name of a restore's journal, " + beside).doesNotContain("did not finish");
    }
}
