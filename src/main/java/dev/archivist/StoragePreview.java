package dev.archivist;

import dev.archivist.source.DirectoryWalker;
import dev.archivist.source.FileStat;
import dev.archivist.source.ReservedEntries;
import dev.archivist.source.SkippedEntry;
import dev.archivist.source.WalkEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a storage backup would take now, found by the same walk with the same excludes and reserved entries, and
 * nothing written (a dry run): the files and their bytes (a hard-linked file's once), folders and symlinks, and the
 * entries it would leave out: excluded by {@code BACKUP_STORAGE_EXCLUDE} (a folder once) and skipped with the reason
 * (sockets, FIFOs, devices, Archivist's own folders, what cannot be read). The lists hold the first {@link #LISTED}
 * entries; the counts are whole. A file that changes or goes before the real backup reads it is reported by that
 * backup, as always.
 */
public record StoragePreview(Path storage, long files, long bytes, long folders, long symlinks, long excludedCount,
        List<String> excluded, long skippedCount, List<SkippedEntry> skipped) {
    /** The most entries each list holds. */
    public static final int LISTED = 1000;

    public StoragePreview {
        excluded = List.copyOf(excluded);
        skipped = List.copyOf(skipped);
    }

    /** Walks {@code storage} as a backup would. */
    static StoragePreview of(Path storage, List<String> excludes, ReservedEntries reserved) throws IOException {
        Tally tally = new Tally();
        DirectoryWalker walker = new DirectoryWalker(storage, excludes, reserved);
        try {
            walker.walk(tally);
        } finally {
            walker.closeFolders();
        }
        return new StoragePreview(storage, tally.files, tally.bytes, tally.folders, tally.symlinks, tally.excludedCount,
                tally.excluded, tally.skippedCount, tally.skipped);
    }

    private static final class Tally implements DirectoryWalker.Visitor {
        long files;
        long bytes;
        long folders;
        long symlinks;
        long excludedCount;
        long skippedCount;
        final List<String> excluded = new ArrayList<>();
        final List<SkippedEntry> skipped = new ArrayList<>();
        final Set<Object> linkedInodes = new HashSet<>();

        @Override
        public void entry(WalkEntry e) {
            try {
                FileStat stat = e.stat();
                switch (stat.type()) {
                    case FILE -> {
                        if (!java.nio.file.Files.isReadable(e.path())) { // as the backup would find it: one access(2)
                            skipped(new SkippedEntry(e.relativePath(), "permission denied"));
                            return;
                        }
                        files++;
                        if (!stat.hardLinked() || linkedInodes.add(stat.inode())) {
                            bytes += stat.size();
                        }
                    }
                    case DIRECTORY -> folders++;
                    case SYMLINK -> symlinks++;
                    case OTHER -> skipped(SkippedEntry.special(e)); // as the archive does
                }
            } finally {
                e.done();
            }
        }

        @Override
        public void skipped(SkippedEntry s) {
            if (skippedCount++ < LISTED) {
                skipped.add(s);
            }
        }

        @Override
        public void excluded(String relativePath) {
            if (excludedCount++ < LISTED) {
                excluded.add(relativePath);
            }
        }
    }
}
