package dev.archivist.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Hostile archives (tar slip and friends) are refused, naming the entry, and nothing appears outside staging. */
class SafeExtractorHostileTest {
    private static final byte[] NOT_UTF8 = {'b', 'a', 'd', (byte) 0xff, (byte) 0xc3, '.', 't', 'x', 't'};

    @TempDir
    Path temp;

    static Stream<Arguments> hostileArchives() {
        return Stream.of(
                hostile("dot-dot", new TarBuilder().file("../evil", "x"), "../evil", "path escapes the target (..)"),
                hostile("dot-dot inside", new TarBuilder().file("a/../../evil", "x"), "a/../../evil", "escapes the target (..)"),
                hostile("dot-dot harmless-looking", new TarBuilder().file("a/../evil", "x"), "a/../evil", "escapes the target (..)"),
                hostile("absolute", new TarBuilder().file("/abs/evil", "x"), "/abs/evil", "absolute"),
                hostile("absolute dir", new TarBuilder().dir("/tmp/"), "/tmp/", "absolute"),
                hostile("empty name", new TarBuilder().file("", "x"), "", "empty"),
                hostile("root as a file", new TarBuilder().file("./", ""), "./", "regular file name ends with '/'"),
                hostile("NUL in PAX path", new TarBuilder().pax(Map.of("path", TarBuilder.utf8("a\0b"))).file("a", "x"), "a\0b", "NUL"),
                hostile("name not UTF-8", new TarBuilder().entry(NOT_UTF8, TarConstants.LF_NORMAL, null, new byte[1], 0644, 0),
                        EntryNames.decodeLossy(NOT_UTF8), "not valid UTF-8"),
                hostile("PAX path not UTF-8", new TarBuilder().pax(Map.of("path", NOT_UTF8)).file("fine.txt", "x"),
                        EntryNames.decodeLossy(NOT_UTF8), "not valid UTF-8"),
                hostile("GNU long absolute name", new TarBuilder().file("/" + "x".repeat(150), "x"), "/" + "x".repeat(150), "absolute"),
                hostile("PAX absolute path", new TarBuilder().pax(Map.of("path", TarBuilder.utf8("/etc/cron.d/evil"))).file("fine", "x"),
                        "/etc/cron.d/evil", "absolute"),
                hostile("symlink to /etc, then a file under it",
                        new TarBuilder().symlink("link", "/etc").file("link/passwd", "root::0:0::/:/bin/sh"), "link", "is absolute"),
                hostile("file through an inside symlink",
                        new TarBuilder().dir("sub/").symlink("link", "sub").file("link/passwd", "x"), "link/passwd", "goes through the symlink 'link'"),
                hostile("symlink up, then a file under it",
                        new TarBuilder().symlink("up", "../..").file("up/x", "x"), "up", "escapes the target"),
                hostile("symlink out, nothing under it", new TarBuilder().symlink("out", "../outside"), "out", "escapes the target"),
                hostile("nested symlink out", new TarBuilder().dir("a/").dir("a/b/").symlink("a/b/out", "../../../outside"), "a/b/out", "escapes"),
                hostile("symlink out through an earlier symlink",
                        new TarBuilder().dir("d/").symlink("d/up", "..").symlink("q", "d/up/../.."), "q", "escapes"),
                hostile("symlink made escaping by a later symlink",
                        new TarBuilder().symlink("a", "b/..").symlink("b", "."), "a", "escapes"),
                hostile("symlink loop", new TarBuilder().symlink("a", "b/x").symlink("b", "a/y"), "b", "loops"),
                hostile("hard link to /etc/passwd", new TarBuilder().hardLink("h", "/etc/passwd"), "h", "hard link target is absolute"),
                hostile("hard link outside", new TarBuilder().hardLink("h", "../outside/sentinel.txt"), "h", "hard link target escapes"),
                hostile("hard link to a missing file", new TarBuilder().hardLink("h", "nowhere"), "h", "not a regular file earlier"),
                hostile("hard link to a symlink", new TarBuilder().file("f", "x").symlink("s", "f").hardLink("h", "s"), "h", "not a regular file"),
                hostile("character device", new TarBuilder().special("null", TarConstants.LF_CHR), "null", "character device"),
                hostile("block device", new TarBuilder().special("sda", TarConstants.LF_BLK), "sda", "block device"),
                hostile("FIFO", new TarBuilder().special("pipe", TarConstants.LF_FIFO), "pipe", "FIFO"),
                hostile("unknown type", new TarBuilder().special("vol", (byte) 'V'), "vol", "unsupported entry type 'V'"),
                hostile("duplicate file", new TarBuilder().file("f", "1").file("f", "2"), "f", "duplicate"),
                hostile("file replaced by symlink", new TarBuilder().file("f", "1").symlink("f", "g"), "f", "duplicate"),
                hostile("directory replaced by symlink", new TarBuilder().file("d/f", "1").symlink("d", "."), "d", "duplicate"),
                hostile("file under a file", new TarBuilder().file("f", "1").file("f/x", "2"), "f/x", "not a directory"),
                hostile("empty component", new TarBuilder().file("a//b", "x"), "a//b", "empty or '.' component"),
                hostile("global PAX rename", new TarBuilder().globalPax(Map.of("path", TarBuilder.utf8("x"))).file("f", "x"), "f", "global PAX"));
    }

