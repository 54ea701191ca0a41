package dev.archivist.archive;

import static dev.archivist.archive.TestTrees.q;
import static dev.archivist.archive.TestTrees.sh;
import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.config.Compression;
import dev.archivist.testing.RandomTrees;
import dev.archivist.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random storage trees on disk, archived with every codec into small parts, come back whole from the parts
 * concatenated and GNU tar: content, mode and nanosecond mtime of every file and folder, symlink targets as written
 * (inside, absolute, dangling, over 100 bytes), names with spaces, Unicode, shell characters, newlines and up to 255
 * bytes, hard links, empty files and folders. The per-file index and the part checksums agree with what is on disk.
 */
class StorageArchiverRoundTripPropertyTest {
    @Property(tries = 40)
    void everyTreeComesBackWholeThroughGnuTar(@ForAll("seeds") long seed, @ForAll Compression codec) throws Exception {
        Path tmp = Files.createTempDirectory("archivist-roundtrip-");
        try {
            Path root = tmp.resolve("storage");
            Random rnd = new Random(seed);
            RandomTrees.build(root, tmp.resolve("outside"), rnd);
            long chunk = 4096L << rnd.nextInt(5); // 4-64 KiB parts: most trees span several
            StorageArchiverTest.Run run = StorageArchiverTest.archive(root, tmp.resolve("out"), codec, chunk, chunk,
                    new StorageArchiver(), ProgressListener.NONE);

            assertThat(run.result().skipped()).isEmpty();
            assertThat(run.result().changed()).isEmpty();
            for (ArchiveFiles.Part part : run.files().parts()) {
                assertThat(Trees.sha256(run.dir().resolve(part.fileName()))).isEqualTo(part.sha256Hex());
            }
            assertThat(sh(run.catCommand() + " | sha256sum")).startsWith(run.files().sha256Hex());

            Path out = StorageArchiverTest.extract(run, codec, tmp.resolve("extracted"));
            TreeMap<String, String> expected = Trees.describe(root);
            assertThat(Trees.describe(out)).as("seed %d, %s", seed, codec).isEqualTo(expected);
            assertIndexAgrees(run, root, expected);
        } finally {
            sh("chmod -R u+rwx " + q(tmp) + " && rm -rf " + q(tmp));
        }
    }

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs();
    }

    private static void assertIndexAgrees(StorageArchiverTest.Run run, Path root, TreeMap<String, String> tree)
            throws IOException {
        Map<String, IndexEntry> byPath = new HashMap<>();
        try (IndexReader r = new IndexReader(run.dir().resolve(run.index().fileName()))) {
            r.forEachRemaining(e -> byPath.put(e.path(), e));
        }
        assertThat(byPath.keySet()).containsExactlyInAnyOrderElementsOf(tree.keySet());
        for (IndexEntry e : byPath.values()) {
            Path p = root.resolve(e.path());
            assertThat(e.mtime()).as(e.path())
                    .isEqualTo(IndexEntry.millis(Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS)));
            switch (e.type()) {
                case IndexEntry.FILE, IndexEntry.HARDLINK -> {
                    assertThat(e.sha256()).as(e.path()).isEqualTo(Trees.sha256(p));
                    assertThat(e.size()).as(e.path()).isEqualTo(Files.size(p));
                    assertThat(e.mode()).as(e.path()).isEqualTo(octal(p));
                }
                case IndexEntry.SYMLINK -> assertThat(e.link()).as(e.path()).isEqualTo(Files.readSymbolicLink(p).toString());
                case IndexEntry.DIR -> assertThat(e.mode()).as(e.path()).isEqualTo(octal(p));
                default -> throw new AssertionError("unexpected type " + e.type() + " of " + e.path());
            }
        }
    }

    private static String octal(Path p) throws IOException {
        int bits = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
        return String.format("%04o", bits);
    }
}
