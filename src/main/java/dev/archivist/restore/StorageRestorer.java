package dev.archivist.restore;

import dev.archivist.ArchivistException;
import dev.archivist.archive.IndexEntry;
import dev.archivist.archive.IndexReader;
import dev.archivist.catalog.Manifest;
import dev.archivist.config.Compression;
import dev.archivist.archive.PipelinedInputStream;
import dev.archivist.verify.CheckedParts;
import dev.archivist.verify.Problem;
import dev.archivist.verify.Verifier;
import org.apache.commons.io.input.CloseShieldInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/** Storage restore steps: safe extraction of a backup into staging, then a check of the staged tree against the index. */
public final class StorageRestorer {
    private StorageRestorer() {
    }

    /**
     * Extracts the archive into {@code staging} (an existing empty folder), rejecting unsafe entries. The parts are read,
     * hashed and decompressed on a second thread while this one extracts; every part's size and SHA-256 and the whole
     * archive's are checked before returning, and their problems land in {@code partProblems} (the caller refuses the
     * restore when there are any). When extraction fails, the rest is still read so a damaged archive is reported as
     * such rather than by whatever the damage made the tar reader say. With the per-file index ({@code indexFile}
     * and what {@code plan} read from it; both null to restore without it), the extraction is compared with it
     * ({@link SafeExtractor#extractAgainstIndex}). Once {@code stopping} says so, it ends with
     * {@link StopAwareInputStream.Stopped} at the next read. An archive that does not decompress, its parts intact,
     * fails with a {@link DamagedArchiveException}.
     */
    public static ExtractionResult extract(Path dir, Manifest m, Path staging, Predicate<String> include,
                                           IndexPlan plan, Path indexFile, boolean keepOutsideLinks,
                                           List<Problem> partProblems, BooleanSupplier stopping) throws IOException {
        Compression codec = Compression.parseOrNull(m.compression());
        if (codec == null) {
            throw new ArchivistException("backup " + m.id() + ": unknown compression '" + m.compression() + "'");
        }
        try (CheckedParts raw = new CheckedParts(dir, m.parts(), m.id(), partProblems);
             PipelinedInputStream tar = PipelinedInputStream.start("restore " + m.id(),
                     () -> DamagedArchiveException.decompressor(codec, CloseShieldInputStream.wrap(raw)), raw::drain)) {
            ExtractionResult result;
            try {
                InputStream stream = new BufferedInputStream(new StopAwareInputStream(tar, stopping), 1 << 16);
                SafeExtractor extractor = new SafeExtractor(keepOutsideLinks);
                result = plan == null ? extractor.extract(stream, staging, include, Set.of())
                        : extractor.extractAgainstIndex(stream, staging, include, plan, indexFile);
                tar.finish();
            } catch (StopAwareInputStream.Stopped e) {
                throw e; // stopping: the rest of the parts is neither read nor checked
            } catch (IOException e) {
                // the damage may have made the tar reader fail first: the decompressor then finds it as it reads on
                DamagedArchiveException damaged = DamagedArchiveException.in(e);
                try {
                    tar.finish();
                } catch (IOException rest) {
                    damaged = damaged != null ? damaged : DamagedArchiveException.in(rest);
                }
                raw.drain();
                Verifier.checkWhole(m, raw, partProblems);
                if (!partProblems.isEmpty()) {
                    return null;
                }
                throw damaged != null ? damaged : e;
            }
            raw.drain();
            Verifier.checkWhole(m, raw, partProblems);
            return result;
        }
    }

    /**
     * Compares what was extracted with the per-file index; returns the differences (the first ten in full, then a
     * count). For an extraction not already compared while it ran ({@link ExtractionResult#checked()}).
     */
    public static List<String> compare(ExtractionResult result, Path indexFile, Predicate<String> include) throws IOException {
        Map<String, ExtractedEntry> got = new HashMap<>();
        for (ExtractedEntry e : result.entries()) {
            got.put(IndexMerge.strip(e.path()), e);
        }
        List<String> problems = new ArrayList<>();
        try (IndexReader reader = new IndexReader(indexFile)) {
            while (reader.hasNext()) {
                IndexEntry want = reader.next();
                String path = IndexMerge.strip(want.path());
                if (!include.test(path) && !IndexEntry.DIR.equals(want.type())) {
                    continue;
                }
                ExtractedEntry e = got.remove(path);
                if (e == null) {
                    if (!IndexEntry.DIR.equals(want.type())) {
                        problems.add(path + ": in the index but not restored");
                    }
                    continue;
                }
                String difference = IndexMerge.difference(e, want);
                if (difference != null) {
                    problems.add(difference);
                }
            }
        }
        got.values().stream().filter(e -> !ExtractedEntry.DIR.equals(e.type()))
                .forEach(e -> problems.add(e.path() + ": restored but not in the index"));
        return IndexMerge.firstOf(problems);
    }

    /**
     * Gives every restored entry the millisecond modification time of the index when the archive only carried whole
     * seconds (archives of earlier versions, before sub-second pax mtimes; the index has milliseconds): only entries
     * restored at a whole second whose index time lies within that second. Entries restored with a fraction keep the
     * archive's time, which is the more precise one. Runs after the tree was checked, so setting times changes no
     * folder's content.
     */
    public static void applyIndexTimes(ExtractionResult result, Path indexFile, Path staging) throws IOException {
        Map<String, ExtractedEntry> got = new HashMap<>();
        for (ExtractedEntry e : result.entries()) {
            if (Math.floorMod(e.mtimeMillis(), 1000L) == 0) {
                got.put(IndexMerge.strip(e.path()), e);
            }
        }
        if (got.isEmpty()) {
            return;
        }
        try (IndexReader reader = new IndexReader(indexFile)) {
            while (reader.hasNext()) {
                IndexEntry want = reader.next();
                ExtractedEntry e = got.get(IndexMerge.strip(want.path()));
                if (e == null || e.mtimeMillis() == want.mtime()
                        || Math.floorDiv(e.mtimeMillis(), 1000L) != Math.floorDiv(want.mtime(), 1000L)) {
                    continue;
                }
                ExactTimes.setMtime(staging.resolve(IndexMerge.strip(e.path())), java.nio.file.attribute.FileTime.fromMillis(want.mtime()));
            }
        }
    }
}
