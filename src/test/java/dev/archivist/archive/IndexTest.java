package dev.archivist.archive;

import static dev.archivist.archive.TestTrees.q;
import static dev.archivist.archive.TestTrees.sh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexTest {
    @TempDir
    Path dir;

    @Test
    void writesJsonLinesThatReadBackInOrder() throws Exception {
        List<IndexEntry> entries = new ArrayList<>();
        entries.add(new IndexEntry("docs", "dir", 0, 1_700_000_000_123L, "0755", null, null));
        entries.add(new IndexEntry("docs/Ünï \"q\".txt", "file", 12, 1_700_000_001_000L, "0644", null, "ab".repeat(32)));
        entries.add(new IndexEntry("link", "symlink", 0, 5, "0777", "../x y", null));
        for (int i = 0; i < 20000; i++) {
            entries.add(new IndexEntry("many/f" + i, "file", i, i, "0600", null, "cd".repeat(32)));
        }
        WrittenFile written;
        try (IndexWriter w = new IndexWriter(dir, IndexWriter.fileNameFor("b"))) {
            for (IndexEntry e : entries) {
                w.add(e);
            }
            assertThat(w.entries()).isEqualTo(entries.size());
            written = w.finish();
        }
        Path file = dir.resolve("b.index.jsonl.zst");
        assertThat(written.fileName()).isEqualTo("b.index.jsonl.zst");
        assertThat(written.size()).isEqualTo(Files.size(file));
        assertThat(written.sha256Hex()).isEqualTo(TestTrees.sha256(file));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        List<IndexEntry> back = new ArrayList<>();
        try (IndexReader r = new IndexReader(file)) {
            r.forEachRemaining(back::add);
        }
        assertThat(back).isEqualTo(entries);
        String firstLines = sh("zstd -d -c " + q(file) + " | head -3");
        assertThat(firstLines).isEqualTo(
                "{\"path\":\"docs\",\"type\":\"dir\",\"size\":0,\"mtime\":1700000000123,\"mode\":\"0755\",\"link\":null,\"sha256\":null}\n"
                + "{\"path\":\"docs/Ünï \\\"q\\\".txt\",\"type\":\"file\",\"size\":12,\"mtime\":1700000001000,\"mode\":\"0644\",\"link\":null,\"sha256\":\"" + "ab".repeat(32) + "\"}\n"
                + "{\"path\":\"link\",\"type\":\"symlink\",\"size\":0,\"mtime\":5,\"mode\":\"0777\",\"link\":\"../x y\",\"sha256\":null}\n");
        assertThat(sh("zstd -d -c " + q(file) + " | wc -l").trim()).isEqualTo(String.valueOf(entries.size()));
        assertThat(dir.toFile().list()).containsExactly("b.index.jsonl.zst");
    }

    @Test
    void closeWithoutFinishDeletesTheTemporaryFile() throws Exception {
        try (IndexWriter w = new IndexWriter(dir, "x.index.jsonl.zst")) {
            w.add(new IndexEntry("a", "file", 1, 1, "0644", null, "00"));
        }
        assertThat(dir.toFile().list()).isEmpty();
    }

    /** Backups of earlier builds have gzip indexes: verify and restore still read them, told apart by their bytes. */
    @Test
    void aGzipIndexOfAnEarlierBuildReadsBackAsWell() throws Exception {
        Path json = Files.writeString(dir.resolve("old.index.jsonl"),
                "{\"path\":\"a b.txt\",\"type\":\"file\",\"size\":3,\"mtime\":7,\"mode\":\"0644\",\"link\":null,"
                + "\"sha256\":\"" + "ef".repeat(32) + "\"}\n"
                + "{\"path\":\"l\",\"type\":\"symlink\",\"size\":0,\"mtime\":8,\"mode\":\"0777\",\"link\":\"a b.txt\","
                + "\"sha256\":null}\n");
        sh("gzip " + q(json));
        List<IndexEntry> back = new ArrayList<>();
        try (IndexReader r = new IndexReader(dir.resolve("old.index.jsonl.gz"))) {
            r.forEachRemaining(back::add);
        }
        assertThat(back).containsExactly(
                new IndexEntry("a b.txt", "file", 3, 7, "0644", null, "ef".repeat(32)),
                new IndexEntry("l", "symlink", 0, 8, "0777", "a b.txt", null));
    }

    @Test
    void aFileThatIsNeitherZstdNorGzipIsRefusedNamingIt() throws Exception {
        Path plain = Files.writeString(dir.resolve("plain.index.jsonl.zst"), "{\"path\":\"a\"}\n");
        assertThatThrownBy(() -> new IndexReader(plain)).isInstanceOf(java.io.IOException.class)
                .hasMessageContaining(plain.toString()).hasMessageContaining("neither zstd nor gzip");
    }

    @Test
    void octalModes() {
        assertThat(IndexEntry.octalMode(0644)).isEqualTo("0644");
        assertThat(IndexEntry.octalMode(04755)).isEqualTo("4755");
        assertThat(new IndexEntry("a", "file", 0, 0, "0750", null, null).permissions()).isEqualTo(0750);
    }
}
