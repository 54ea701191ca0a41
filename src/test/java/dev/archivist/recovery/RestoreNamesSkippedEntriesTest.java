package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.archivist.catalog.Json;
import dev.archivist.catalog.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A storage restore says what it cannot bring back because the backup never held it: the entries skipped when the
 * backup was taken (a FIFO here; an unreadable file alike). It said nothing, so a restored folder missing them looked
 * whole.
 */
class RestoreNamesSkippedEntriesTest {
    @TempDir
    Path dir;

    @Test
    void aWholeStorageRestoreNamesTheEntriesItsBackupSkipped() throws Exception {
        Fixture f = new Fixture(dir).storage(7, 5_000);
        Path fifo = f.storage.resolve("documents/app.pipe");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        Manifest backup = f.service().backupStorage(false, null);
        assertThat(backup.json().path("skipped")).hasSize(1);

        Fixture.Run r = f.cli("restore", "storage", backup.id(), "--target", dir.resolve("restored").toString(), "--json");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        JsonNode notes = Json.MAPPER.readTree(r.stdout()).get(0).path("notes");
        assertThat(notes.toString()).contains("1 entry not in this backup: skipped when it was taken (e.g. "
                + "documents/app.pipe: ");
        assertThat(dir.resolve("restored/documents/app.pipe")).doesNotExist();

        // a selection restores what it names: the note is about the whole folder
        Fixture.Run some = f.cli("restore", "storage", backup.id(), "--target", dir.resolve("some").toString(),
                "--path", "documents");
        assertThat(some.exitCode()).as(some.describe()).isZero();
        assertThat(some.stdout()).doesNotContain("not in this backup");
    }
}
