package dev.archivist.restore;

import dev.archivist.ArchivistException;
import dev.archivist.archive.IndexEntry;
import dev.archivist.restore.EntryTree.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * One extraction: reads entries in order, validates each against the {@link EntryTree}, writes included ones.
 *
 * <p>Either it keeps what it wrote, for the caller to compare with the index afterwards, or, given an index in
 * {@link dev.archivist.source.WalkOrder} ({@link #againstIndex}), it compares each entry with the index as it goes, applies the archived
 * owners at once and sets each folder's mode and time when the archive leaves it: then it keeps only the folders on
 * the current path and the files hard links name, whatever the number of entries.
 */
final class ExtractionRun {
    enum Type { FILE, DIR, SYMLINK, HARDLINK }

    private record DirAttributes(int mode, FileTime mtime, long uid, long gid) {
    }

    private final RawTarInputStream in;
    private final StagingWriter writer;
    private final Predicate<String> include;
    private final EntryTree tree;
    /** Set when comparing with the index while extracting; then {@code entries} and {@code listedDirs} stay empty. */
    private final IndexMerge merge;
    private final Ownership.Changes owners;
    /** With {@link #merge}: the files whose metadata hard links need; without, every file's is kept. */
    private final Set<String> hardLinkTargets;
    private final List<ExtractedEntry> entries = new ArrayList<>();
    private final Map<String, Integer> listedDirs = new HashMap<>();
    /** Every folder's attributes, or with {@link #merge} those of the folders on the current path. */
    private final Map<String, DirAttributes> dirAttributes = new LinkedHashMap<>();
    /** With {@link #merge}: folders left whose mode denies their owner search, set at the end, innermost first. */
    private final List<Map.Entry<String, DirAttributes>> lockingDirs = new ArrayList<>();
    private final Map<String, ExtractedEntry> writtenFiles = new HashMap<>();
    private Set<String> linkSources = Set.of();
    private StagingWriter spare;
    private final Set<String> spareWritten = new HashSet<>();
    private long files;
    private long bytesWritten;

    ExtractionRun(RawTarInputStream in, StagingWriter writer, Predicate<String> include, boolean keepOutsideLinks) {
        this.tree = new EntryTree(keepOutsideLinks);
        this.in = in;
        this.writer = writer;
        this.include = include;
        this.merge = null;
        this.owners = null;
        this.hardLinkTargets = null;
    }

    private ExtractionRun(RawTarInputStream in, StagingWriter writer, Predicate<String> include, boolean keepOutsideLinks,
                          IndexMerge merge, Set<String> hardLinkTargets, Ownership.Changes owners) {
        this.tree = new EntryTree(keepOutsideLinks, new DepthFirstPaths(hardLinkTargets, this::leftDirectory));
        this.in = in;
        this.writer = writer;
        this.include = include;
        this.merge = merge;
        this.owners = owners;
        this.hardLinkTargets = hardLinkTargets;
    }

    /**
     * A run that compares each entry with the index {@code merge} walks as it extracts and gives entries their
     * archived owners through {@code owners}; the archive must come in {@link dev.archivist.source.WalkOrder} (an entry out of it is
     * refused). {@code hardLinkTargets}: the files hard links name ({@link IndexPlan}).
     */
    static ExtractionRun againstIndex(RawTarInputStream in, StagingWriter writer, Predicate<String> include,
                                      boolean keepOutsideLinks, IndexMerge merge, Set<String> hardLinkTargets,
                                      Ownership.Changes owners) {
        return new ExtractionRun(in, writer, include, keepOutsideLinks, merge, hardLinkTargets, owners);
    }

    /** Also keeps the content of {@code sources} (left out by the filter, named by included hard links) in {@code spare}. */
    ExtractionRun keepingLinkSources(Set<String> sources, StagingWriter spareWriter) {
        this.linkSources = sources;
        this.spare = spareWriter;
        return this;
    }

    ExtractionResult run() throws IOException {
        TarArchiveEntry entry;
        while ((entry = in.getNextEntry()) != null) {
            process(entry, in.rawNames());
        }
        tree.finish();
        tree.checkAllLinks();
        if (merge == null) {
            finishDirectories();
            return new ExtractionResult(entries, files, bytesWritten, null);
        }
        for (Map.Entry<String, DirAttributes> dir : lockingDirs) {
            applyDirectory(dir.getKey(), dir.getValue());
        }
        return new ExtractionResult(List.of(), files, bytesWritten,
                new ExtractionResult.IndexCheck(merge.finish(), owners.note()));
    }

    private void process(TarArchiveEntry entry, RawTarInputStream.RawNames raw) throws IOException {
        String entryName = EntryNames.decodeLossy(raw.name());
        String name = EntryNames.decodeStrict(raw.name())
                .orElseThrow(() -> new UnsafeEntryException(entryName, "name is not valid UTF-8"));
        if (raw.globalRename()) {
            throw new UnsafeEntryException(entryName, "a global PAX header overrides entry names");
        }
        Type type = typeOf(entryName, name, entry);
        String path = EntryNames.relativePath(entryName, name, "path");
        if (path.isEmpty()) {
            if (type == Type.DIR) {
                return; // "./": the staging root itself
            }
            throw new UnsafeEntryException(entryName, "path is empty");
        }
        try {
            switch (type) {
                case FILE -> file(entryName, path, entry);
                case DIR -> directory(entryName, path, entry);
                case SYMLINK -> symlink(entryName, path, entry, raw.linkName());
                case HARDLINK -> hardLink(entryName, path, entry, raw.linkName());
            }
        } catch (UnsafeEntryException | StopAwareInputStream.Stopped e) {
            throw e;
        } catch (IOException e) {
            throw new IOException("extracting '" + EntryNames.display(entryName) + "' into " + writer.location() + ": "
                    + ArchivistException.reason(e), e);
        }
    }

    static Type typeOf(String entryName, String name, TarArchiveEntry entry) throws UnsafeEntryException {
        if (entry.isSparse()) {
            throw new UnsafeEntryException(entryName, "sparse entries are not supported");
        }
        byte flag = entry.getLinkFlag();
        switch (flag) {
            case TarConstants.LF_NORMAL, TarConstants.LF_CONTIG:
                if (name.endsWith("/")) {
                    throw new UnsafeEntryException(entryName, "regular file name ends with '/'");
                }
                return Type.FILE;
            case TarConstants.LF_OLDNORM:
                return name.endsWith("/") ? Type.DIR : Type.FILE;
            case TarConstants.LF_DIR:
                return Type.DIR;
            case TarConstants.LF_SYMLINK:
                return Type.SYMLINK;
            case TarConstants.LF_LINK:
                return Type.HARDLINK;
            case TarConstants.LF_CHR:
                throw new UnsafeEntryException(entryName, "character devices are not restored");
            case TarConstants.LF_BLK:
                throw new UnsafeEntryException(entryName, "block devices are not restored");
            case TarConstants.LF_FIFO:
                throw new UnsafeEntryException(entryName, "FIFOs are not restored");
            default:
                String shown = flag >= 0x20 && flag < 0x7f ? String.valueOf((char) flag) : String.format("\\x%02x", flag & 0xff);
                throw new UnsafeEntryException(entryName, "unsupported entry type '" + shown + "'");
        }
    }

    private void file(String entryName, String path, TarArchiveEntry entry) throws IOException {
        tree.add(entryName, path, Kind.FILE);
        IndexEntry want = indexed(path);
        if (include.test(path)) {
            writeFile(entryName, path, entry, in, want);
        } else if (linkSources.contains(path) && spareWritten.add(path)) {
            spare.writeFile(entryName, path, in);
        }
    }

    private void hardLink(String entryName, String path, TarArchiveEntry entry, byte[] rawTarget) throws IOException {
        String targetName = EntryNames.decodeStrict(rawTarget)
                .orElseThrow(() -> new UnsafeEntryException(entryName, "hard link target is not valid UTF-8"));
        String target = tree.addHardLink(entryName, path, targetName);
        IndexEntry want = indexed(path);
        if (!include.test(path)) {
            return;
        }
        ExtractedEntry stored = writtenFiles.get(target);
        if (stored != null && writer.createLink(entryName, path, target)) { // one file with two names, as it was
            restoredFile(new ExtractedEntry(path, ExtractedEntry.FILE, stored.size(), stored.sha256(), null,
                    stored.mode(), stored.mtimeMillis(), stored.uid(), stored.gid()), want);
            return;
        }
        StagingWriter from = stored != null ? writer : spareWritten.contains(target) ? spare : null;
        if (from == null) {
            throw new IOException("hard link target '" + EntryNames.display(target) + "' is not among the paths chosen"
                    + " (a hard link is another name of a file stored earlier): add --path '" + EntryNames.display(target) + "'");
        }
        try (InputStream source = from.openWritten(entryName, target)) {
            writeFile(entryName, path, entry, source, want);
        }
    }

    private void writeFile(String entryName, String path, TarArchiveEntry entry, InputStream content, IndexEntry want)
            throws IOException {
        StagingWriter.Written written = writer.writeFile(entryName, path, content);
        if (entry.isFile() && entry.getLinkFlag() != TarConstants.LF_LINK && written.size() != entry.getSize()) {
            throw new IOException("expected " + entry.getSize() + " bytes, read " + written.size());
        }
        int mode = entry.getMode() & 01777; // never setuid or setgid (privileges); the sticky bit is harmless
        FileTime mtime = timeOf(entry, want);
        // the time first: Java sets it through an open file descriptor, which a mode without read access refuses
        writer.setMtime(path, mtime);
        writer.setMode(path, mode);
        restoredFile(new ExtractedEntry(path, ExtractedEntry.FILE, written.size(), written.sha256(),
                null, mode, IndexEntry.millis(mtime), entry.getLongUserId(), entry.getLongGroupId()), want);
        bytesWritten += written.size();
    }

    private void restoredFile(ExtractedEntry file, IndexEntry want) {
        files++;
        restored(file, want);
        if (merge == null || hardLinkTargets.contains(file.path())) {
            writtenFiles.put(file.path(), file);
        }
    }

    /** A file or symlink written: kept for the caller, or compared with the index and given its owner now. */
    private void restored(ExtractedEntry e, IndexEntry want) {
        if (merge == null) {
            entries.add(e);
            return;
        }
        merge.check(e, want);
        owners.apply(e.path(), e.uid(), e.gid());
    }

    /** The index's entry for {@code path} when comparing while extracting; null otherwise. */
    private IndexEntry indexed(String path) {
        return merge == null ? null : merge.advanceTo(path);
    }

    /**
     * The entry's time from the archive, or the index's milliseconds when the archive holds only the whole second
     * they fall in (archives of earlier versions, before sub-second pax times; see
     * {@link StorageRestorer#applyIndexTimes}).
     */
    private static FileTime timeOf(TarArchiveEntry entry, IndexEntry want) {
        FileTime archived = entry.getLastModifiedTime();
        if (want == null) {
            return archived;
        }
        long millis = IndexEntry.millis(archived);
        boolean wholeSecond = Math.floorMod(millis, 1000L) == 0;
        return wholeSecond && millis != want.mtime() && Math.floorDiv(millis, 1000L) == Math.floorDiv(want.mtime(), 1000L)
                ? FileTime.fromMillis(want.mtime()) : archived;
    }

    private void directory(String entryName, String path, TarArchiveEntry entry) throws IOException {
        tree.add(entryName, path, Kind.DIR);
        IndexEntry want = indexed(path);
        // a folder keeps its setgid (group inheritance) and sticky (restricted deletion) bits: neither grants a privilege
        DirAttributes attributes = new DirAttributes(entry.getMode() & 03777, timeOf(entry, want),
                entry.getLongUserId(), entry.getLongGroupId());
        dirAttributes.put(path, attributes);
        if (include.test(path)) {
            writer.createDirectories(entryName, path);
            if (merge == null) {
                listDirectory(path, attributes);
            } else {
                merge.check(directoryEntry(path, attributes), want);
            }
        }
    }

    /**
     * Comparing with the index: the archive has left the folder {@code dir} for good, so its mode, time and owner are
     * set now. A mode that denies its owner search ({@code x}) waits for the end: a later hard link may still reach a
     * file inside through its path.
     */
    private void leftDirectory(String dir) throws IOException {
        DirAttributes attributes = dirAttributes.remove(dir);
        if (attributes == null || !writer.isDirectory(dir)) {
            return;
        }
        writer.forgetFolder(dir);
        if ((attributes.mode() & 0100) == 0) {
            lockingDirs.add(Map.entry(dir, attributes));
        } else {
            applyDirectory(dir, attributes);
        }
    }

    private void applyDirectory(String dir, DirAttributes attributes) throws IOException {
        writer.setMtime(dir, attributes.mtime());
        writer.setMode(dir, attributes.mode());
        owners.apply(dir, attributes.uid(), attributes.gid());
    }

    private void symlink(String entryName, String path, TarArchiveEntry entry, byte[] rawTarget) throws IOException {
        String target = EntryNames.decodeStrict(rawTarget)
                .orElseThrow(() -> new UnsafeEntryException(entryName, "symlink target is not valid UTF-8"));
        boolean restored = include.test(path);
        tree.addSymlink(entryName, path, target, restored);
        IndexEntry want = indexed(path);
        if (restored) {
            writer.createSymlink(entryName, path, target);
            FileTime mtime = timeOf(entry, want);
            writer.setMtime(path, mtime);
            restored(new ExtractedEntry(path, ExtractedEntry.SYMLINK, 0, null, target, 0777, IndexEntry.millis(mtime),
                    entry.getLongUserId(), entry.getLongGroupId()), want);
        }
    }

    private static ExtractedEntry directoryEntry(String path, DirAttributes attributes) {
        return new ExtractedEntry(path, ExtractedEntry.DIR, 0, null, null, attributes.mode(),
                IndexEntry.millis(attributes.mtime()), attributes.uid(), attributes.gid());
    }

    private void listDirectory(String path, DirAttributes attributes) {
        ExtractedEntry listed = directoryEntry(path, attributes);
        Integer index = listedDirs.get(path);
        if (index == null) {
            listedDirs.put(path, entries.size());
            entries.add(listed);
        } else {
            entries.set(index, listed);
        }
    }

    /** Lists directories created only as parents, then applies modes and times, deepest first. */
    private void finishDirectories() throws IOException {
        List<String> present = new ArrayList<>();
        for (Map.Entry<String, DirAttributes> dir : dirAttributes.entrySet()) {
            if (writer.isDirectory(dir.getKey())) {
                present.add(dir.getKey());
                if (!listedDirs.containsKey(dir.getKey())) {
                    listDirectory(dir.getKey(), dir.getValue());
                }
            }
        }
        present.sort(Comparator.comparingLong((String p) -> p.chars().filter(c -> c == '/').count()).reversed());
        for (String path : present) {
            DirAttributes attributes = dirAttributes.get(path);
            writer.setMtime(path, attributes.mtime());
            writer.setMode(path, attributes.mode());
        }
    }
}
