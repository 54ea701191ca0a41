package dev.archivist.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The order a restore relies on to extract in step with the index is the order the backup walks its folder in: every
 * walk of a real tree comes out strictly increasing, whatever its names.
 */
class WalkOrderTest {
    /** Names that sort differently by bytes, by UTF-16 units and by whole paths: separators, dots, spaces, emoji. */
    private static final List<String> NAMES = List.of("a", "b", "B", "a b", "a.txt", "a-", "ab", "é", "z\uFF61",
            "z\uD83D\uDE00", "\uD83D\uDE00", ".hidden", "0");

    @Provide
    Arbitrary<List<List<String>>> trees() {
        return Arbitraries.of(NAMES).list().ofMinSize(1).ofMaxSize(4).list().ofMinSize(1).ofMaxSize(25);
    }

    @Property(tries = 60)
    void everyWalkOfARealTreeIsStrictlyIncreasing(@ForAll("trees") List<List<String>> paths) throws IOException {
        Path root = Files.createTempDirectory("walk-order");
        try {
            for (List<String> parts : paths) {
                Path p = root.resolve(String.join("/", parts));
                try {
                    Files.createDirectories(p.getParent());
                    if (!Files.exists(p)) {
                        Files.writeString(p, "x");
                    }
                } catch (IOException e) {
                    // a name that is already a file where this path needs a folder: that path is left out
                }
            }
            List<String> walked = new ArrayList<>();
            new DirectoryWalker(root, List.of()).walk(new DirectoryWalker.Visitor() {
                @Override
                public void entry(WalkEntry e) {
                    walked.add(e.relativePath());
                    e.done();
                }

                @Override
                public void skipped(SkippedEntry s) {
                }
            });
            assertThat(walked).isNotEmpty();
            for (int i = 1; i < walked.size(); i++) {
                assertThat(WalkOrder.compare(walked.get(i - 1), walked.get(i))).as(walked.toString()).isNegative();
                assertThat(WalkOrder.compare(walked.get(i), walked.get(i - 1))).as(walked.toString()).isPositive();
            }
        } finally {
            dev.archivist.catalog.Durable.deleteTree(root);
        }
    }

    @Test
    void aFolderComesBeforeWhatItHoldsAndThatBeforeLongerNames() {
        assertThat(WalkOrder.compare("a", "a/b")).isNegative();
        assertThat(WalkOrder.compare("a/b", "a b")).isNegative(); // '/' below ' ', though ' ' < '/' as a byte
        assertThat(WalkOrder.compare("a/zzz", "a.txt")).isNegative();
        assertThat(WalkOrder.compare("ab", "a/x")).isPositive();
        assertThat(WalkOrder.compare("z\uFF61", "z\uD83D\uDE00")).isNegative(); // code points, not UTF-16 units
        assertThat(WalkOrder.compare("x/y", "x/y")).isZero();
    }

    @Test
    void insideMeansBelowAFolderNotOnlyStartingWithItsName() {
        assertThat(WalkOrder.isInside("a/b", "a")).isTrue();
        assertThat(WalkOrder.isInside("a/b/c", "a")).isTrue();
        assertThat(WalkOrder.isInside("ab", "a")).isFalse();
        assertThat(WalkOrder.isInside("a", "a")).isFalse();
    }

    @Test
    void onlyPathsArchivistWritesAreClean() {
        assertThat(WalkOrder.isClean("a/b c/d.txt")).isTrue();
        assertThat(WalkOrder.isClean(".hidden/x")).isTrue();
        for (String unclean : List.of("", "/a", "a/", "a//b", "./a", "a/./b", "a/../b", "..", "a\0b")) {
            assertThat(WalkOrder.isClean(unclean)).as(unclean).isFalse();
        }
    }
}
