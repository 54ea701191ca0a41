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

        List<String> done = new ArrayList<>(RestoreFiles.cleanInPlaceLeftovers(target));
        done.addAll(RestoreFiles.dropEmptyTargetAsides(target));

        assertThat(names(target)).containsExactly("a.txt", "docs");
        assertThat(target.resolve("docs/d.txt")).hasContent("restored doc");
        assertThat(done).anyMatch(d -> d.startsWith("completed an interrupted restore"));
    }

    @Test
    void anAsideHoldingAnotherProcesssEntryKeepsAnOrdinaryName() throws Exception {
        Path aside = Files.createDirectory(RestoreFiles.targetAside(target, "b1"));
        Files.writeString(aside.resolve("a.txt.created-during-restore"), "theirs");

        assertThat(RestoreFiles.dropEmptyTargetAsides(target)).isEmpty();

        assertThat(aside.getFileName().toString()).doesNotStartWith(".");
        assertThat(InPlaceSwap.OWN_ENTRIES.keySet()).noneMatch(prefix -> aside.getFileName().toString().startsWith(prefix));
        assertThat(aside.resolve("a.txt.created-during-restore")).hasContent("theirs");
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
