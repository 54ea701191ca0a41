package dev.archivist.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link InPlaceSwap#fill}: an empty restore target filled from the staging folder inside it, on real folders. What
 * another process puts into the target meanwhile is never hidden under one of Archivist's own names.
 */
class TargetFillTest {
    @TempDir
    Path dir;
    Path target;
    Path staging;

    @BeforeEach
    void emptyTargetWithStaging() throws Exception {
        target = Files.createDirectory(dir.resolve("volume"));
        staging = Files.createDirectory(RestoreFiles.inPlaceStaging(target, "b1"));
        Files.writeString(staging.resolve("a.txt"), "restored a");
        Files.createDirectories(staging.resolve("docs"));
        Files.writeString(staging.resolve("docs/d.txt"), "restored doc");
    }

    @Test
    void theStagedEntriesMoveInAndNothingOfArchivistsStays() throws Exception {
        Path kept = InPlaceSwap.fill(target, staging, RestoreFiles.targetAside(target, "b1"), "b1");

        assertThat(kept).isNull();
        assertThat(names(target)).containsExactly("a.txt", "docs");
        assertThat(target.resolve("docs/d.txt")).hasContent("restored doc");
    }

    @Test
    void anEntryThatAppearedMeanwhileRefusesTheFillAndStaysWhereItIs() throws Exception {
        Files.writeString(target.resolve("app.log"), "the application's");

        assertThatThrownBy(() -> InPlaceSwap.fill(target, staging, RestoreFiles.targetAside(target, "b1"), "b1"))
                .isInstanceOf(IOException.class).hasMessageContaining("app.log appeared while the backup was restored")
                .hasMessageContaining("nothing was moved in");

        assertThat(names(target)).containsExactlyInAnyOrder("app.log", staging.getFileName().toString());
        assertThat(target.resolve("app.log")).hasContent("the application's");
        assertThat(staging.resolve("a.txt")).hasContent("restored a");
    }

    @Test
    void anEmptyLostAndFoundStaysAndDoesNotCount() throws Exception {
        Files.createDirectory(target.resolve("lost+found"));

        assertThat(InPlaceSwap.fill(target, staging, RestoreFiles.targetAside(target, "b1"), "b1")).isNull();

        assertThat(names(target)).containsExactly("a.txt", "docs", "lost+found");
        assertThat(InPlaceSwap.entriesOfTarget(dir.resolve("volume"))).containsExactly("a.txt", "docs");
    }

    /** A crash after the journal was written and some entries moved in: the next run completes the fill. */
    @Test
    void aFillCutShortIsCompletedAndItsEmptyAsideRemoved() throws Exception {
        Path aside = Files.createDirectory(RestoreFiles.targetAside(target, "b1"));
        dev.archivist.catalog.Durable.writeAtomically(RestoreFiles.inPlaceJournal(target),
                ("{\"mode\":\"in-place\",\"live\":\"" + target + "\",\"staging\":\"" + staging + "\",\"aside\":\"" + aside
                        + "\",\"backup_id\":\"b1\",\"phase\":\"in\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Files.move(staging.resolve("a.txt"), target.resolve("a.txt"));

        List<String> done = RestoreFiles.cleanTargetFill(target, "b1");

        assertThat(names(target)).containsExactly("a.txt", "docs");
        assertThat(target.resolve("docs/d.txt")).hasContent("restored doc");
        assertThat(done).anyMatch(d -> d.startsWith("completed an interrupted restore"));
    }

    @Test
    void anAsideHoldingAnotherProcesssEntryKeepsAnOrdinaryName() throws Exception {
        Path aside = Files.createDirectory(RestoreFiles.targetAside(target, "b1"));
        Files.writeString(aside.resolve("a.txt.created-during-restore"), "theirs");

        assertThat(RestoreFiles.cleanTargetFill(target, "b1")).noneMatch(d -> d.contains(aside.getFileName().toString()));

        assertThat(aside.getFileName().toString()).doesNotStartWith(".");
        assertThat(InPlaceSwap.OWN_ENTRIES.keySet()).noneMatch(prefix -> aside.getFileName().toString().startsWith(prefix));
        assertThat(aside.resolve("a.txt.created-during-restore")).hasContent("theirs");
    }

    /** The sweep after a killed run touches only that run's own names: the folder may be someone else's by now. */
    @Test
    void theSweepOfAKilledFillTouchesOnlyItsOwnNames() throws Exception {
        Path theirs = Files.createDirectories(target.resolve(".archivist-restore-staging-other"));
        Files.writeString(theirs.resolve("p"), "precious");
        Path theirAside = Files.createDirectory(target.resolve(RestoreFiles.TARGET_ASIDE_PREFIX + "other"));

        List<String> done = RestoreFiles.cleanTargetFill(target, "b1");

        assertThat(staging).doesNotExist();
        assertThat(done).containsExactly("removed leftover " + staging);
        assertThat(theirs.resolve("p")).hasContent("precious");
        assertThat(theirAside).isDirectory();
    }

    @Test
    void aNonEmptyLostAndFoundCounts() throws Exception {
        Files.createDirectories(target.resolve("lost+found"));
        Files.writeString(target.resolve("lost+found/#1234"), "recovered by fsck");

        assertThat(InPlaceSwap.entriesOfTarget(target)).contains("lost+found");
        assertThatThrownBy(() -> InPlaceSwap.fill(target, staging, RestoreFiles.targetAside(target, "b1"), "b1"))
                .hasMessageContaining("lost+found appeared");
        assertThat(target.resolve("lost+found/#1234")).hasContent("recovered by fsck");
    }

    @Test
    void theVolumesOwnLostAndFoundStaysWhenTheBackupHasAnEmptyOneToo() throws Exception {
        Path volumes = Files.createDirectory(target.resolve("lost+found"));
        Object inode = Files.getAttribute(volumes, "unix:ino");
        Files.createDirectory(staging.resolve("lost+found"));

        assertThat(InPlaceSwap.fill(target, staging, RestoreFiles.targetAside(target, "b1"), "b1")).isNull();

        assertThat(names(target)).containsExactly("a.txt", "docs", "lost+found");
        assertThat(Files.getAttribute(target.resolve("lost+found"), "unix:ino")).isEqualTo(inode);
    }

    /**
     * The backup holds a lost+found with content, the volume an empty one: the volume's is kept aside, in a folder that
     * is the volume owner's, with the volume's mode (run as root for another user's volume, as from root's cron).
     */
    @Test
    void aClashIsKeptInAFolderOfTheTargetsOwnerAndMode() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to chown");
        Files.createDirectory(target.resolve("lost+found"));
        Files.createDirectories(staging.resolve("lost+found"));
        Files.writeString(staging.resolve("lost+found/#7"), "the backup's");
        Files.setAttribute(target, "unix:uid", 1234);
        Files.setAttribute(target, "unix:gid", 1235);
        Files.setPosixFilePermissions(target, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwx---"));

        Path kept = InPlaceSwap.fill(target, staging, RestoreFiles.targetAside(target, "b1"), "b1");

        assertThat(kept).isNotNull();
        assertThat(names(kept)).containsExactly("lost+found.created-during-restore");
        assertThat(target.resolve("lost+found/#7")).hasContent("the backup's");
        assertThat(Files.getAttribute(kept, "unix:uid")).isEqualTo(1234);
        assertThat(Files.getAttribute(kept, "unix:gid")).isEqualTo(1235);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(kept)))
                .isEqualTo("rwxrwx---");
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
