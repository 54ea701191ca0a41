package dev.archivist;

import dev.archivist.archive.IndexEntry;
import dev.archivist.archive.IndexReader;
import dev.archivist.source.WalkOrder;
import java.io.IOException;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What changed between two storage backups, from their per-file indexes (as {@code restic diff}): entries added,
 * removed, modified (other content: SHA-256 or size; a symlink's target) or of another type, and, when asked, entries
 * whose mode or mtime alone changed. Both indexes are read once, side by side: a merge in the order the backup walks
 * (depth-first, names in code-point order, {@link WalkOrder}), so memory stays flat whatever the number of files.
 * A file and a hard link with the same content are the same file here (which name tar stores as the link can change
 * between backups).
 */
public final class StorageDiff {
    /** A kind of change, with the mark {@code archivist diff} prints (restic's). */
    public enum Change {
        ADDED("+"), REMOVED("-"), MODIFIED("M"), TYPE_CHANGED("T"), METADATA("U");

        private final String mark;

        Change(String mark) {
            this.mark = mark;
        }

        public String mark() {
            return mark;
        }

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One changed path: its entry before (null when added) and after (null when removed). */
    public record Difference(Change change, String path, IndexEntry before, IndexEntry after) {
    }

    /** Counts of the differences, and the bytes of the files added and removed. */
    public static final class Summary {
        private final long[] counts = new long[Change.values().length];
        private long addedBytes;
        private long removedBytes;

        public long count(Change c) {
            return counts[c.ordinal()];
        }

        public long addedBytes() {
            return addedBytes;
        }

        public long removedBytes() {
            return removedBytes;
        }

        private void add(Difference d) {
            counts[d.change().ordinal()]++;
            if (d.change() == Change.ADDED && d.after().hasContent()) {
                addedBytes += d.after().size();
            } else if (d.change() == Change.REMOVED && d.before().hasContent()) {
                removedBytes += d.before().size();
            }
        }
    }

    private StorageDiff() {
    }

    /**
     * Gives {@code each} every difference from {@code from} to {@code to}, in walk order (metadata-only ones only
     * when {@code metadata}); returns the counts.
     *
     * @throws ArchivistException when an index is not in walk order (it could not be compared in one pass)
     */
    public static Summary compare(StorageFiles from, StorageFiles to, boolean metadata, Consumer<Difference> each)
            throws IOException {
        Summary summary = new Summary();
        Consumer<Difference> report = d -> {
            summary.add(d);
            each.accept(d);
        };
        try (IndexReader a = from.reader(); IndexReader b = to.reader()) {
            Side before = new Side(a, from.backup().id());
            Side after = new Side(b, to.backup().id());
            while (before.current != null || after.current != null) {
                int order = before.current == null ? 1 : after.current == null ? -1
                        : WalkOrder.compare(before.current.path(), after.current.path());
                if (order < 0) {
                    report.accept(new Difference(Change.REMOVED, before.current.path(), before.current, null));
                    before.advance();
                } else if (order > 0) {
                    report.accept(new Difference(Change.ADDED, after.current.path(), null, after.current));
                    after.advance();
                } else {
                    Change c = change(before.current, after.current);
                    if (c != null && (c != Change.METADATA || metadata)) {
                        report.accept(new Difference(c, after.current.path(), before.current, after.current));
                    }
                    before.advance();
                    after.advance();
                }
            }
        }
        return summary;
    }

    /** How {@code after} differs from {@code before} at the same path; null when it does not. */
    static Change change(IndexEntry before, IndexEntry after) {
        if (!kind(before).equals(kind(after))) {
            return Change.TYPE_CHANGED;
        }
        boolean content = before.hasContent()
                ? before.size() != after.size() || !Objects.equals(before.sha256(), after.sha256())
                : IndexEntry.SYMLINK.equals(before.type()) && !Objects.equals(before.link(), after.link());
        if (content) {
            return Change.MODIFIED;
        }
        if (before.mtime() != after.mtime() || !Objects.equals(before.mode(), after.mode())) {
            return Change.METADATA;
        }
        return null;
    }

    /** A file and a hard link are both files: which of two names tar stores as the link depends on the walk. */
    private static String kind(IndexEntry e) {
        return e.hasContent() ? IndexEntry.FILE : e.type();
    }

    /** One index being read, with a check that its paths come in walk order. */
    private static final class Side {
        private final IndexReader reader;
        private final String id;
        private IndexEntry current;

        Side(IndexReader reader, String id) {
            this.reader = reader;
            this.id = id;
            this.current = reader.hasNext() ? reader.next() : null;
        }

        void advance() {
            IndexEntry previous = current;
            current = reader.hasNext() ? reader.next() : null;
            if (current != null && WalkOrder.compare(previous.path(), current.path()) >= 0) {
                throw new ArchivistException("the index of " + id + " is not in the order of the walk ('"
                        + previous.path() + "' before '" + current.path() + "'): it cannot be compared");
            }
        }
    }
}
