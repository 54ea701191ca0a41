package dev.archivist.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryWalkerTest {
    @TempDir
    Path root;

    private final List<String> entries = new ArrayList<>();
    private final List<SkippedEntry> skipped = new ArrayList<>();

    private void walk(List<String> excludes) throws IOException {
        new DirectoryWalker(root, excludes).walk(new DirectoryWalker.Visitor() {
            @Override
            public void entry(WalkEntry e) {
                entries.add(e.relativePath() + (e.type() == FileStat.Type.DIRECTORY ? "/" : "")
                        + (e.type() == FileStat.Type.SYMLINK ? "@" : ""));
            }

            @Override
            public void skipped(SkippedEntry s) {
                skipped.add(s);
            }
        });
    }

    /**
     * The root is opened by its path: one that leads to another folder than the one checked (a link swapped in at its
     * name after the check) is refused before anything of it is read.
     */
    @Test
    void aRootThatIsNotTheCheckedFolderIsRefused() throws Exception {
        touch("secret.txt");
        Path checked = Files.createDirectory(root.resolveSibling(root.getFileName() + "-checked"));
        Object checkedKey = Files.readAttributes(checked, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        List<String> seen = new ArrayList<>();
        DirectoryWalker walker = new DirectoryWalker(root, List.of()).expectingRoot(checkedKey);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> walker.walk(new DirectoryWalker.Visitor() {
            @Override
            public void entry(WalkEntry e) {
                seen.add(e.relativePath());
            }

            @Override
            public void skipped(SkippedEntry s) {
            }
        })).hasMessageContaining("was replaced by another folder as the backup began");
        assertThat(seen).isEmpty();
        Files.delete(checked);
    }

    /**
     * Folders deeper than the walk may hold open are read from the deepest one held, relative and never through a
     * link: one swapped for a link to a folder elsewhere after it was listed gives nothing of that folder (through its
     * path, its stats and content came from where the link led).
     */
    @Test
    void aFolderBelowTheHeldOnesSwappedForALinkLeadsNowhere() throws Exception {
        touch("album/photo.txt");
        Path outside = Files.createDirectories(root.resolveSibling(root.getFileName() + "-elsewhere"));
        Files.writeString(outside.resolve("photo.txt"), "SECRET");
        Files.writeString(outside.resolve("only-outside.txt"), "SECRET");
        List<WalkEntry> seen = new ArrayList<>();
        List<SkippedEntry> skippedHere = new ArrayList<>();
        try {
            new DirectoryWalker(root, List.of()).holdingAtMost(1).walk(new DirectoryWalker.Visitor() {
                @Override
                public void entry(WalkEntry e) throws IOException {
                    seen.add(e);
                    if (e.relativePath().equals("album")) { // reported once listed: swapped for a link now
                        Files.move(root.resolve("album"), root.resolve("album.moved"));
                        Files.createSymbolicLink(root.resolve("album"), outside);
                    }
                }

                @Override
                public void skipped(SkippedEntry s) {
                    skippedHere.add(s);
                }
            });

            assertThat(seen).extracting(WalkEntry::relativePath).doesNotContain("album/only-outside.txt");
            for (WalkEntry e : seen) {
                if (e.relativePath().equals("album/photo.txt")) {
                    long listed = "album/photo.txt".length(); // touch writes its name; the one elsewhere "SECRET"
                    assertThat(e.stat().size()).as("the listed file's, not the one where the link leads")
                            .isEqualTo(listed);
                    try (var ch = e.folder().openFile(e.name())) {
                        assertThat(ch.size()).isEqualTo(listed);
                    }
                }
            }
            assertThat(seen.size() + skippedHere.size()).isEqualTo(2); // album, and its photo seen or skipped
        } finally {
            seen.forEach(WalkEntry::done);
            Files.delete(root.resolve("album"));
            Files.move(root.resolve("album.moved"), root.resolve("album"));
            dev.archivist.catalog.Durable.deleteTree(outside); // beside the temporary folder, not in it
        }
    }

    private void touch(String rel) throws IOException {
        dev.archivist.testing.Trees.file(root, rel);
    }

    @Test
    void walksDepthFirstInCodePointOrderParentsFirst() throws IOException {
        for (String f : List.of("b/z", "b/a", "a.txt", "a/x", "B", "é", "z\uD83D\uDE00", "z\uFF61", "a/c/d")) {
            touch(f);
        }
        walk(List.of());
        assertThat(entries).containsExactly("B", "a/", "a/c/", "a/c/d", "a/x", "a.txt", "b/", "b/a", "b/z",
                "z\uFF61", "z\uD83D\uDE00", "é");
        assertThat(skipped).isEmpty();
    }

    @Test
    void excludesPruneDirectoriesAndMatchFilesAtAnyDepth() throws IOException {
        for (String f : List.of("a.tmp", "keep/b.tmp", "keep/c.txt", "cache/x/y", "cache2/z", "deep/cache/q")) {
            touch(f);
        }
        walk(List.of("**/*.tmp", "cache/**", "deep/cache"));
        assertThat(entries).containsExactly("cache/", "cache2/", "cache2/z", "deep/", "keep/", "keep/c.txt");
    }

    @Test
    void aPatternEndingInASlashExcludesFoldersOnly() throws IOException {
        for (String f : List.of("cache/x/y", "docs/cache", "docs/tmp/t", "keep/z")) {
            touch(f);
        }
        Files.createSymbolicLink(root.resolve("link"), Path.of("keep"));
        walk(List.of("cache/", "**/cache/", "**/tmp/", "link/"));
        assertThat(entries).containsExactly("docs/", "docs/cache", "keep/", "keep/z", "link@");
    }

    @Test
    void reportsSymlinksWithoutFollowingThem() throws IOException {
        touch("real/file");
        Files.createSymbolicLink(root.resolve("link-dir"), Path.of("real"));
        Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));
        Files.createSymbolicLink(root.resolve("up"), Path.of(".."));
        walk(List.of());
        assertThat(entries).containsExactly("link-dir@", "loop@", "real/", "real/file", "up@");
    }

    @Test
    void skipsFifosAndSocketsWithAReason() throws Exception {
        touch("a");
        Process p = new ProcessBuilder("mkfifo", root.resolve("pipe").toString()).inheritIO().start();
        assertThat(p.waitFor()).isZero();
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(root.resolve("sock")));
            walk(List.of());
        }
        assertThat(entries).containsExactly("a");
        assertThat(skipped).containsExactly(new SkippedEntry("pipe", "fifo"), new SkippedEntry("sock", "socket"));
    }

    @Test
    void givesLstatAttributes() throws IOException {
        touch("f");
        Files.setPosixFilePermissions(root.resolve("f"), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-----"));
        List<WalkEntry> seen = new ArrayList<>();
        new DirectoryWalker(root, List.of()).walk(new DirectoryWalker.Visitor() {
            @Override
            public void entry(WalkEntry e) {
                seen.add(e);
            }

            @Override
            public void skipped(SkippedEntry s) {
            }
        });
        assertThat(seen).singleElement().satisfies(e -> {
            assertThat(e.stat().permissions()).isEqualTo(0740);
            assertThat(e.stat().size()).isEqualTo(1);
            assertThat(e.path()).isEqualTo(root.resolve("f"));
        });
    }

    /** Both sorting paths (with and without surrogate pairs among the names) give UTF-8 byte order. */
    @Property(tries = 300)
    void namesAreSortedInUtf8ByteOrder(@ForAll List<@StringLength(max = 6) @CharRange(from = 'a', to = 'c')
            @CharRange(from = '\uD7FE', to = '\uE001') @CharRange(from = '\uFFFE', to = '\uFFFF') String> names,
            @ForAll boolean withEmoji) {
        List<String> list = new ArrayList<>();
        for (String n : names) { // well-formed UTF-16 only: a file name cannot hold a lone surrogate
            if (StandardCharsets.UTF_8.newEncoder().canEncode(n)) {
                list.add(n);
            }
        }
        if (withEmoji) {
            list.add("\uD83D\uDE00");
            list.add("\uFF61x");
        }
        List<String> expected = new ArrayList<>(list);
        expected.sort((a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8),
                b.getBytes(StandardCharsets.UTF_8)));
        DirectoryWalker.sortByCodePoint(list);
        assertThat(list).isEqualTo(expected);
    }

    @Test
    void codePointComparison() {
        assertThat(DirectoryWalker.compareCodePoints("a", "ab")).isNegative();
        assertThat(DirectoryWalker.compareCodePoints("\uD83D\uDE00", "\uFF61")).isPositive();
        assertThat(DirectoryWalker.compareCodePoints("x", "x")).isZero();
    }

    @Test
    void aNameThatIsNotValidUtf8IsSkippedWithThatReasonNotAsVanished() throws Exception {
        touch("good.txt");
        touch("sub/ok.txt");
        // bytes 0xFF and 0xFE never occur in UTF-8; Java cannot even spell this name, so a shell creates it
        dev.archivist.testing.Trees.sh("cd " + dev.archivist.testing.Trees.q(root)
                + " && printf x > \"$(printf 'bad\\377name.txt')\" && printf y > \"sub/$(printf '\\376')\"");
        walk(List.of());
        assertThat(entries).containsExactly("good.txt", "sub/", "sub/ok.txt");
        assertThat(skipped).extracting(SkippedEntry::reason).containsOnly(DirectoryWalker.NOT_UTF8).hasSize(2);
        assertThat(skipped).extracting(SkippedEntry::path)
                .containsExactlyInAnyOrder("bad\uFFFDname.txt", "sub/\uFFFD");
    }

    /** A name a restore would refuse as a path out of the folder on Windows is skipped and recorded, not stored. */
    @Test
    void aNameThatIsAPathOutOfTheFolderOnWindowsIsSkippedWithThatReason() throws Exception {
        touch("a\\b.txt");
        touch("sub/..\\inside");
        touch("sub/..\\..\\evil");
        touch("..\\evil");
        touch("\\rooted");
        touch("x..\\y");
        walk(List.of());
        assertThat(entries).containsExactly("a\\b.txt", "sub/", "sub/..\\inside", "x..\\y");
        assertThat(skipped).extracting(SkippedEntry::path).containsExactlyInAnyOrder("sub/..\\..\\evil", "..\\evil",
                "\\rooted");
        assertThat(skipped).extracting(SkippedEntry::reason).allSatisfy(r -> assertThat(r)
                .contains("which a restore refuses: not stored (rename it to back it up)"));
    }

    @Test
    void aValidNameThatIsWhatBadNamesDecodeToIsStillWalked() throws Exception {
        // U+FFFD is a valid character: this name is UTF-8, and the file must be backed up
        Files.writeString(root.resolve("bad\uFFFD.txt"), "the real one");
        // two names that are not UTF-8 and that Java decodes to that same string
        dev.archivist.testing.Trees.sh("cd " + dev.archivist.testing.Trees.q(root)
                + " && printf x > \"$(printf 'bad\\377.txt')\" && printf y > \"$(printf 'bad\\376.txt')\"");
        List<String> contents = new ArrayList<>();
        new DirectoryWalker(root, List.of()).walk(new DirectoryWalker.Visitor() {
            @Override
            public void entry(WalkEntry e) throws IOException {
                entries.add(e.relativePath());
                contents.add(Files.readString(e.path()));
            }

            @Override
            public void skipped(SkippedEntry s) {
                skipped.add(s);
            }
        });
        assertThat(entries).containsExactly("bad\uFFFD.txt");
        assertThat(contents).containsExactly("the real one");
        assertThat(skipped).extracting(SkippedEntry::path, SkippedEntry::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple("bad\uFFFD.txt", DirectoryWalker.NOT_UTF8),
                org.assertj.core.groups.Tuple.tuple("bad\uFFFD.txt", DirectoryWalker.NOT_UTF8));
    }
}
