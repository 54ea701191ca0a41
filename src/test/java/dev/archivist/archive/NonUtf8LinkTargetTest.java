package dev.archivist.archive;

import static dev.archivist.archive.TestTrees.q;
import static dev.archivist.archive.TestTrees.sh;
import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.config.Compression;
import dev.archivist.source.SkippedEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A symlink whose target is not valid UTF-8 (a Latin-1 name, say) was stored with U+FFFD in place of the bad bytes:
 * the archive, GNU tar and a restore gave back a link to another path, with nothing in the manifest and a clean
 * verify. Like a name that is not UTF-8, such a link is now skipped and recorded with the reason.
 */
class NonUtf8LinkTargetTest {
    @TempDir
    Path tmp;

    @Test
    void aLinkWhoseTargetIsNotUtf8IsSkippedAndRecordedNotStoredAltered() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("storage"));
        Files.writeString(root.resolve("kept.txt"), "kept");
        Files.createSymbolicLink(root.resolve("fine"), Path.of("kept.txt"));
        Files.createSymbolicLink(root.resolve("valid-replacement-char"), Path.of("a\uFFFDb")); // valid UTF-8: kept
        // bytes Java cannot give as a String: made by the shell
        sh("cd " + q(root) + " && ln -s $'caf\\xe9.txt' latin1 && ln -s $'x\\xff/y' bad-dir");

        StorageArchiverTest.Run run = StorageArchiverTest.archive(root, tmp.resolve("out"), Compression.ZSTD,
                1 << 30, 1L << 40, new StorageArchiver(), ProgressListener.NONE);

        assertThat(run.result().skipped()).extracting(SkippedEntry::path, SkippedEntry::reason).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("latin1", EntryWriter.NOT_UTF8_TARGET),
                org.assertj.core.groups.Tuple.tuple("bad-dir", EntryWriter.NOT_UTF8_TARGET));
        List<String> entries = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(
                Codecs.decompressor(Compression.ZSTD, Files.newInputStream(run.partPaths().get(0))), "UTF-8")) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.add(e.getName() + (e.isSymbolicLink() ? " -> " + e.getLinkName() : ""));
            }
        }
        assertThat(entries).containsExactlyInAnyOrder("fine -> kept.txt", "kept.txt", "valid-replacement-char -> a\uFFFDb");
        try (IndexReader index = new IndexReader(run.dir().resolve(run.index().fileName()))) {
            List<String> paths = new ArrayList<>();
            index.forEachRemaining(e -> paths.add(e.path()));
            assertThat(paths).containsExactlyInAnyOrder("fine", "kept.txt", "valid-replacement-char");
        }
    }
}
