package dev.archivist.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage swap and its undo (used when the database half of a full restore fails after the swap). */
class StorageSwapTest {
    @TempDir
    Path dir;

    @Test
    void undoPutsTheOldTreeBackAndTheRestoredOneAside() throws Exception {
        Path live = Files.createDirectory(dir.resolve("storage"));
        Files.writeString(live.resolve("old.txt"), "old");
        Path staging = Files.createDirectory(dir.resolve("staging"));
        Files.writeString(staging.resolve("new.txt"), "new");
        Path aside = StorageSwap.swap(live, staging, dir.resolve("storage.before-restore-x"), "x");
        assertThat(live.resolve("new.txt")).hasContent("new");

        Path restoredTo = dir.resolve("restored");
        StorageSwap.undo(live, aside, restoredTo, "x");
        assertThat(live.resolve("old.txt")).hasContent("old");
        assertThat(live.resolve("new.txt")).doesNotExist();
        assertThat(restoredTo.resolve("new.txt")).hasContent("new");
        assertThat(aside).doesNotExist();
        assertThat(RestoreFiles.journal(live)).doesNotExist();
    }

    @Test
    void undoWithoutAnEarlierTreeLeavesNoLiveFolder() throws Exception {
        Path live = dir.resolve("storage");
        Path staging = Files.createDirectory(dir.resolve("staging"));
        Files.writeString(staging.resolve("new.txt"), "new");
        assertThat(StorageSwap.swap(live, staging, dir.resolve("storage.before-restore-x"), "x")).isNull();

        StorageSwap.undo(live, null, dir.resolve("restored"), "x");
        assertThat(live).doesNotExist();
        assertThat(dir.resolve("restored").resolve("new.txt")).hasContent("new");
        assertThat(RestoreFiles.journal(live)).doesNotExist();
    }
}