    private static Arguments hostile(String name, TarBuilder tar, String entryName, String reason) {
        return Arguments.of(Named.of(name, tar.bytes()), entryName, reason);
    }

    @ParameterizedTest
    @MethodSource("hostileArchives")
    void refusesAndWritesNothingOutside(byte[] tar, String entryName, String reason) {
        Sandbox sandbox = new Sandbox(temp);
        Map<String, String> before = sandbox.snapshotOutsideStaging();

        UnsafeEntryException e = catchThrowableOfType(UnsafeEntryException.class,
                () -> new SafeExtractor().extract(new ByteArrayInputStream(tar), sandbox.staging, p -> true));

        assertThat(e).as("extraction must be refused").isNotNull();
        assertThat(e.entryName()).isEqualTo(entryName);
        assertThat(e.getMessage()).startsWith("unsafe entry '" + EntryNames.display(entryName) + "': ").contains(reason);
        assertThat(sandbox.snapshotOutsideStaging()).isEqualTo(before);
    }

    /** A hostile entry makes the archive hostile: refused even when the filter leaves the entry out. */
    @Test
    void refusesUnsafeEntriesEvenWhenTheFilterExcludesThem() throws Exception {
        Sandbox sandbox = new Sandbox(temp);
        byte[] tar = new TarBuilder().file("keep.txt", "x").file("../skipped", "planted").bytes();

        UnsafeEntryException e = catchThrowableOfType(UnsafeEntryException.class, () -> new SafeExtractor()
                .extract(new ByteArrayInputStream(tar), sandbox.staging, p -> p.equals("keep.txt")));

        assertThat(e.entryName()).isEqualTo("../skipped");
    }

    /**
     * A symlink leading outside is an operator's data as often as an attack (a storage folder may hold one): a
     * partial restore that leaves it out is not refused for it, one that takes it is.
     */
    @Test
    void anOutsideSymlinkTheFilterLeavesOutIsNoReasonToRefuse() throws Exception {
        Sandbox sandbox = new Sandbox(temp);
        Map<String, String> before = sandbox.snapshotOutsideStaging();
        byte[] tar = new TarBuilder().file("keep.txt", "x").symlink("skipped", "../outside").symlink("via", "skipped/x")
                .bytes();

        new SafeExtractor().extract(new ByteArrayInputStream(tar), sandbox.staging, p -> p.equals("keep.txt"));
        assertThat(sandbox.staging.resolve("keep.txt")).hasContent("x");
        assertThat(sandbox.staging.resolve("skipped")).doesNotExist();
        assertThat(sandbox.snapshotOutsideStaging()).isEqualTo(before);

        // a link that is taken is still resolved through the one left out: 'via' leads outside through 'skipped'
        Sandbox second = new Sandbox(Files.createDirectories(temp.resolve("second")));
        UnsafeEntryException e = catchThrowableOfType(UnsafeEntryException.class, () -> new SafeExtractor()
                .extract(new ByteArrayInputStream(tar), second.staging, p -> !p.equals("skipped")));
        assertThat(e.entryName()).isEqualTo("via");
    }

