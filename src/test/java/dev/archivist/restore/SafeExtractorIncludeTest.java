package dev.archivist.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The include filter (--path GLOB) extracts only matching entries, plus the directories they need. */
class SafeExtractorIncludeTest {
    private static final long DOCS_MTIME = 1_500_000_000_000L;

    @TempDir
    Path temp;

    @Test
    void extractsOnlyMatchingFilesAndTheirParents() throws Exception {
        byte[] tar = new TarBuilder()
                .dir("docs/", 0750, DOCS_MTIME).dir("docs/deep/")
                .file("docs/a.txt", "a").file("docs/b.md", "b").file("docs/deep/c.txt", "c")
                .dir("other/").file("other/d.txt", "d").symlink("docs/link.txt", "a.txt")
                .bytes();
        Path staging = Files.createDirectory(temp.resolve("staging"));
        PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:docs/deep/*.txt");

        ExtractionResult result = new SafeExtractor().extract(new ByteArrayInputStream(tar), staging, p -> glob.matches(Path.of(p)));

        try (var walk = Files.walk(staging)) {
            assertThat(walk.map(p -> staging.relativize(p).toString()).filter(s -> !s.isEmpty()).collect(Collectors.toList()))
                    .containsExactlyInAnyOrder("docs", "docs/deep", "docs/deep/c.txt");
        }
        assertThat(result.entries()).extracting(ExtractedEntry::path).containsExactly("docs/deep/c.txt", "docs", "docs/deep");
        assertThat(result.bytesWritten()).isEqualTo(1);
        assertThat(Files.getLastModifiedTime(staging.resolve("docs")).toMillis()).isEqualTo(DOCS_MTIME);
        assertThat(Files.getAttribute(staging.resolve("docs"), "unix:mode")).isEqualTo(040750);
    }

    @Test
    void nonAsciiNamesInPaxHeadersMatchByTheirUnicodePath() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes, "UTF-8")) {
            out.setAddPaxHeadersForNonAsciiNames(true);
            for (String name : List.of("café.txt", "ü/é.txt", "plain.txt")) {
                TarArchiveEntry entry = new TarArchiveEntry(name);
                entry.setSize(1);
                out.putArchiveEntry(entry);
                out.write('x');
                out.closeArchiveEntry();
            }
        }
        Path staging = Files.createDirectory(temp.resolve("staging"));

        ExtractionResult result = new SafeExtractor().extract(new ByteArrayInputStream(bytes.toByteArray()), staging,
                p -> !p.equals("plain.txt"));

        assertThat(result.entries()).extracting(ExtractedEntry::path).containsExactly("café.txt", "ü/é.txt");
        assertThat(staging.resolve("ü/é.txt")).hasContent("x");
        assertThat(staging.resolve("plain.txt")).doesNotExist();
    }

    @Test
    void hardLinkWhoseTargetIsFilteredOutAndNotKeptFailsWithContext() throws Exception {
        byte[] tar = new TarBuilder().file("a.txt", "a").hardLink("b.txt", "a.txt").bytes();
        Path staging = Files.createDirectory(temp.resolve("staging"));

        assertThatThrownBy(() -> new SafeExtractor().extract(new ByteArrayInputStream(tar), staging, p -> p.equals("b.txt")))
                .hasMessageContaining("'b.txt'").hasMessageContaining("add --path 'a.txt'");
    }

    @Test
    void aKeptLinkSourceGivesTheLinkItsContentAndIsRemovedAfterwards() throws Exception {
        byte[] tar = new TarBuilder().file("a.txt", "a").file("c.txt", "c").hardLink("b.txt", "a.txt").bytes();
        Path staging = Files.createDirectory(temp.resolve("staging"));

        ExtractionResult result = new SafeExtractor().extract(new ByteArrayInputStream(tar), staging,
                p -> p.equals("b.txt"), java.util.Set.of("a.txt"));
        assertThat(result.entries()).extracting(ExtractedEntry::path).containsExactly("b.txt");
        assertThat(staging.resolve("b.txt")).hasContent("a");
        assertThat(staging.resolve("a.txt")).doesNotExist();
        assertThat(temp.resolve("staging.hardlinks")).doesNotExist();
    }
}
