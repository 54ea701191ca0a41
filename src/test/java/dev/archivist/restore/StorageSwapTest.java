package dev.archivist.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        Path live = oldAndNewTrees();
        Path staging = RestoreFiles.staging(dir.resolve("storage"), "x");
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

    /** The live folder cannot be moved aside (a mount point, say): nothing changes and no journal is left behind. */
    @Test
    void aSwapWhoseFirstRenameFailsChangesNothingAndLeavesNoJournal() throws Exception {
        Path live = oldAndNewTrees();
        Path staging = RestoreFiles.staging(dir.resolve("storage"), "x");
        Path aside = dir.resolve("no-such-folder").resolve("storage.before-restore-x"); // the rename cannot land there

        assertThatThrownBy(() -> StorageSwap.swap(live, staging, aside, "x"))
                .isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("moving " + live + " aside")
                .hasMessageContaining("nothing was changed");
        assertThat(live.resolve("old.txt")).hasContent("old");
        assertThat(staging.resolve("new.txt")).hasContent("new");
        assertThat(RestoreFiles.journal(live)).doesNotExist();
    }

    @Test
    void undoWithoutAnEarlierTreeLeavesNoLiveFolder() throws Exception {
        Path live = dir.resolve("storage");
        Path staging = Files.createDirectory(RestoreFiles.staging(dir.resolve("storage"), "x"));
        Files.writeString(staging.resolve("new.txt"), "new");
        assertThat(StorageSwap.swap(live, staging, dir.resolve("storage.before-restore-x"), "x")).isNull();

        StorageSwap.undo(live, null, dir.resolve("restored"), "x");
        assertThat(live).doesNotExist();
        assertThat(dir.resolve("restored").resolve("new.txt")).hasContent("new");
        assertThat(RestoreFiles.journal(live)).doesNotExist();
    }

    /**
     * A crash between the swap's two renames (live moved aside, staging not in yet), then the application creates a
     * folder at the live name: the next run puts the old tree back and keeps the newcomer beside it, deleting nothing.
     */
    @Test
    void aFolderCreatedBetweenTheRenamesIsKeptAndTheOldTreeComesBack() throws Exception {
        Path live = oldAndNewTrees();
        Path staging = RestoreFiles.staging(dir.resolve("storage"), "x");
        Path aside = dir.resolve("storage.before-restore-x");
        Files.writeString(RestoreFiles.journal(live), "{\"live\":\"" + live + "\",\"aside\":\"" + aside
                + "\",\"staging\":\"" + staging + "\",\"backup_id\":\"x\"}");
        Files.move(live, aside); // the first rename, then the crash
        Files.createDirectory(live);
        Files.writeString(live.resolve("upload.jpg"), "written by the application after the crash");

        java.util.List<String> done = new java.util.ArrayList<>();
        StorageSwap.recover(live, done);

        assertThat(live.resolve("old.txt")).hasContent("old");
        assertThat(live.resolve("upload.jpg")).doesNotExist();
        Path kept = dir.resolve("storage.created-during-restore-x");
        assertThat(kept.resolve("upload.jpg")).hasContent("written by the application after the crash");
        assertThat(aside).doesNotExist();
        assertThat(staging.resolve("new.txt")).as("left for the leftover sweep").hasContent("new");
        assertThat(RestoreFiles.journal(live)).doesNotExist();
        assertThat(String.join("\n", done)).contains("kept as " + kept);
    }

    /** A journal damaged after a crash between the renames: the folder moved aside is named, nothing is deleted. */
    @Test
    void aDamagedJournalWithTheLiveFolderGoneIsReportedAndKept() throws Exception {
        Path live = oldAndNewTrees();
        Path aside = dir.resolve("storage.before-restore-x");
        Files.writeString(RestoreFiles.journal(live), "{garbage");
        Files.move(live, aside);

        java.util.List<String> done = new java.util.ArrayList<>();
        assertThatThrownBy(() -> StorageSwap.recover(live, done))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("cannot be read")
                .hasMessageContaining("storage.before-restore-<id>");
        assertThat(RestoreFiles.journal(live)).as("kept: it tells the next run a restore did not finish").exists();
        assertThat(aside.resolve("old.txt")).hasContent("old");
    }

    /** A journal that parses but names no folders (emptied, {@code {}}): never read as the working directory. */
    @Test
    void aJournalWithoutItsFoldersMovesNothing() throws Exception {
        Path live = oldAndNewTrees();
        for (String damaged : new String[] {"", "{}", "null", "[1]", "{\"aside\":\"\",\"staging\":\"\"}"}) {
            Files.writeString(RestoreFiles.journal(live), damaged);
            java.util.List<String> done = new java.util.ArrayList<>();
            StorageSwap.recover(live, done);
            assertThat(RestoreFiles.journal(live)).as(damaged).doesNotExist();
            assertThat(live.resolve("old.txt")).as(damaged).hasContent("old");
            assertThat(Path.of("").toAbsolutePath()).as("the working directory stays").isDirectory();
        }
        Files.writeString(RestoreFiles.journal(live), "{}");
        Path aside = dir.resolve("storage.before-restore-x");
        Files.move(live, aside);
        assertThatThrownBy(() -> StorageSwap.recover(live, new java.util.ArrayList<>()))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("cannot be read");
        assertThat(aside.resolve("old.txt")).hasContent("old");
    }

    /**
     * The journal is beside the storage folder, in a folder another user may write: one naming folders elsewhere
     * (root's) as the earlier tree moves nothing there, whatever the state of the live folder, and is left alone.
     */
    @Test
    void aJournalNamingFoldersElsewhereMovesNothing() throws Exception {
        Path live = oldAndNewTrees();
        Path roots = Files.createDirectories(dir.resolve("elsewhere/roots-folder"));
        Files.writeString(roots.resolve("secret"), "root's");
        Path staging = RestoreFiles.staging(live, "x");
        for (String[] named : new String[][] {{roots.toString(), staging.toString()},
                {dir.resolve("storage.before-restore-x").toString(), roots.toString()},
                {dir.resolve("elsewhere/storage.before-restore-x").toString(), staging.toString()}}) {
            Files.writeString(RestoreFiles.journal(live), "{\"live\":\"" + live + "\",\"aside\":\"" + named[0]
                    + "\",\"staging\":\"" + named[1] + "\",\"backup_id\":\"x\"}");
            for (boolean liveThere : new boolean[] {true, false}) {
                if (!liveThere) {
                    Files.move(live, dir.resolve("moved-by-the-user"));
                }
                java.util.List<String> done = new java.util.ArrayList<>();
                StorageSwap.recover(live, done);

                assertThat(roots.resolve("secret")).hasContent("root's");
                assertThat(done).singleElement().asString().startsWith("left alone " + RestoreFiles.journal(live));
                assertThat(RestoreFiles.journal(live)).exists();
                assertThat(live).as("nothing moved to the live name").matches(l -> Files.exists(l) == liveThere);
                if (!liveThere) {
                    Files.move(dir.resolve("moved-by-the-user"), live);
                }
            }
        }
    }

    /** {@code storage/old.txt} and {@code staging/new.txt}; returns the live folder. */
    private Path oldAndNewTrees() throws Exception {
        Path live = Files.createDirectory(dir.resolve("storage"));
        Files.writeString(live.resolve("old.txt"), "old");
        Files.writeString(Files.createDirectory(RestoreFiles.staging(dir.resolve("storage"), "x")).resolve("new.txt"), "new");
        return live;
    }
}