    /**
     * A backslash and a drive prefix are ordinary characters of a POSIX name: such entries land, named as they are,
     * inside the staging folder, as GNU tar extracts them. (They were refused, which made a whole backup holding one
     * such legal file unrestorable, even a {@code --path} restore of other files.)
     */
    @Test
    void backslashesAndDrivePrefixesAreOrdinaryCharacters() throws Exception {
        Sandbox sandbox = new Sandbox(temp);
        Map<String, String> before = sandbox.snapshotOutsideStaging();
        byte[] tar = new TarBuilder().file("C:\\evil", "2").dir("C:/").file("C:/evil", "3")
                .file("docs/a\\b.txt", "4").symlink("link", "docs/a\\b.txt").file("x\\..y", "5")
                .file("docs/..\\inside", "6").file("docs/\\x", "7").bytes();

        new SafeExtractor().extract(new ByteArrayInputStream(tar), sandbox.staging, p -> true);

        assertThat(Files.readString(sandbox.staging.resolve("C:\\evil"))).isEqualTo("2");
        assertThat(Files.readString(sandbox.staging.resolve("C:").resolve("evil"))).isEqualTo("3");
        assertThat(Files.readString(sandbox.staging.resolve("link"))).isEqualTo("4");
        assertThat(Files.readString(sandbox.staging.resolve("x\\..y"))).isEqualTo("5");
        assertThat(Files.readString(sandbox.staging.resolve("docs/..\\inside"))).isEqualTo("6");
        assertThat(Files.readString(sandbox.staging.resolve("docs/\\x"))).isEqualTo("7");
        assertThat(sandbox.snapshotOutsideStaging()).isEqualTo(before);
    }

    /**
     * What is a path out of the folder where a backslash separates folders ({@code ..\evil}, {@code a\..\..\evil},
     * a leading backslash) is refused like {@code ../evil}, naming the entry: the restored tree may be copied to a
     * Windows share. (A backup does not store such names, so no backup of ours holds one.)
     */
    @Test
    void backslashPathsOutOfTheFolderAreRefused() throws Exception {
        for (String name : List.of("..\\evil", "docs\\..\\..\\evil", "docs/a\\..\\..\\..\\evil", "\\evil", "..\\")) {
            Sandbox sandbox = new Sandbox(Files.createDirectories(temp.resolve("case" + Math.abs(name.hashCode()))));
            Map<String, String> before = sandbox.snapshotOutsideStaging();
            byte[] tar = new TarBuilder().file("ok.txt", "fine").file(name, "1").bytes();
            UnsafeEntryException e = catchThrowableOfType(UnsafeEntryException.class, () -> new SafeExtractor()
                    .extract(new ByteArrayInputStream(tar), sandbox.staging, p -> true));
            assertThat(e).as(name).isNotNull();
            assertThat(e.entryName()).isEqualTo(name);
            assertThat(e).hasMessageContaining("escapes the target on Windows");
            assertThat(sandbox.snapshotOutsideStaging()).isEqualTo(before);
        }
    }

    @Test
    void refusesANonEmptyStaging() throws Exception {
        Sandbox sandbox = new Sandbox(temp);
        Files.writeString(sandbox.staging.resolve("old"), "x");

        Exception e = catchThrowableOfType(java.io.IOException.class, () -> new SafeExtractor()
                .extract(new ByteArrayInputStream(new TarBuilder().bytes()), sandbox.staging, p -> true));

        assertThat(e).hasMessageContaining("is not empty");
    }

    @Test
    void neverRestoresSetuidOrSetgid() throws Exception {
        Sandbox sandbox = new Sandbox(temp);
        byte[] tar = new TarBuilder().file("suid", new byte[] {1}, 06777, TarBuilder.MTIME).bytes();

        ExtractionResult result = new SafeExtractor().extract(new ByteArrayInputStream(tar), sandbox.staging, p -> true);

        assertThat(result.entries().get(0).mode()).isEqualTo(0777);
        assertThat(Files.getAttribute(sandbox.staging.resolve("suid"), "unix:mode")).isEqualTo(0100777);
    }
}
