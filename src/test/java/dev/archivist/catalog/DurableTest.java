package dev.archivist.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Making a restored tree durable before it is renamed into place. */
class DurableTest {
    @TempDir
    Path dir;

    private Path awkwardTree() throws Exception {
        Path root = Files.createDirectories(dir.resolve("staging/a/b"));
        Path top = dir.resolve("staging");
        Files.writeString(root.resolve("file.txt"), "content");
        Path readOnly = Files.writeString(top.resolve("read-only.txt"), "kept read-only, as restored");
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r--r--r--"));
        Files.createSymbolicLink(top.resolve("dangling"), Path.of("/nonexistent/target"));
        Files.createSymbolicLink(top.resolve("to-outside"), dir);
        Files.createDirectories(top.resolve("empty"));
        return top;
    }

    /**
     * The temporary name of an atomic write can be guessed (pid and a counter): links planted at the next ones, as a
     * user who may write the folder could, are passed over, never written through.
     */
    @Test
    void anAtomicWriteNeverWritesThroughALinkAtItsTemporaryName() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim"), "root's file");
        Path target = dir.resolve("journal.json");
        String last = Durable.tempFor(target).getFileName().toString();
        long next = Long.parseLong(last.substring(last.lastIndexOf('-') + 1)) + 1;
        String stem = last.substring(0, last.lastIndexOf('-') + 1);
        for (long n = next; n < next + 5; n++) {
            Files.createSymbolicLink(dir.resolve(stem + n), victim);
        }

        Durable.writeAtomically(target, "{\"phase\":\"in\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));

        assertThat(victim).hasContent("root's file");
        assertThat(target).hasContent("{\"phase\":\"in\"}");
        assertThat(Files.isSymbolicLink(target)).isFalse();
    }

    @Test
    void fsyncingATreeOpensFilesReadOnlyAndNeverFollowsLinks() throws Exception {
        Path top = awkwardTree();
        Durable.fsyncTree(top); // would throw on the dangling link if it followed links, or on the read-only file
        assertThat(Files.readString(top.resolve("a/b/file.txt"))).isEqualTo("content");
        assertThat(Files.isSymbolicLink(top.resolve("dangling"))).isTrue();
    }

    @Test
    void deletingATreeRemovesItsLinksNotWhatTheyLeadTo() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside/inner"));
        Files.writeString(outside.resolve("keep.txt"), "not the tree's");
        Path top = awkwardTree();
        Files.createSymbolicLink(top.resolve("a/b/to-inner"), outside);
        Path locked = Files.createDirectories(top.resolve("a/locked"));
        Files.writeString(locked.resolve("x"), "x");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-x------"));

        Durable.deleteTree(top);

        assertThat(top).doesNotExist();
        assertThat(outside.resolve("keep.txt")).hasContent("not the tree's");
        assertThat(dir.resolve("outside")).isDirectory();
    }

    /**
     * The tree's own name a link to a folder (a user swapped a staging folder, say): the link goes, what it leads to
     * stays whole, its mode too (a folder the owner may not write used to get rwx by path).
     */
    @Test
    void deletingATreeWhoseNameIsALinkRemovesTheLinkOnly() throws Exception {
        Path roots = Files.createDirectories(dir.resolve("roots/keep"));
        Files.writeString(roots.resolve("f1"), "root's");
        Files.setPosixFilePermissions(roots, PosixFilePermissions.fromString("r-x------"));
        Path staging = Files.createSymbolicLink(dir.resolve(".archivist-restore-staging-x"), roots);

        Durable.deleteTree(staging);

        assertThat(staging).doesNotExist();
        assertThat(roots.resolve("f1")).hasContent("root's");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(roots))).isEqualTo("r-x------");
    }

    @Test
    void syncingATreeUsesOneSyncfsWhereCoreutilsHaveIt() throws Exception {
        assertThat(Durable.syncTree(awkwardTree())).isEqualTo("synced to disk (syncfs)");
    }
}
