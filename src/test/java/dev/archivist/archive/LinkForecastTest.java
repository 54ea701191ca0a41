package dev.archivist.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archivist.config.Compression;
import dev.archivist.restore.SafeExtractor;
import dev.archivist.restore.UnsafeEntryException;
import dev.archivist.source.SkippedEntry;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code restore_warnings} promises what a default restore refuses. Its check was lexical, the restore's resolves
 * links through the tree's other links: a link that leads out only through another link ({@code up -> dot/..} with
 * {@code dot -> .}) or a lookup that grows without end ({@code a -> b/x}, {@code b -> a/y}) gave a backup with no
 * warning, a clean verify, and a restore that refused it. Both now use {@link SymlinkResolution}. A plain cycle
 * ({@code self -> self}, {@code a -> b} with {@code b -> a}) leads nowhere, so neither warns about it and the restore
 * brings it back as it was, as GNU tar does.
 */
class LinkForecastTest {
    @TempDir
    Path tmp;

    @Test
    void loopsAndLinksLeadingOutThroughOtherLinksAreForecastAsTheRestoreRefusesThem() throws Exception {
        Path root = storage("deep",
                "dot", ".",
                "fine", "dot/f.txt",
                "deep/fine-too", "../dot/dot/f.txt",
                "up", "dot/..",
                "growA", "growB/x",
                "growB", "growA/y",
                "out", "../x"); // the lexical check finds this one

        ArchiveResult warned = archive(root, "one").result();

        assertThat(warned.restoreWarnings()).extracting(SkippedEntry::path)
                .containsExactlyInAnyOrder("out", "up", "growA", "growB");
        assertThat(warned.restoreWarnings()).filteredOn(w -> w.path().equals("up")).singleElement()
                .satisfies(w -> assertThat(w.reason()).contains("dot/..").contains("--allow-outside-symlinks"));
        assertThat(warned.restoreWarnings()).filteredOn(w -> w.path().equals("growA")).singleElement()
                .satisfies(w -> assertThat(w.reason()).contains("loops"));

        // each forecast link alone is refused by the restore; without them, the same tree restores
        for (String link : new String[] {"up", "growA", "out"}) {
            Path alone = Files.createDirectories(tmp.resolve("alone-" + link + "/storage"));
            Files.writeString(alone.resolve("f.txt"), "f");
            Files.createSymbolicLink(alone.resolve("dot"), Path.of("."));
            Files.createSymbolicLink(alone.resolve(link), Files.readSymbolicLink(root.resolve(link)));
            if (link.equals("growA")) {
                Files.createSymbolicLink(alone.resolve("growB"), Path.of("growA/y"));
            }
            StorageArchiverTest.Run run = archive(alone, "alone-" + link);
            assertThat(run.result().restoreWarnings()).extracting(SkippedEntry::path).contains(link);
            assertThatThrownBy(() -> restore(run, "restored-" + link)).isInstanceOf(UnsafeEntryException.class);
        }
        for (String link : new String[] {"up", "growA", "growB", "out"}) {
            Files.delete(root.resolve(link));
        }
        StorageArchiverTest.Run clean = archive(root, "two");
        assertThat(clean.result().restoreWarnings()).isEmpty();
        restore(clean, "restored");
        assertThat(Files.readSymbolicLink(tmp.resolve("restored/deep/fine-too"))).isEqualTo(Path.of("../dot/dot/f.txt"));
    }

    /** A cycle leads nowhere, so it cannot lead out: no warning, and a default restore brings it back as it was. */
    @Test
    void cyclesAreNeitherWarnedAboutNorRefused() throws Exception {
        Path root = storage("d",
                "self", "self",
                "loopA", "loopB",
                "loopB", "loopA",
                "d/ring", "../d/./ring", // the same link by another way
                "via", "loopA/f.txt"); // through a cycle: leads nowhere too

        StorageArchiverTest.Run run = archive(root, "cycles");
        assertThat(run.result().restoreWarnings()).isEmpty();
        restore(run, "restored");
        for (String link : new String[] {"self", "loopA", "loopB", "d/ring", "via"}) {
            assertThat(Files.readSymbolicLink(tmp.resolve("restored").resolve(link)))
                    .isEqualTo(Files.readSymbolicLink(root.resolve(link)));
        }
        assertThat(tmp.resolve("restored/f.txt")).hasContent("f");
    }

    /** {@code tmp/storage} with a folder, a file {@code f.txt} and the symlinks given as (path, target) pairs. */
    private Path storage(String folder, String... linksAndTargets) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("storage"));
        Files.createDirectories(root.resolve(folder));
        Files.writeString(root.resolve("f.txt"), "f");
        for (int i = 0; i < linksAndTargets.length; i += 2) {
            Files.createSymbolicLink(root.resolve(linksAndTargets[i]), Path.of(linksAndTargets[i + 1]));
        }
        return root;
    }

    private StorageArchiverTest.Run archive(Path root, String out) throws Exception {
        return StorageArchiverTest.archive(root, tmp.resolve("out-" + out), Compression.NONE, 1 << 30, 1L << 40,
                new StorageArchiver(), ProgressListener.NONE);
    }

    private void restore(StorageArchiverTest.Run run, String into) throws Exception {
        Path staging = Files.createDirectories(tmp.resolve(into));
        try (InputStream in = Files.newInputStream(run.partPaths().get(0))) {
            new SafeExtractor().extract(in, staging, p -> true);
        }
    }
}
