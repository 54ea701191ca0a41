package dev.archivist.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.archive.IndexEntry;
import dev.archivist.archive.IndexWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The matcher reads the index along with the archive: in the writer's order it holds no entry back. */
class IndexMatcherTest {
    @TempDir
    Path dir;

    private Path index(int files) throws Exception {
        IndexWriter w = new IndexWriter(dir, "test.index.jsonl.zst");
        w.add(new IndexEntry("d", IndexEntry.DIR, 0, 0, "0755", null, null));
        for (int i = 0; i < files; i++) {
            w.add(new IndexEntry("d/f" + i, IndexEntry.FILE, 1, 0, "0644", null, "00"));
        }
        w.finish();
        return dir.resolve("test.index.jsonl.zst");
    }

    @Test
    void inTheWritersOrderNothingIsHeldBack() throws Exception {
        try (IndexMatcher m = new IndexMatcher(index(50_000))) {
            assertThat(m.take("d/").path()).isEqualTo("d");
            for (int i = 0; i < 50_000; i++) {
                assertThat(m.take("d/f" + i)).isNotNull();
                assertThat(m.unmatchedCount()).isZero();
            }
            List<IndexEntry> left = new ArrayList<>();
            m.drainUnmatched(left::add);
            assertThat(left).isEmpty();
        }
    }

    @Test
    void anEntryNotInTheIndexReadsAheadAtMostTheLimitAndLosesNothing() throws Exception {
        int files = IndexMatcher.MAX_LOOKAHEAD + 10;
        try (IndexMatcher m = new IndexMatcher(index(files))) {
            assertThat(m.take("not/there")).isNull();
            assertThat(m.unmatchedCount()).isEqualTo(IndexMatcher.MAX_LOOKAHEAD);
            assertThat(m.take("d/f7").path()).isEqualTo("d/f7");
            List<String> left = new ArrayList<>();
            m.drainUnmatched(e -> left.add(e.path()));
            assertThat(left).hasSize(files).doesNotContain("d/f7").contains("d", "d/f0", "d/f" + (files - 1));
        }
    }
}
