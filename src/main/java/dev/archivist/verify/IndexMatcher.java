package dev.archivist.verify;

import dev.archivist.archive.IndexEntry;
import dev.archivist.archive.IndexReader;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Pairs the entries of an archive, as they stream by, with the entries of its index, read along with them.
 *
 * <p>The writer lists every entry in the index in the order it writes it into the tar, so for a sound backup each
 * archive entry is the index's next one and memory stays flat whatever the number of files (a map of the whole
 * index took ~300 bytes per file: a 1,000,000-file backup could not be verified in the launcher's heap). When they
 * differ (an entry missing on one side, a reordered or forged archive), index entries are read ahead into a bounded
 * map of unmatched ones, so a few differences are still reported precisely; past {@link #MAX_LOOKAHEAD} entries of
 * look-ahead an archive entry is reported as not in the index. Order differences never hide a problem: every index
 * entry not matched is reported as missing, every archive entry not found as unexpected.
 *
 * <p>Paths are compared without a trailing {@code /} (tar names of directories carry one).
 */
final class IndexMatcher implements Closeable {
    static final int MAX_LOOKAHEAD = 100_000;

    private final IndexReader reader;
    private final Map<String, IndexEntry> unmatched = new LinkedHashMap<>();

    IndexMatcher(Path indexFile) throws IOException {
        this.reader = new IndexReader(indexFile);
    }

    /** The index entry for the archive entry at {@code path}, or {@code null} when the index does not list it. */
    IndexEntry take(String path) {
        String key = strip(path);
        IndexEntry earlier = unmatched.remove(key);
        if (earlier != null) {
            return earlier;
        }
        while (unmatched.size() < MAX_LOOKAHEAD && reader.hasNext()) {
            IndexEntry next = reader.next();
            String nextKey = strip(next.path());
            if (nextKey.equals(key)) {
                return next;
            }
            unmatched.putIfAbsent(nextKey, next);
        }
        return null;
    }

    /** Hands every index entry never taken to {@code sink}: those read ahead, then the rest of the index. */
    void drainUnmatched(Consumer<IndexEntry> sink) {
        unmatched.values().forEach(sink);
        unmatched.clear();
        while (reader.hasNext()) {
            sink.accept(reader.next());
        }
    }

    /** How many index entries were read ahead and are not matched yet. */
    int unmatchedCount() {
        return unmatched.size();
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }

    static String strip(String path) {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
