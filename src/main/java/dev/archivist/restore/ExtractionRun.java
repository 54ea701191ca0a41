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

/** One extraction: reads entries in order, validates each against the {@link EntryTree}, writes included ones. */
final class ExtractionRun {
    enum Type { FILE, DIR, SYMLINK, HARDLINK }

    private record DirAttributes(int mode, FileTime mtime, long uid, long gid) {
    }

    private final RawTarInputStream in;
    private final StagingWriter writer;
    private final Predicate<String> include;
    private final EntryTree tree;
    private final List<ExtractedEntry> entries = new ArrayList<>();
    private final Map<String, Integer> listedDirs = new HashMap<>();
    private final Map<String, DirAttributes> dirAttributes = new LinkedHashMap<>();
    private final Map<String, ExtractedEntry> writtenFiles = new HashMap<>();
    private Set<String> linkSources = Set.of();
    private StagingWriter spare;
    private final Set<String> spareWritten = new HashSet<>();
    private long bytesWritten;

    ExtractionRun(RawTarInputStream in, StagingWriter writer, Predicate<String> include, boolean keepOutsideLinks) {
        this.tree = new EntryTree(keepOutsideLinks);
        this.in = in;
        this.writer = writer;
        this.include = include;
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
        tree.checkAllLinks();
        finishDirectories();
        return new ExtractionResult(entries, bytesWritten);
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
            throw new IOException("extracting '" + EntryNames.display(entryName) + "': " + ArchivistException.reason(e), e);
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
        if (include.test(path)) {
            writeFile(entryName, path, entry, in);
        } else if (linkSources.contains(path) && spareWritten.add(path)) {
            spare.writeFile(entryName, path, in);
        }
    }

    private void hardLink(String entryName, String path, TarArchiveEntry entry, byte[] rawTarget) throws IOException {
        String targetName = EntryNames.decodeStrict(rawTarget)
                .orElseThrow(() -> new UnsafeEntryException(entryName, "hard link target is not valid UTF-8"));
        String target = EntryNames.relativePath(entryName, targetName, "hard link target");
        if (target.isEmpty() || tree.kindOf(target) != Kind.FILE) {
            throw new UnsafeEntryException(entryName,
                    "hard link target '" + EntryNames.display(targetName) + "' is not a regular file earlier in the archive");
        }
        tree.add(entryName, path, Kind.FILE);
        if (!include.test(path)) {
            return;
        }
        ExtractedEntry stored = writtenFiles.get(target);
        if (stored != null && writer.createLink(entryName, path, target)) { // one file with two names, as it was
            ExtractedEntry linked = new ExtractedEntry(path, ExtractedEntry.FILE, stored.size(), stored.sha256(), null,
                    stored.mode(), stored.mtimeMillis(), stored.uid(), stored.gid());
            entries.add(linked);
            writtenFiles.put(path, linked);
            return;
        }
        StagingWriter from = stored != null ? writer : spareWritten.contains(target) ? spare : null;
        if (from == null) {
            throw new IOException("hard link target '" + EntryNames.display(target) + "' is not among the paths chosen"
                    + " (a hard link is another name of a file stored earlier): add --path '" + EntryNames.display(target) + "'");
        }
        try (InputStream source = from.openWritten(entryName, target)) {
            writeFile(entryName, path, entry, source);
        }
    }

    private void writeFile(String entryName, String path, TarArchiveEntry entry, InputStream content) throws IOException {
        StagingWriter.Written written = writer.writeFile(entryName, path, content);
        if (entry.isFile() && entry.getLinkFlag() != TarConstants.LF_LINK && written.size() != entry.getSize()) {
            throw new IOException("expected " + entry.getSize() + " bytes, read " + written.size());
        }
        int mode = entry.getMode() & 01777; // never setuid or setgid (privileges); the sticky bit is harmless
        FileTime mtime = entry.getLastModifiedTime();
        // the time first: Java sets it through an open file descriptor, which a mode without read access refuses
        writer.setMtime(path, mtime);
        writer.setMode(path, mode);
        ExtractedEntry extracted = new ExtractedEntry(path, ExtractedEntry.FILE, written.size(), written.sha256(),
                null, mode, IndexEntry.millis(mtime), entry.getLongUserId(), entry.getLongGroupId());
        entries.add(extracted);
        writtenFiles.put(path, extracted);
        bytesWritten += written.size();
    }

    private void directory(String entryName, String path, TarArchiveEntry entry) throws IOException {
        tree.add(entryName, path, Kind.DIR);
        // a folder keeps its setgid (group inheritance) and sticky (restricted deletion) bits: neither grants a privilege
        DirAttributes attributes = new DirAttributes(entry.getMode() & 03777, entry.getLastModifiedTime(),
                entry.getLongUserId(), entry.getLongGroupId());
        dirAttributes.put(path, attributes);
        if (include.test(path)) {
            writer.createDirectories(entryName, path);
            listDirectory(path, attributes);
        }
    }

    private void symlink(String entryName, String path, TarArchiveEntry entry, byte[] rawTarget) throws IOException {
        String target = EntryNames.decodeStrict(rawTarget)
                .orElseThrow(() -> new UnsafeEntryException(entryName, "symlink target is not valid UTF-8"));
        boolean restored = include.test(path);
        tree.addSymlink(entryName, path, target, restored);
        if (restored) {
            writer.createSymlink(entryName, path, target);
            FileTime mtime = entry.getLastModifiedTime();
            writer.setMtime(path, mtime);
            entries.add(new ExtractedEntry(path, ExtractedEntry.SYMLINK, 0, null, target, 0777, IndexEntry.millis(mtime),
                    entry.getLongUserId(), entry.getLongGroupId()));
        }
    }

    private void listDirectory(String path, DirAttributes attributes) {
        ExtractedEntry listed = new ExtractedEntry(path, ExtractedEntry.DIR, 0, null, null, attributes.mode(),
                IndexEntry.millis(attributes.mtime()), attributes.uid(), attributes.gid());
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
