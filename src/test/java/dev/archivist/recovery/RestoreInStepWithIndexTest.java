package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.archive.IndexEntry;
import dev.archivist.catalog.Manifest;
import dev.archivist.config.Compression;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore compares each entry with the per-file index as it extracts it, walking both in the order backups write
 * them: an archive that strays from its index is refused, whichever way it strays, and nothing is left behind.
 */
class RestoreInStepWithIndexTest {
    @TempDir
    Path dir;

    Fixture f;
    Map<String, String> liveTree;

    @BeforeEach
    void setUp() throws Exception {
        f = new Fixture(dir).storage(5, 0);
        liveTree = Fixture.tree(f.storage);
    }

    private Fixture.Run restore(Manifest m) {
        return f.cli("restore", "storage", m.id(), "--yes");
    }

    private void assertNothingChanged(Fixture.Run r) throws Exception {
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        assertThat(Fixture.tree(f.storage)).as("live storage").isEqualTo(liveTree);
        assertThat(Fixture.names(dir)).as("no staging or before-restore leftovers")
                .noneMatch(n -> n.contains("staging") || n.contains("before-restore"));
    }

    @Test
    void anArchiveInAnotherOrderThanItsIndexIsRefused() throws Exception {
        // the same files, the archive b then a, the index a then b (the order a backup writes)
        Manifest m = new ForgedBackup().file("b.txt", "bee").file("a.txt", "ay").indexReversed()
                .writeTo(f.backups, Compression.ZSTD, 1);
        Fixture.Run r = restore(m);
        assertNothingChanged(r);
        assertThat(r.stderr()).contains("a.txt").contains("out of order after 'b.txt'");
    }

    @Test
    void aFileTheIndexListsButTheArchiveLacksIsNamed() throws Exception {
        Manifest m = new ForgedBackup().file("a.txt", "ay").indexedOnly("b.txt", "bee").file("c.txt", "see")
                .writeTo(f.backups, Compression.GZ, 1);
        Fixture.Run r = restore(m);
        assertNothingChanged(r);
        assertThat(r.stderr()).contains("b.txt: in the index but not restored");
    }

    @Test
    void aFileTheIndexDoesNotListIsNamed() throws Exception {
        Manifest m = new ForgedBackup().file("a.txt", "ay").unindexedFile("b.txt", "bee").file("c.txt", "see")
                .writeTo(f.backups, Compression.ZSTD, 1);
        Fixture.Run r = restore(m);
        assertNothingChanged(r);
        assertThat(r.stderr()).contains("b.txt: restored but not in the index");
    }

    @Test
    void theFirstDifferencesAreNamedAndTheRestCounted() throws Exception {
        ForgedBackup forged = new ForgedBackup();
        for (int i = 0; i < 15; i++) {
            forged.fileIndexedAs(String.format("f%02d.txt", i), "archived " + i, "indexed " + i);
        }
        Fixture.Run r = restore(forged.writeTo(f.backups, Compression.ZSTD, 1));
        assertNothingChanged(r);
        assertThat(r.stderr()).contains("f00.txt: restored content differs from the index")
                .contains("f09.txt: restored content differs").doesNotContain("f10.txt").contains("and 5 more");
    }

    @Test
    void anIndexNotInWalkOrderIsComparedAfterwardsAndNamesAsManyDifferences() throws Exception {
        ForgedBackup forged = new ForgedBackup();
        for (int i = 0; i < 15; i++) {
            forged.fileIndexedAs(String.format("f%02d.txt", i), "archived " + i, "indexed " + i);
        }
        Fixture.Run r = restore(forged.indexReversed().writeTo(f.backups, Compression.ZSTD, 1));
        assertNothingChanged(r);
        assertThat(r.stderr().split("restored content differs", -1)).hasSize(11);
        assertThat(r.stderr()).contains("and 5 more");
    }

    @Test
    void aFileWhereTheIndexListsAFolderIsRefused() throws Exception {
        Manifest m = new ForgedBackup().file("a.txt", "ay").file("docs", "a file, not a folder")
                .indexedAsFolder("docs").writeTo(f.backups, Compression.ZSTD, 1);
        Fixture.Run r = restore(m);
        assertNothingChanged(r);
        assertThat(r.stderr()).contains("docs: restored as a file, the index lists a dir");
    }

    @Test
    void aFolderTheIndexListsAsAFileOrALinkIsRefusedNamingIt() throws Exception {
        for (String type : new String[] {IndexEntry.FILE, IndexEntry.HARDLINK, IndexEntry.SYMLINK}) {
            Manifest m = new ForgedBackup().file("a.txt", "ay").dir("docs").indexedAsType(type).file("docs/x.txt", "ex")
                    .writeTo(f.backups, Compression.ZSTD, 1);
            Fixture.Run r = restore(m);
            assertNothingChanged(r);
            assertThat(r.stderr()).as(type).contains("docs: restored as a dir, the index lists a " + type)
                    .doesNotContain("Exception").doesNotContain("unexpected error");
        }
    }

    @Test
    void aFolderTheIndexListsAsAnUnknownTypeIsRefused() throws Exception {
        // an unknown type puts the comparison after the extraction (the index is not one a backup writes)
        Manifest m = new ForgedBackup().file("a.txt", "ay").dir("docs").indexedAsType("socket").file("docs/x.txt", "ex")
                .writeTo(f.backups, Compression.ZSTD, 1);
        Fixture.Run r = restore(m);
        assertNothingChanged(r);
        assertThat(r.stderr()).contains("docs: restored as a dir, the index lists a socket");
    }

    @Test
    void aFileTheIndexListsWithoutItsSha256IsRefusedNotThrown() throws Exception {
        Manifest m = new ForgedBackup().file("a.txt", "ay").indexedWithoutSha256().file("b.txt", "bee")
                .writeTo(f.backups, Compression.ZSTD, 1);
        Fixture.Run r = restore(m);
        assertNothingChanged(r);
        assertThat(r.stderr()).contains("a.txt: restored content differs from the index")
                .doesNotContain("Exception").doesNotContain("unexpected error");
    }

    @Test
    void anArchiveInItsIndexsOrderIsRestoredWhole() throws Exception {
        Manifest m = new ForgedBackup().dir("a").file("a/x.txt", "ex").file("a b.txt", "space").file("ab.txt", "ab")
                .writeTo(f.backups, Compression.ZSTD, 1);
        Path target = dir.resolve("restored");
        Fixture.Run r = f.cli("restore", "storage", m.id(), "--target", target.toString());
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.stdout()).contains("extracted 3 files").contains("compared each with the index");
        assertThat(target.resolve("a/x.txt")).hasContent("ex");
        assertThat(target.resolve("a b.txt")).hasContent("space");
        assertThat(target.resolve("ab.txt")).hasContent("ab");
        assertThat(Files.isDirectory(target.resolve("a"))).isTrue();
    }
}
