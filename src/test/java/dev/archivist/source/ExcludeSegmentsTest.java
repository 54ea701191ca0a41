package dev.archivist.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Excludes on a real folder, as {@code .gitignore} and rsync read them: {@code **} crosses folders only as a whole
 * name ({@code a**b} is {@code a*b}, which stays within one name), and repeated slashes are one ({@code a//b} is
 * {@code a/b}): {@code a//b} silently excluded nothing and {@code a**b} also excluded {@code a/x/b}.
 */
class ExcludeSegmentsTest {
    @TempDir
    Path root;

    private List<String> excluded(String... globs) throws IOException {
        List<String> out = new ArrayList<>();
        new DirectoryWalker(root, List.of(globs)).walk(new DirectoryWalker.Visitor() {
            @Override
            public void entry(WalkEntry entry) {
            }

            @Override
            public void skipped(SkippedEntry skipped) {
            }

            @Override
            public void excluded(String relativePath) {
                out.add(relativePath);
            }
        });
        out.sort(null);
        return out;
    }

    private void file(String path) throws IOException {
        dev.archivist.testing.Trees.file(root, path);
    }

    @Test
    void doubleStarsInsideANameStayWithinIt() throws IOException {
        for (String f : List.of("a/b/f", "a/x/b/g", "ab/h", "aXb/i", "top.tmp", "sub/deep/d.tmp", "x.log", "sub/y.log",
                "cache/sub/c", "keep.txt")) {
            file(f);
        }
        assertThat(excluded("a**b")).containsExactly("aXb", "ab");
        assertThat(excluded("a/**b")).containsExactly("a/b");
        assertThat(excluded("a**/b")).containsExactly("a/b");
        assertThat(excluded("*.**")).containsExactly("keep.txt", "top.tmp", "x.log");
        // a whole name: any depth, as before
        assertThat(excluded("**/*.tmp")).containsExactly("sub/deep/d.tmp", "top.tmp");
        assertThat(excluded("a/**/b")).containsExactly("a/b", "a/x/b");
        assertThat(excluded("cache/**")).containsExactly("cache/sub");
        assertThat(excluded("*.log")).containsExactly("x.log");
        assertThat(excluded("{**/d.tmp,ab}")).containsExactly("ab", "sub/deep/d.tmp");
    }

    @Test
    void repeatedSlashesAreOne() throws IOException {
        file("a/b/f");
        file("a/x/b/g");
        file("c/d");
        assertThat(excluded("a//b")).containsExactly("a/b");
        assertThat(excluded("a///x//b/")).containsExactly("a/x/b");
        assertThat(excluded("a/./b")).containsExactly("a/b");
        assertThat(excluded("//c//d")).containsExactly("c/d");
        assertThat(excluded(".//a//**//g")).containsExactly("a/x/b/g");
        assertThat(excluded(root + "//c/d")).containsExactly("c/d");
    }
}
