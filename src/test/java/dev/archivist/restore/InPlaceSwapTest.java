package dev.archivist.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archivist.catalog.Durable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The swap of a storage folder's content in place (a mount point cannot be renamed): real folders, and the states a
 * crash can leave, written as the swap writes them.
 */
class InPlaceSwapTest {
    @TempDir
    Path dir;
    Path live;
    Path staging;
    Path earlier;

    /** A live folder with the application's entries and an earlier restore's kept tree; a staging folder inside it. */
    @BeforeEach
    void liveAndStaged() throws Exception {
        live = Files.createDirectory(dir.resolve("storage"));
        Files.writeString(live.resolve("a.txt"), "old a");
        Files.createDirectories(live.resolve("photos"));
        Files.writeString(live.resolve("photos/p.jpg"), "old photo");
        earlier = Files.createDirectories(live.resolve(RestoreFiles.IN_PLACE_ASIDE_PREFIX + "earlier"));
        Files.writeString(earlier.resolve("x.txt"), "kept from an earlier restore");
        staging = Files.createDirectory(RestoreFiles.inPlaceStaging(live, "b1"));
        Files.writeString(staging.resolve("a.txt"), "new a");
        Files.createDirectories(staging.resolve("docs"));
        Files.writeString(staging.resolve("docs/d.txt"), "new doc");
    }

    @Test
    void theOldEntriesGoAsideAndTheRestoredOnesComeInWhileArchivistsOwnStay() throws Exception {
        Path aside = InPlaceSwap.swap(live, staging, RestoreFiles.inPlaceAside(live, "b1"), "b1");

        assertThat(names(live)).containsExactlyInAnyOrder("a.txt", "docs", aside.getFileName().toString(),
                earlier.getFileName().toString());
        assertThat(live.resolve("a.txt")).hasContent("new a");
        assertThat(live.resolve("docs/d.txt")).hasContent("new doc");
        assertThat(aside.resolve("a.txt")).hasContent("old a");
        assertThat(aside.resolve("photos/p.jpg")).hasContent("old photo");
        assertThat(earlier.resolve("x.txt")).hasContent("kept from an earlier restore");
        assertThat(staging).doesNotExist();
        assertThat(RestoreFiles.inPlaceJournal(live)).doesNotExist();
    }

    /** Cut while the old entries were moving out: the next run moves them back; the staging folder is then swept. */
    @Test
    void aSwapCutWhileMovingOutIsRolledBack() throws Exception {
        Path aside = Files.createDirectory(RestoreFiles.inPlaceAside(live, "b1"));
        journal(aside, "out");
        Files.move(live.resolve("a.txt"), aside.resolve("a.txt")); // then the crash

        List<String> done = RestoreFiles.cleanInPlaceLeftovers(live);

        assertThat(names(live)).containsExactlyInAnyOrder("a.txt", "photos", earlier.getFileName().toString());
        assertThat(live.resolve("a.txt")).hasContent("old a");
        assertThat(aside).doesNotExist();
        assertThat(staging).doesNotExist();
        assertThat(done).anyMatch(n -> n.startsWith("rolled back an interrupted restore of " + live));
    }

    /**
     * Cut while moving out, and the application took one of the moved names again meanwhile: its entry stays, the
     * earlier one is kept in a folder that no longer reads as one a finished switch left.
     */
    @Test
    void aRollbackMeetingANameTakenAgainKeepsBothAndRenamesTheKeptFolder() throws Exception {
        Path aside = Files.createDirectory(RestoreFiles.inPlaceAside(live, "b1"));
        journal(aside, "out");
        Files.move(live.resolve("a.txt"), aside.resolve("a.txt"));
        Files.writeString(live.resolve("a.txt"), "uploaded after the crash");

        RestoreFiles.cleanInPlaceLeftovers(live);

        assertThat(live.resolve("a.txt")).hasContent("uploaded after the crash");
        assertThat(aside).doesNotExist();
        Path kept = aside.resolveSibling(aside.getFileName() + "-not-moved-back");
        assertThat(kept.resolve("a.txt")).hasContent("old a");
        assertThat(live.resolve("photos/p.jpg")).hasContent("old photo");
    }

