package dev.archivist.archive;

import static dev.archivist.archive.TestTrees.q;
import static dev.archivist.archive.TestTrees.sh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.archivist.config.Compression;
import dev.archivist.restore.Ownership;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Owner ids are unsigned 32-bit numbers; Java reports those of 2^31 and more (user namespaces, directory services:
 * 3000000000 is a common range) as negative ints. Archived as they were, such files came back owned by root (uid 0)
 * from GNU tar, bsdtar and Archivist's own restore.
 */
class LargeOwnerIdsTest {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    @TempDir
    Path tmp;

    @BeforeEach
    void asRootOnly() throws IOException {
        assumeTrue((Integer) Files.getAttribute(tmp, "unix:uid") == 0, "changing owners needs root");
    }

    @Test
    void idsOf2To31AndMoreAreArchivedAsTheyAreAndGnuTarGivesThemBack() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("storage"));
        Path huge = Files.writeString(root.resolve("huge.txt"), "h");
        Path max = Files.writeString(root.resolve("max.txt"), "m");
        Path dir = Files.createDirectories(root.resolve("dir"));
        Path link = Files.createSymbolicLink(root.resolve("link"), Path.of("huge.txt"));
        Path small = Files.writeString(root.resolve("small.txt"), "s");
        chown(huge, 3_000_000_000L, 3_000_000_001L);
        chown(max, 4_294_967_294L, 4_294_967_294L); // (uid_t) -2, the largest id one can own: -1 means "no change"
        chown(dir, 2_147_483_648L, 2_147_483_649L);
        chown(link, 3_000_000_002L, 3_000_000_003L);
        chown(small, 1000, 1000);

        StorageArchiverTest.Run run = StorageArchiverTest.archive(root, tmp.resolve("out"), Compression.ZSTD,
                1 << 30, 1L << 40, new StorageArchiver(), ProgressListener.NONE);

        Map<String, String> archived = new HashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(
                Codecs.decompressor(Compression.ZSTD, Files.newInputStream(run.partPaths().get(0))), "UTF-8")) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                archived.put(e.getName(), e.getLongUserId() + ":" + e.getLongGroupId());
            }
        }
        assertThat(archived).containsEntry("huge.txt", "3000000000:3000000001")
                .containsEntry("max.txt", "4294967294:4294967294")
                .containsEntry("dir/", "2147483648:2147483649")
                .containsEntry("link", "3000000002:3000000003")
                .containsEntry("small.txt", "1000:1000");

        Path out = StorageArchiverTest.extract(run, Compression.ZSTD, tmp.resolve("gnu"));
        assertThat(sh("stat -c '%n %u:%g' huge.txt max.txt dir link small.txt", out)).isEqualTo(
                "huge.txt 3000000000:3000000001\nmax.txt 4294967294:4294967294\ndir 2147483648:2147483649\n"
                        + "link 3000000002:3000000003\nsmall.txt 1000:1000\n");
    }

    @Test
    void aRestoredFolderTakesOverALargeOwnerOfTheFolderItReplaces() throws Exception {
        Path original = Files.createDirectories(tmp.resolve("live"));
        Path replacement = Files.createDirectories(tmp.resolve("staging"));
        chown(original, 3_000_000_000L, 3_000_000_001L);
        Files.setAttribute(original, "unix:mode", 0750);

        String note = Ownership.takeOverAttributes(original, replacement, "the restored folder");

        assertThat(note).contains("the owner 3000000000:3000000001");
        assertThat(owner(replacement)).isEqualTo("3000000000:3000000001");
        assertThat((Integer) Files.getAttribute(replacement, "unix:mode") & 07777).isEqualTo(0750);
    }

    private static String sh(String script, Path cwd) throws Exception {
        return TestTrees.sh("cd " + q(cwd) + " && " + script);
    }

    private static String owner(Path p) throws IOException {
        return Integer.toUnsignedLong((Integer) Files.getAttribute(p, "unix:uid", NOFOLLOW)) + ":"
                + Integer.toUnsignedLong((Integer) Files.getAttribute(p, "unix:gid", NOFOLLOW));
    }

    private static void chown(Path p, long uid, long gid) throws IOException {
        Files.setAttribute(p, "unix:uid", (int) uid, NOFOLLOW);
        Files.setAttribute(p, "unix:gid", (int) gid, NOFOLLOW);
    }
}
