package dev.archivist.restore;

import dev.archivist.archive.IndexEntry;
import dev.archivist.archive.IndexReader;
import dev.archivist.source.WalkOrder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What a storage restore learns from the per-file index before it extracts, in one pass over it.
 *
 * @param inWalkOrder     every path is clean and the paths are strictly in {@link WalkOrder}, as Archivist writes them:
 *                        the archive can then be extracted in step with the index, holding only the folders on the
 *                        current path in memory ({@link SafeExtractor#extractAgainstIndex}); an index of any other
 *                        shape is extracted first and compared after, as before
 * @param hardLinkTargets the stored files that hard links name: the only files whose metadata the extraction keeps
 * @param linkSources     the targets of included hard links that {@code include} leaves out: their content is still
 *                        needed ({@link SafeExtractor#extract(java.io.InputStream, Path, Predicate, Set)})
 */
public record IndexPlan(boolean inWalkOrder, Set<String> hardLinkTargets, Set<String> linkSources) {
    public IndexPlan {
        hardLinkTargets = Set.copyOf(hardLinkTargets);
        linkSources = Set.copyOf(linkSources);
    }

    /** Reads {@code indexFile}, offering each path to {@code include} as the extraction will. */
    public static IndexPlan read(Path indexFile, Predicate<String> include) throws IOException {
        boolean ordered = true;
        Set<String> targets = new HashSet<>();
        Set<String> sources = new HashSet<>();
        String previous = null;
        try (IndexReader reader = new IndexReader(indexFile)) {
            while (reader.hasNext()) {
                IndexEntry e = reader.next();
                String path = IndexMerge.strip(e.path());
                ordered = ordered && WalkOrder.isClean(path) && known(e.type())
                        && (previous == null || WalkOrder.compare(previous, path) < 0);
                previous = path;
                boolean included = include.test(e.path()); // every path: a --path glob matching none is known now
                if (IndexEntry.HARDLINK.equals(e.type()) && e.link() != null) {
                    targets.add(e.link());
                    if (included && !include.test(e.link())) {
                        sources.add(e.link());
                    }
                }
            }
        }
        return new IndexPlan(ordered, targets, sources);
    }

    private static boolean known(String type) {
        return IndexEntry.FILE.equals(type) || IndexEntry.DIR.equals(type) || IndexEntry.SYMLINK.equals(type)
                || IndexEntry.HARDLINK.equals(type);
    }
}
