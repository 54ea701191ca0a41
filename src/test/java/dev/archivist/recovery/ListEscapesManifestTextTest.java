package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.catalog.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code list} prints one line per backup, also for a manifest edited by hand whose component id or creation time holds
 * a newline or a terminal's escape sequence: such text is escaped, as {@code verify} escapes it, never printed raw.
 */
class ListEscapesManifestTextTest {
    @TempDir
    Path dir;

    @Test
    void aHandEditedComponentIdOrCreationTimeStaysOnItsBackupsLine() throws Exception {
        Fixture f = new Fixture(dir).database(5).storage(2, 100);
        Manifest full = f.service().backupFull(false, null);
        Manifest storage = f.service().backupStorage(false, null);
        Path fullManifest = f.backups.resolve("full").resolve(full.id() + ".json");
        Files.writeString(fullManifest, Files.readString(fullManifest)
                .replaceFirst("\"id\" : \"storage_backup_", "\"id\" : \"storage_backup_\\\\u001b[31mred\\\\nforged line "));
        Path storageManifest = f.backups.resolve("storage").resolve(storage.id() + ".json");
        Files.writeString(storageManifest, Files.readString(storageManifest)
                .replaceFirst("\"created_at\" : \"", "\"created_at\" : \"\\\\u001b[2J\\\\nforged "));

        Fixture.Run list = f.cli("list");
        assertThat(list.exitCode()).as(list.describe()).isZero();
        List<String> lines = list.stdout().lines().toList();
        assertThat(list.stdout()).as("no raw escape reaches the terminal").doesNotContain("\u001b");
        assertThat(lines).as("no line of its own for the forged text").noneMatch(l -> l.startsWith("forged"));
        assertThat(lines.stream().filter(l -> l.startsWith(full.id()))).singleElement().asString()
                .contains("storage_backup_\\033[31mred\\nforged line").contains("BROKEN");
        assertThat(lines.stream().filter(l -> l.startsWith(storage.id()))).singleElement().asString()
                .contains("\\033[2J\\nforged").contains("BROKEN");
    }
}