    /**
     * Cut while the restored entries were moving in (every old one aside already): the next run completes it; a file
     * the application created meanwhile at a restored name is kept in the aside folder, not overwritten.
     */
    @Test
    void aSwapCutWhileMovingInIsCompletedKeepingWhatTheApplicationMadeMeanwhile() throws Exception {
        Path aside = Files.createDirectory(RestoreFiles.inPlaceAside(live, "b1"));
        Files.move(live.resolve("a.txt"), aside.resolve("a.txt"));
        Files.move(live.resolve("photos"), aside.resolve("photos"));
        journal(aside, "in");
        Files.move(staging.resolve("docs"), live.resolve("docs")); // then the crash
        Files.writeString(live.resolve("a.txt"), "uploaded after the crash");

        List<String> done = RestoreFiles.cleanInPlaceLeftovers(live);

        assertThat(names(live)).containsExactlyInAnyOrder("a.txt", "docs", aside.getFileName().toString(),
                earlier.getFileName().toString());
        assertThat(live.resolve("a.txt")).hasContent("new a");
        assertThat(live.resolve("docs/d.txt")).hasContent("new doc");
        assertThat(aside.resolve("a.txt.created-during-restore")).hasContent("uploaded after the crash");
        assertThat(aside.resolve("a.txt")).hasContent("old a");
        assertThat(staging).doesNotExist();
        assertThat(RestoreFiles.inPlaceJournal(live)).doesNotExist();
        assertThat(done).anyMatch(n -> n.startsWith("completed an interrupted restore of " + live));
    }

    /** No journal: only a staging folder and a journal's temporary file are left, and swept; nothing else moves. */
    @Test
    void withoutAJournalOnlyTheStagingFolderAndTemporaryFilesAreSwept() throws Exception {
        Path temp = Files.writeString(live.resolve(Durable.TEMP_PREFIX + RestoreFiles.inPlaceJournal(live).getFileName()
                + ".123-1"), "{");

        List<String> done = RestoreFiles.cleanInPlaceLeftovers(live);

        assertThat(names(live)).containsExactlyInAnyOrder("a.txt", "photos", earlier.getFileName().toString());
        assertThat(temp).doesNotExist();
        assertThat(done).hasSize(2);
    }

    /**
     * The journal is inside the storage folder, which the application's user may write (uploads, say): one naming a
     * folder elsewhere (root's), or not one of Archivist's, moves nothing out of it or into it, in either phase, and
     * is left alone.
     */
    @Test
    void aJournalNamingFoldersElsewhereOrNotArchivistsMovesNothing() throws Exception {
        Path roots = Files.createDirectories(dir.resolve("roots-folder"));
        Files.writeString(roots.resolve("id_rsa"), "root's key");
        Path usersOwn = Files.createDirectories(live.resolve("uploads"));
        Files.writeString(usersOwn.resolve("profile.sh"), "echo owned");
        for (Path[] named : new Path[][] {{staging, roots}, {roots, RestoreFiles.inPlaceAside(live, "b1")},
                {staging, usersOwn}, {usersOwn, RestoreFiles.inPlaceAside(live, "b1")}}) {
            for (String phase : new String[] {"out", "in"}) {
                Files.writeString(RestoreFiles.inPlaceJournal(live), "{\"mode\":\"in-place\",\"live\":\"" + live
                        + "\",\"staging\":\"" + named[0] + "\",\"aside\":\"" + named[1]
                        + "\",\"backup_id\":\"b1\",\"phase\":\"" + phase + "\"}");

                List<String> done = RestoreFiles.cleanInPlaceLeftovers(live);

                assertThat(roots.resolve("id_rsa")).hasContent("root's key");
                assertThat(usersOwn.resolve("profile.sh")).hasContent("echo owned");
                assertThat(live.resolve("a.txt")).hasContent("old a");
                assertThat(done).anyMatch(n -> n.startsWith("left alone " + RestoreFiles.inPlaceJournal(live)));
                staging = Files.createDirectories(staging); // swept as a leftover: made again for the next round
                Files.writeString(staging.resolve("a.txt"), "new a");
            }
        }
    }

