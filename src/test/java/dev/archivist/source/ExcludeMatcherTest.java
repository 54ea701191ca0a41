package dev.archivist.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Exclude globs: {@code *} within a name, {@code **}{@code /} for zero or more folders, wherever it stands. */
class ExcludeMatcherTest {
    @Test
    void aDoubleStarFolderMatchesZeroOrMoreFoldersAtTheStartAndInTheMiddle() {
        ExcludeMatcher m = new ExcludeMatcher(List.of("**/*.tmp", "docs/**/*.txt", "a/**/b/**/c"));
        assertThat(m.excluded("x.tmp")).isTrue();
        assertThat(m.excluded("deep/er/x.tmp")).isTrue();
        assertThat(m.excluded("docs/a.txt")).isTrue();
        assertThat(m.excluded("docs/sub/deeper/a.txt")).isTrue();
        assertThat(m.excluded("other/a.txt")).isFalse();
        assertThat(m.excluded("docs/a.md")).isFalse();
        assertThat(m.excluded("a/b/c")).isTrue();
        assertThat(m.excluded("a/x/b/y/z/c")).isTrue();
        assertThat(m.excluded("a/c")).isFalse();
    }

    @Test
    void aSingleStarStaysWithinOneName() {
        ExcludeMatcher m = new ExcludeMatcher(List.of("*.tmp", "cache/**"));
        assertThat(m.excluded("a.tmp")).isTrue();
        assertThat(m.excluded("x/a.tmp")).isFalse();
        assertThat(m.excluded("cache/x/y")).isTrue();
        assertThat(m.excluded("cache")).isFalse();
    }

    /** The JDK's glob turns {@code **} into a regex that stops at line breaks: such names escaped the exclusion. */
    @Test
    void aDoubleStarCoversNamesWithLineBreaks() {
        ExcludeMatcher m = new ExcludeMatcher(List.of("cache/**", "**/*.tmp", "logs/"));
        for (String br : new String[] {"\n", "\r", "\u0085", "\u2028", "\u2029"}) {
            assertThat(m.excluded("cache/new" + br + "line.txt")).isTrue();
            assertThat(m.excluded("cache/d" + br + "ir/inner.txt")).isTrue();
            assertThat(m.excluded("d" + br + "ir/x.tmp")).isTrue();
            assertThat(m.excluded("d" + br + "ir/x.txt")).isFalse();
        }
    }

    @Test
    void aTrailingSlashMatchesFoldersOnly() {
        ExcludeMatcher m = new ExcludeMatcher(List.of("cache/", "**/node_modules/", "/build//"));
        assertThat(m.excludedFolder("cache")).isTrue();
        assertThat(m.excluded("cache")).as("a file named cache stays").isFalse();
        assertThat(m.excludedFolder("x/cache")).as("relative to the root, like any pattern").isFalse();
        assertThat(m.excludedFolder("node_modules")).isTrue();
        assertThat(m.excludedFolder("a/b/node_modules")).isTrue();
        assertThat(m.excludedFolder("build")).isTrue();
        assertThat(new ExcludeMatcher(List.of("/", " ")).excludedFolder("")).isFalse();
    }

    @Test
    void aLeadingSlashOrDotSlashMeansTheStorageRoot() {
        ExcludeMatcher m = new ExcludeMatcher(List.of("./cache/**", "/tmp", ".//x/*.log"));
        assertThat(m.excluded("cache/a")).isTrue();
        assertThat(m.excluded("tmp")).isTrue();
        assertThat(m.excluded("x/a.log")).isTrue();
        assertThat(m.excluded("y/tmp")).isFalse();
    }

    /** restic's excludes are absolute paths: one under the storage folder means the same path inside it. */
    @Test
    void anAbsolutePathUnderTheStorageFolderMeansThatPathInsideIt() {
        ExcludeMatcher m = new ExcludeMatcher(List.of("/srv/app/storage/cache/**", "/srv/other/*.log"),
                java.nio.file.Path.of("/srv/app/storage"));
        assertThat(m.excluded("cache/a")).isTrue();
        assertThat(m.excluded("srv/app/storage/cache/a")).isFalse();
        assertThat(m.excluded("srv/other/x.log")).isTrue(); // not under the folder: anchored at its root as before
    }

    /** A leading '!' is refused as a configuration problem (not a negation); escaped, it matches the name. */
    @Test
    void anEscapedExclamationMarkMatchesANameStartingWithIt() {
        ExcludeMatcher m = new ExcludeMatcher(dev.archivist.config.Globs.splitList("\\!keep/**,*.tmp"));
        assertThat(m.excluded("!keep/a")).isTrue();
        assertThat(m.excluded("keep/a")).isFalse();
    }

    /** A storage folder reached through a symlink (on a data volume): its real path works as well as the link's. */
    @Test
    void anAbsolutePathThroughTheRealFolderOfASymlinkedStorageFolderMeansThatPathInsideIt(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path real = java.nio.file.Files.createDirectories(tmp.resolve("volume/storage"));
        java.nio.file.Path link = java.nio.file.Files.createSymbolicLink(tmp.resolve("storage"), real);
        ExcludeMatcher m = new ExcludeMatcher(List.of(real.toRealPath() + "/cache/**", link + "/tmp/**"), link);
        assertThat(m.excluded("cache/a")).isTrue();
        assertThat(m.excluded("tmp/a")).isTrue();
        assertThat(m.excluded("photos/a")).isFalse();
    }

    /**
     * Every '**' + '/' may match zero folders, however many a pattern holds (a cap of 16 forms silently dropped the
     * zero-folder case from five on); more than eight in one pattern are refused as a configuration problem instead.
     */
    @Test
    void everyDoubleStarFolderMayMatchZeroFoldersUpToEightOfThem() {
        ExcludeMatcher five = new ExcludeMatcher(List.of("a/**/b/**/c/**/d/**/e/**/f.tmp"));
        assertThat(five.excluded("a/b/c/d/e/f.tmp")).isTrue();
        assertThat(five.excluded("a/x/b/c/y/d/e/z/f.tmp")).isTrue();
        assertThat(five.excluded("a/b/c/d/e/g.tmp")).isFalse();
        String eight = "**/a/**/b/**/c/**/d/**/e/**/f/**/g/**/h";
        assertThat(dev.archivist.config.Globs.zeroFolderVariants(eight)).hasSize(256).contains("a/b/c/d/e/f/g/h");
        assertThat(dev.archivist.config.Globs.problem(eight)).isNull();
        assertThat(dev.archivist.config.Globs.problem(eight + "/**/i")).isEqualTo("more than 8 '**/' in one pattern");
    }
}
