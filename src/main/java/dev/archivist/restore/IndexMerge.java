package dev.archivist.restore;

import dev.archivist.archive.IndexEntry;
import dev.archivist.archive.IndexReader;
import dev.archivist.source.WalkOrder;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Walks the per-file index beside an extraction in {@link WalkOrder}: each extracted entry is matched with the index
 * entry at its path as it is written, so nothing of what was extracted has to be kept for a comparison afterwards.
 * Reports what the comparison after extraction reports ({@link StorageRestorer#compare}): content or link target that
 * differ, an entry restored that the index does not list, an included entry the index lists that was not restored;
 * and an entry restored as another type than the index lists. The first {@value #KEPT} problems are kept in full.
 */
final class IndexMerge implements Closeable {
    static final int KEPT = 10;

    private final IndexReader reader;
    private final Predicate<String> include;
    private final List<String> problems = new ArrayList<>();
    private long problemCount;
    private IndexEntry next;

    IndexMerge(Path indexFile, Predicate<String> include) throws IOException {
        this.reader = new IndexReader(indexFile);
        this.include = include;
        this.next = read();
    }

    /**
     * The index's entry for {@code path} (the next archive entry, in walk order), or null when the index has none;
     * every index entry before it that an extraction should have restored is reported as missing.
     */
    IndexEntry advanceTo(String path) {
        while (next != null && WalkOrder.compare(strip(next.path()), path) < 0) {
            missing(next);
            next = read();
        }
        if (next != null && strip(next.path()).equals(path)) {
            IndexEntry found = next;
            next = read();
            return found;
        }
        return null;
    }

    /** Compares a restored entry with its index entry ({@code want}, null when the index has none). */
    void check(ExtractedEntry e, IndexEntry want) {
        if (want == null) {
            if (!ExtractedEntry.DIR.equals(e.type())) {
                problem(e.path() + ": restored but not in the index");
            }
            return;
        }
        String difference = difference(e, want);
        if (difference != null) {
            problem(difference);
        }
    }

    /**
     * What differs between a restored entry and its index entry, or null when they match: the type first (a forged
     * or damaged index may list a folder as a file, with no content to compare), then a file's size and SHA-256 or a
     * symlink's target; a field the index lacks differs from any value.
     */
    static String difference(ExtractedEntry e, IndexEntry want) {
        String path = strip(e.path());
        if (!e.type().equals(restoredType(want))) {
            return path + ": restored as a " + e.type() + ", the index lists a " + want.type();
        }
        if (want.hasContent()) {
            if (e.size() != want.size() || !Objects.equals(want.sha256(), e.sha256())) {
                return path + ": restored content differs from the index";
            }
        } else if (IndexEntry.SYMLINK.equals(want.type()) && !Objects.equals(want.link(), e.linkTarget())) {
            return path + ": symlink target differs from the index";
        }
        return null;
    }

    /** Reports what is left of the index as missing; returns every problem found. */
    List<String> finish() {
        while (next != null) {
            missing(next);
            next = read();
        }
        List<String> all = new ArrayList<>(problems);
        if (problemCount > problems.size()) {
            all.add("and " + (problemCount - problems.size()) + " more");
        }
        return all;
    }

    /** The first {@value #KEPT} of {@code problems} and a count of the others, as {@link #finish} gives them. */
    static List<String> firstOf(List<String> problems) {
        if (problems.size() <= KEPT) {
            return problems;
        }
        List<String> first = new ArrayList<>(problems.subList(0, KEPT));
        first.add("and " + (problems.size() - KEPT) + " more");
        return first;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }

    private void missing(IndexEntry want) {
        String path = strip(want.path());
        if (include.test(path) && !IndexEntry.DIR.equals(want.type())) {
            problem(path + ": in the index but not restored");
        }
    }

    private void problem(String problem) {
        if (problemCount++ < KEPT) {
            problems.add(problem);
        }
    }

    private IndexEntry read() {
        return reader.hasNext() ? reader.next() : null;
    }

    /** The type an index entry is restored as; an unknown type (never written by a backup) is none of them. */
    private static String restoredType(IndexEntry want) {
        return switch (String.valueOf(want.type())) {
            case IndexEntry.DIR -> ExtractedEntry.DIR;
            case IndexEntry.SYMLINK -> ExtractedEntry.SYMLINK;
            case IndexEntry.FILE, IndexEntry.HARDLINK -> ExtractedEntry.FILE;
            default -> "unknown type '" + want.type() + "'";
        };
    }

    static String strip(String p) {
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }
}
