package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.archive.IndexEntry;
import dev.archivist.catalog.Manifest;
import dev.archivist.config.Compression;
import dev.archivist.verify.Problem;
import dev.archivist.verify.VerifyReport;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deep verify pairs archive entries with index entries as both stream by (flat memory): every file the index lists but
 * the archive lacks, and every file the archive holds but the index does not list, is reported by name, and nothing
 * else; an index in another order than the archive still matches entry for entry.
 */
class VerifyMatchesIndexTest {
    @TempDir
    Path dir;

    private VerifyReport verify(ForgedBackup forged) throws Exception {
        Fixture f = new Fixture(dir);
        Manifest m = forged.writeTo(f.backups, Compression.ZSTD, 2);
        return f.service().verify(m, true);
    }

    private static ForgedBackup tree() {
        return new ForgedBackup().dir("a").file("a/one.txt", "one").file("a/two.txt", "two").dir("b")
                .file("b/three.txt", "three").file("z.txt", "last");
    }

    private static List<String> problems(VerifyReport r) {
        return r.problems().stream().map(p -> p.where() + ": " + p.what()).toList();
    }

    @Test
    void aSoundArchiveIsClean() throws Exception {
        VerifyReport r = verify(tree());
        assertThat(problems(r)).isEmpty();
        assertThat(r.filesChecked()).isEqualTo(4);
    }

    @Test
    void aFileMissingFromTheArchiveIsNamedAlone() throws Exception {
        VerifyReport r = verify(tree().indexedOnly("a/lost.txt", "lost"));
        assertThat(problems(r)).containsExactly("file a/lost.txt: listed in the index but missing from the archive");
    }

    @Test
    void aFileMissingFromTheIndexIsNamedAlone() throws Exception {
        ForgedBackup forged = new ForgedBackup().dir("a").file("a/one.txt", "one").unindexedFile("a/smuggled.txt", "x")
                .file("a/two.txt", "two").file("z.txt", "last");
        VerifyReport r = verify(forged);
        assertThat(problems(r)).containsExactly("file a/smuggled.txt: in the archive but not in the index");
        assertThat(r.filesChecked()).isEqualTo(3);
    }

    @Test
    void bothKindsTogetherAndAContentMismatchAreAllReported() throws Exception {
        ForgedBackup forged = new ForgedBackup().dir("a").indexedOnly("a/gone.txt", "g").file("a/one.txt", "one")
                .unindexedFile("a/p-extra.txt", "x").fileIndexedAs("a/two.txt", "two", "TWO").file("z.txt", "last");
        assertThat(problems(verify(forged))).containsExactlyInAnyOrder(
                "file a/gone.txt: listed in the index but missing from the archive",
                "file a/p-extra.txt: in the archive but not in the index",
                "file a/two.txt: content SHA-256 differs from the index");
    }

    @Test
    void aFolderTheIndexListsAsAnotherTypeIsNamed() throws Exception {
        // a restore refuses such an archive (RestoreInStepWithIndexTest), so verify must not call it clean
        for (String type : new String[] {IndexEntry.FILE, IndexEntry.HARDLINK, IndexEntry.SYMLINK, "socket"}) {
            ForgedBackup forged = new ForgedBackup().dir("a").indexedAsType(type).file("a/one.txt", "one")
                    .file("z.txt", "last");
            assertThat(problems(verify(forged))).as(type)
                    .containsExactly("file a: a dir in the archive, the index lists a " + type);
        }
    }

    @Test
    void aFileTheIndexListsAsAFolderIsNamedOnce() throws Exception {
        ForgedBackup forged = new ForgedBackup().dir("a").file("a/one.txt", "one").indexedAsType(IndexEntry.DIR)
                .file("z.txt", "last");
        assertThat(problems(verify(forged))).containsExactly("file a/one.txt: a file in the archive, the index lists a dir");
    }

    @Test
    void anIndexInAnotherOrderStillMatchesEveryEntry() throws Exception {
        VerifyReport r = verify(tree().indexReversed());
        assertThat(r.problems()).extracting(Problem::what).isEmpty();
        assertThat(r.filesChecked()).isEqualTo(4);
    }
}