    /**
     * A journal of Archivist's names whose folder is a link to a folder elsewhere (the user put it there): the link is
     * never followed, in either phase.
     */
    @Test
    void aJournalWhoseFolderIsALinkMovesNothingThroughIt() throws Exception {
        Path roots = Files.createDirectories(dir.resolve("roots-folder"));
        Files.writeString(roots.resolve("id_rsa"), "root's key");
        Path aside = RestoreFiles.inPlaceAside(live, "b1");
        Files.createSymbolicLink(aside, roots);
        journal(aside, "out");
        RestoreFiles.cleanInPlaceLeftovers(live);
        assertThat(roots.resolve("id_rsa")).hasContent("root's key");
        assertThat(live.resolve("id_rsa")).doesNotExist();

        Files.delete(aside);
        Files.createDirectory(aside);
        Durable.deleteTree(staging);
        Files.createSymbolicLink(staging, roots);
        journal(aside, "in");
        RestoreFiles.cleanInPlaceLeftovers(live);
        assertThat(roots.resolve("id_rsa")).hasContent("root's key");
        assertThat(live.resolve("id_rsa")).doesNotExist();
        assertThat(live.resolve("a.txt")).hasContent("old a");
    }

    /**
     * A journal in phase {@code in} whose aside folder is missing (a switch makes it before its journal): not one a
     * switch wrote; left alone, nothing moved, and the command goes on (failing every command is what a user who
     * planted it would want).
     */
    @Test
    void aJournalInPhaseInWithoutItsAsideFolderIsLeftAlone() throws Exception {
        journal(RestoreFiles.inPlaceAside(live, "never-made"), "in");

        List<String> done = RestoreFiles.cleanInPlaceLeftovers(live);

        assertThat(done).anyMatch(n -> n.startsWith("left alone " + RestoreFiles.inPlaceJournal(live)));
        assertThat(live.resolve("a.txt")).hasContent("old a");
        assertThat(live.resolve("docs")).doesNotExist();
    }

    /** A staging folder whose name was swapped for a link before the switch: refused, nothing moved either way. */
    @Test
    void aSwitchWhoseStagingNameIsALinkIsRefusedAndMovesNothing() throws Exception {
        Path roots = Files.createDirectories(dir.resolve("roots-folder"));
        Files.writeString(roots.resolve("id_rsa"), "root's key");
        Files.move(staging, dir.resolve("moved-by-the-user"));
        Files.createSymbolicLink(staging, roots);

        assertThatThrownBy(() -> InPlaceSwap.swap(live, staging, RestoreFiles.inPlaceAside(live, "b1"), "b1"))
                .hasMessageContaining("is not a folder");

        assertThat(roots.resolve("id_rsa")).hasContent("root's key");
        assertThat(live.resolve("a.txt")).hasContent("old a");
        assertThat(live.resolve("id_rsa")).doesNotExist();
        assertThat(RestoreFiles.inPlaceJournal(live)).doesNotExist();
    }

    private void journal(Path aside, String phase) throws Exception {
        Files.writeString(RestoreFiles.inPlaceJournal(live), "{\"mode\":\"in-place\",\"live\":\"" + live + "\",\"staging\":\""
                + staging + "\",\"aside\":\"" + aside + "\",\"backup_id\":\"b1\",\"phase\":\"" + phase + "\"}");
    }

    private static List<String> names(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return new ArrayList<>(s.map(p -> p.getFileName().toString()).toList());
        }
    }
}
