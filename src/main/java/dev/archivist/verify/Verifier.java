package dev.archivist.verify;

import dev.archivist.ArchivistException;

import dev.archivist.archive.Sha256;
import com.fasterxml.jackson.databind.JsonNode;
import dev.archivist.BackupType;
import dev.archivist.archive.CodecUnavailableException;
import dev.archivist.archive.Codecs;
import dev.archivist.archive.PipelinedInputStream;
import org.apache.commons.io.input.CloseShieldInputStream;
import dev.archivist.archive.IndexEntry;
import dev.archivist.catalog.Catalog;
import dev.archivist.catalog.ForeignOwner;
import dev.archivist.catalog.Manifest;
import dev.archivist.config.Compression;
import dev.archivist.restore.EntryLayoutCheck;
import dev.archivist.restore.EntryNames;
import dev.archivist.restore.IndexPlan;
import dev.archivist.source.SqliteSnapshot;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Checks a backup against its manifest and reports every problem: manifest self-checksum, each part's size and
 * SHA-256, missing and extra parts, the whole-archive SHA-256, the per-file index's checksum, and (deep) every file in
 * the tar stream against the index, or {@code PRAGMA integrity_check} on a decompressed database. For a full backup,
 * both components and the references between them. Never writes to the backup.
 */
public final class Verifier {
    private final Catalog catalog;
    private final Clock clock;
    private final Map<String, VerifyReport> checkedThisRun;

    public Verifier(Catalog catalog, Clock clock) {
        this(catalog, clock, new HashMap<>());
    }

    /**
     * A verifier for one run over several backups ({@code verify --all}): the reports of the backups it checked,
     * by id, in {@code checkedThisRun}, where a backup checked earlier in the run at the same depth (a full backup's
     * component, listed after the full backup, which is newer) is found instead of being read a second time.
     */
    public Verifier(Catalog catalog, Clock clock, Map<String, VerifyReport> checkedThisRun) {
        this.catalog = catalog;
        this.clock = clock;
        this.checkedThisRun = checkedThisRun;
    }

    /** Verifies one backup; {@code deep=false} checks sizes and checksums only. */
    public VerifyReport verify(Manifest m, boolean deep) {
        VerifyReport earlier = checkedThisRun.get(m.id());
        if (earlier != null && earlier.deep() == deep) {
            return earlier;
        }
        VerifyReport report = check(m, deep);
        checkedThisRun.put(m.id(), report);
        return report;
    }

    private VerifyReport check(Manifest m, boolean deep) {
        stopIfInterrupted(m);
        refuseUnreadable(m);
        List<Problem> problems = new ArrayList<>();
        List<Problem> restoreWarnings = new ArrayList<>();
        long[] counters = new long[2];
        checkSelf(m, problems);
        switch (m.type()) {
            case DATABASE -> verifyDatabase(m, deep, problems, counters);
            case STORAGE -> {
                verifyStorage(m, deep, problems, counters);
                m.json().path("restore_warnings").forEach(w -> restoreWarnings.add(
                        new Problem(m.id(), "file " + w.path("path").asText(), w.path("reason").asText())));
            }
            case FULL -> verifyFull(m, deep, problems, restoreWarnings, counters);
        }
        stopIfInterrupted(m); // what the interrupt cut short reads as damage: no verdict
        return new VerifyReport(m.id(), m.type().wireName(), clock.instant(), deep, counters[0], counters[1], problems,
                restoreWarnings);
    }

    /**
     * Ends the verify of {@code m} once this thread is interrupted (an embedding application stopping it): the reads
     * stop at their next call ({@link #interruptOfThisThread}), and what they found so far may be the interrupt's
     * doing, so there is no report and the caller records nothing. The interrupt stays set.
     */
    private static void stopIfInterrupted(Manifest m) {
        if (Thread.currentThread().isInterrupted()) {
            throw new ArchivistException("verify of " + m.id() + " stopped: its thread was interrupted (no verdict,"
                    + " nothing recorded)");
        }
    }

    /** Whether the verifying thread (this one, whichever thread asks) was interrupted: a pipeline's reader asks too. */
    private static BooleanSupplier interruptOfThisThread() {
        return Thread.currentThread()::isInterrupted;
    }

    private static void checkSelf(Manifest m, List<Problem> problems) {
        switch (m.selfCheck()) {
            case MISSING -> problems.add(new Problem(m.id(), "manifest", "has no manifest_checksum"));
            case MISMATCH -> problems.add(new Problem(m.id(), "manifest",
                    "edited after it was written (manifest_checksum mismatch)"));
            case INTACT -> { }
        }
    }

    /**
     * The codec the manifest names, or null with a problem when it names none Archivist reads: its archive can be
     * neither checked nor restored, so the backup is never called clean (a deep verify had skipped the archive).
     */
    private static Compression codecOf(Manifest m, List<Problem> problems) {
        Compression codec = Compression.parseOrNull(m.compression());
        if (codec == null) {
            problems.add(new Problem(m.id(), "manifest", "unknown compression '" + m.compression()
                    + "': the backup cannot be read (zstd, gz, xz or none)"));
        }
        return codec;
    }

    private boolean partsPresent(Manifest m, Path dir, List<Problem> problems) {
        boolean ok = true;
        List<Manifest.Part> parts = m.parts();
        if (parts.isEmpty()) {
            problems.add(new Problem(m.id(), "manifest", "lists no data files"));
            return false;
        }
        for (Manifest.Part p : parts) {
            if (!Files.isRegularFile(dir.resolve(p.path()))) {
                problems.add(new Problem(m.id(), "part " + p.path(), "missing"));
                ok = false;
            }
        }
        Set<String> listed = new HashSet<>();
        parts.forEach(p -> listed.add(p.path()));
        String base = m.json().path("file").asText(null);
        if (base != null) {
            Pattern partName = Pattern.compile(Pattern.quote(base) + "(\\.part\\d+)?");
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path f : files) {
                    String n = f.getFileName().toString();
                    if (partName.matcher(n).matches() && !listed.contains(n)) {
                        problems.add(new Problem(m.id(), "part " + n, "extra file not listed in the manifest"));
                    }
                }
            } catch (IOException e) {
                problems.add(new Problem(m.id(), "folder " + dir, "cannot list: " + ArchivistException.reason(e)));
            }
        }
        return ok;
    }

    /** With a part missing the archive cannot be read through; still check each part that is there, one by one. */
    private static void checkPresentParts(Manifest m, Path dir, List<Problem> problems, long[] counters) {
        for (Manifest.Part p : m.parts()) {
            Path file = dir.resolve(p.path());
            if (!Files.isRegularFile(file)) {
                continue;
            }
            try (CheckedParts in = new CheckedParts(dir, List.of(p), m.id(), problems, interruptOfThisThread())) {
                in.drain();
                counters[0] += in.total();
            } catch (IOException e) {
                problems.add(new Problem(m.id(), "part " + p.path(), "cannot read: " + ArchivistException.reason(e)));
            }
        }
    }

    /**
     * The checks that read no data: the manifest's own checksum, every part present with its recorded size, no extra
     * part, and (storage) the per-file index's checksum. Restore runs these first and checks every part's SHA-256 while
     * it extracts, before anything replaces live data.
     */
    public List<Problem> checkStructure(Manifest m) {
        refuseUnreadable(m);
        List<Problem> problems = new ArrayList<>();
        checkSelf(m, problems);
        if (m.type() == BackupType.FULL) {
            return problems;
        }
        Path dir = catalog.dir(m.type());
        if (partsPresent(m, dir, problems)) {
            for (Manifest.Part p : m.parts()) {
                try {
                    long size = Files.size(dir.resolve(p.path()));
                    if (size != p.size()) {
                        problems.add(new Problem(m.id(), "part " + p.path(), "size " + size + " differs from manifest " + p.size()));
                    }
                } catch (IOException e) {
                    problems.add(new Problem(m.id(), "part " + p.path(), "cannot read: " + ArchivistException.reason(e)));
                }
            }
        }
        if (m.type() == BackupType.STORAGE) {
            intactIndex(m, dir, problems);
        }
        return problems;
    }

    /**
     * Refuses, as a backup this process cannot check rather than a damaged one, a backup with a stored file (a part,
     * the index) it may not read: another user's (a backup taken by root, checked by the application's user). Read
     * on, the archive looked cut short there, and the backup was reported and recorded as damaged.
     */
    private void refuseUnreadable(Manifest m) {
        if (m.type() == BackupType.FULL) {
            return; // its components are checked one by one
        }
        Path dir = catalog.dir(m.type());
        List<String> names = new ArrayList<>();
        m.parts().forEach(p -> names.add(p.path()));
        if (m.type() == BackupType.STORAGE && m.indexFile() != null) {
            names.add(m.indexFile());
        }
        for (String name : names) {
            Path file = dir.resolve(name);
            if (!Files.isRegularFile(file)) {
                continue; // missing, or no regular file (a FIFO would block the open): the checks name it
            }
            try (var opened = Files.newByteChannel(file)) {
                // readable
            } catch (java.nio.file.AccessDeniedException e) {
                throw new ArchivistException("cannot check " + m.id() + ": permission denied: " + file
                        + ForeignOwner.hint(catalog.root(), file) + " (not recorded as damaged: it was not read)");
            } catch (IOException | RuntimeException e) {
                // gone meanwhile, or another failure: the checks name it
            }
        }
    }

    /** Compares the whole-archive SHA-256 and size with the manifest, once {@code in} has been read to the end. */
    public static void checkWhole(Manifest m, CheckedParts in, List<Problem> problems) {
        String whole = in.wholeSha256();
        if (!whole.equals(m.checksum())) {
            problems.add(new Problem(m.id(), "archive", "whole-archive SHA-256 differs from the manifest checksum"));
        }
        if (in.total() != m.fileSize()) {
            problems.add(new Problem(m.id(), "archive", "total size " + in.total() + " differs from manifest file_size " + m.fileSize()));
        }
    }

    private void verifyDatabase(Manifest m, boolean deep, List<Problem> problems, long[] counters) {
        Path dir = catalog.dir(BackupType.DATABASE);
        if (!partsPresent(m, dir, problems)) {
            checkPresentParts(m, dir, problems, counters);
            return;
        }
        Compression codec = codecOf(m, problems);
        Path temp = null;
        boolean decompressed = false;
        try (CheckedParts in = new CheckedParts(dir, m.parts(), m.id(), problems, interruptOfThisThread())) {
            if (deep && codec != null) {
                temp = VerifyScratch.create(catalog.stateDir(), m.id());
                try (InputStream raw = Codecs.decompressor(codec, org.apache.commons.io.input.CloseShieldInputStream.wrap(in));
                     OutputStream out = VerifyScratch.writing(Files.newOutputStream(temp), temp, m.id())) {
                    raw.transferTo(out);
                    decompressed = true;
                } catch (IOException e) {
                    problems.add(new Problem(m.id(), "database file", "cannot decompress: " + ArchivistException.reason(e)));
                }
            }
            in.drain();
            checkWhole(m, in, problems);
            counters[0] = in.total();
            if (decompressed) {
                long expected = m.json().path("size_uncompressed").asLong(-1);
                long size = VerifyScratch.size(temp, m.id());
                if (expected >= 0 && size != expected) {
                    problems.add(new Problem(m.id(), "database file", "decompressed size " + size + " differs from " + expected));
                }
                List<String> found = SqliteSnapshot.check(temp, true, interruptOfThisThread());
                if (!found.isEmpty()) {
                    VerifyScratch.requireStillThere(temp, m.id());
                }
                for (String p : found) {
                    problems.add(new Problem(m.id(), "database file", "integrity_check: " + p));
                }
                counters[1] = 1;
            }
        } catch (IOException e) {
            problems.add(new Problem(m.id(), "database file", "cannot read: " + ArchivistException.reason(e)));
        } finally {
            VerifyScratch.delete(temp);
        }
    }

    private void verifyStorage(Manifest m, boolean deep, List<Problem> problems, long[] counters) {
        Path dir = catalog.dir(BackupType.STORAGE);
        Path index = intactIndex(m, dir, problems);
        Compression codec = codecOf(m, problems);
        if (!partsPresent(m, dir, problems)) {
            checkPresentParts(m, dir, problems, counters);
            if (deep && codec != null && index != null) {
                counters[1] = lostWithMissingPart(m, dir, codec, index, problems);
            }
            return;
        }
        // Part problems are collected apart: the parts are read on the pipeline's thread while this one checks files.
        List<Problem> partProblems = new ArrayList<>();
        List<Problem> fileProblems = new ArrayList<>();
        try (CheckedParts in = new CheckedParts(dir, m.parts(), m.id(), partProblems, interruptOfThisThread())) {
            if (deep && codec != null && index != null) {
                try (PipelinedInputStream tar = PipelinedInputStream.start("verify " + m.id(),
                        () -> Codecs.decompressor(codec, CloseShieldInputStream.wrap(in)), in::drain)) {
                    counters[1] = readArchive(m, tar, index, fileProblems);
                    tar.finish();
                } catch (IOException e) {
                    fileProblems.add(new Problem(m.id(), "archive", "cannot decompress: " + ArchivistException.reason(e)));
                }
            }
            in.drain();
            problems.addAll(partProblems);
            problems.addAll(fileProblems);
            checkWhole(m, in, problems);
            counters[0] = in.total();
        } catch (IOException e) {
            problems.addAll(partProblems);
            problems.addAll(fileProblems);
            problems.add(new Problem(m.id(), "archive", "cannot read: " + ArchivistException.reason(e)));
        }
    }

    /**
     * With a part missing, the archive is one stream cut there: reads the parts before the first missing one and
     * names, as a truncated archive's are named, the entries that lie beyond it and cannot be restored (content
     * problems met on the way are reported too; the parts' own checks were made one by one already). Returns the
     * number of files checked.
     */
    private long lostWithMissingPart(Manifest m, Path dir, Compression codec, Path index, List<Problem> problems) {
        List<Manifest.Part> readable = m.parts().stream()
                .takeWhile(p -> Files.isRegularFile(dir.resolve(p.path()))).toList();
        List<Problem> found = new ArrayList<>();
        long checked = 0;
        try (CheckedParts in = new CheckedParts(dir, readable, m.id(), new ArrayList<>(), interruptOfThisThread());
             InputStream tar = readable.isEmpty() ? InputStream.nullInputStream()
                     : Codecs.decompressor(codec, CloseShieldInputStream.wrap(in))) {
            checked = readArchive(m, tar, index, found, true);
        } catch (IOException | RuntimeException e) {
            // a stream cut short fails to decompress here or on close: expected, the entries were counted above
        }
        // the cut itself was already reported as the missing part; what lies beyond it is the news
        found.removeIf(p -> p.what().startsWith("cannot read the compressed tar stream"));
        problems.addAll(found);
        return checked;
    }

    /** The index file when it is present and its SHA-256 matches the manifest (hashed as a stream), else null. */
    private Path intactIndex(Manifest m, Path dir, List<Problem> problems) {
        String name = m.indexFile();
        if (name == null) {
            problems.add(new Problem(m.id(), "index", "manifest names no per-file index"));
            return null;
        }
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            problems.add(new Problem(m.id(), "index " + name, "missing"));
            return null;
        }
        try {
            if (!Sha256.ofFile(file).equals(m.indexChecksum())) {
                problems.add(new Problem(m.id(), "index " + name, "SHA-256 mismatch (damaged or edited)"));
                return null;
            }
            return file;
        } catch (IOException e) {
            problems.add(new Problem(m.id(), "index " + name, "unreadable: " + ArchivistException.reason(e)));
            return null;
        }
    }

    /**
     * Reads the decompressed tar stream {@code tarStream}, checking every entry against the index as both stream by
     * ({@link IndexMatcher}: flat memory whatever the number of files).
     */
    private long readArchive(Manifest m, InputStream tarStream, Path indexFile, List<Problem> problems) {
        return readArchive(m, tarStream, indexFile, problems, false);
    }

    /**
     * As {@link #readArchive(Manifest, InputStream, Path, List)}; with {@code cut}, the stream is known to stop short
     * (a part is missing), so what the index lists beyond its end is named once as lost, not file by file as missing.
     */
    private long readArchive(Manifest m, InputStream tarStream, Path indexFile, List<Problem> problems, boolean cut) {
        long files = 0;
        byte[] buf = new byte[1 << 20];
        IndexMatcher index;
        EntryLayoutCheck layout; // what a restore refuses in an entry for the entries before it; null once it refused
        try {
            layout = new EntryLayoutCheck(IndexPlan.read(indexFile, path -> true));
            index = new IndexMatcher(indexFile);
        } catch (IOException | UncheckedIOException e) {
            problems.add(new Problem(m.id(), "index " + m.indexFile(), "unreadable: " + ArchivistException.reason(e)));
            return 0;
        }
        // the caller finishes the stream (reading it to its end, to learn of a failure behind the tar's end)
        try (index; TarArchiveInputStream tar = new TarArchiveInputStream(
                new BufferedInputStream(CloseShieldInputStream.wrap(tarStream), 1 << 16), "UTF-8")) {
            String reading = null; // the entry whose content is being read: the damage may cut it short
            try {
                TarArchiveEntry e;
                while ((e = tar.getNextEntry()) != null) {
                    String key = IndexMatcher.strip(e.getName());
                    java.util.Optional<String> refusal = EntryNames.refusal(e);
                    if (refusal.isEmpty() && layout != null) {
                        refusal = layout.check(e);
                    }
                    if (refusal.isPresent()) {
                        problems.add(new Problem(m.id(), "file " + key, UNSAFE + refusal.get()));
                        layout = null; // the restore stops at the first: what it would make of the rest is moot
                    }
                    IndexEntry expected = takeFromIndex(index, key);
                    if (expected == null) {
                        problems.add(new Problem(m.id(), "file " + key, "in the archive but not in the index"));
                    } else {
                        reading = key;
                        if (checkEntry(m, e, tar, expected, buf, problems)) {
                            files++;
                        }
                        reading = null;
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (e instanceof IndexUnreadable || e instanceof CodecUnavailableException) {
                    throw e;
                }
                problems.add(new Problem(m.id(), "archive", "cannot read the compressed tar stream: "
                        + ArchivistException.reason(e)));
                if (reading != null) {
                    problems.add(new Problem(m.id(), "file " + reading, "cut short by the damage, cannot be restored"));
                }
                notReached(m, index, problems);
                return files;
            }
            if (layout != null) {
                layout.finishedCheck().ifPresent(reason -> problems.add(new Problem(m.id(), "archive", UNSAFE + reason)));
            }
            if (cut) {
                notReached(m, index, problems);
            } else {
                drainIndex(m, index, problems);
            }
        } catch (IndexUnreadable u) {
            problems.add(new Problem(m.id(), "index " + m.indexFile(), "unreadable: " + ArchivistException.reason(u.getCause())));
        } catch (CodecUnavailableException e) {
            throw e; // not checked here (the caller says so), nothing found wrong
        } catch (IOException | RuntimeException e) {
            problems.add(new Problem(m.id(), "archive", "cannot read the compressed tar stream: " + ArchivistException.reason(e)));
        }
        return files;
    }

    private static final String UNSAFE = "unsafe entry, a restore refuses the whole archive: ";

    private static IndexEntry takeFromIndex(IndexMatcher index, String path) {
        try {
            return index.take(path);
        } catch (UncheckedIOException e) {
            throw new IndexUnreadable(e);
        }
    }

    /**
     * Checks one archive entry against its index entry; returns whether it was a file: its content hashed, or a hard
     * link, whose content is its target's, checked where it is stored (a backup counts both among its files).
     */
    private static boolean checkEntry(Manifest m, TarArchiveEntry e, InputStream tar, IndexEntry expected, byte[] buf,
                                      List<Problem> problems) throws IOException {
        String where = "file " + IndexMatcher.strip(e.getName());
        String archived = indexType(e);
        if (archived != null && !archived.equals(expected.type())) {
            problems.add(new Problem(m.id(), where, "a " + archived + " in the archive, the index lists a " + expected.type()));
            return IndexEntry.FILE.equals(archived) || IndexEntry.HARDLINK.equals(archived);
        }
        if (e.isLink()) {
            if (!IndexEntry.HARDLINK.equals(expected.type()) || !e.getLinkName().equals(expected.link())) {
                problems.add(new Problem(m.id(), where, "hard link target differs from the index"));
            }
            return true;
        }
        if (e.isSymbolicLink()) {
            if (!e.getLinkName().equals(expected.link())) {
                problems.add(new Problem(m.id(), where, "symlink target differs from the index"));
            }
            return false;
        }
        if (!e.isFile()) {
            return false;
        }
        var digest = Sha256.digest();
        long size = 0;
        int n;
        while ((n = tar.read(buf)) > 0) {
            digest.update(buf, 0, n);
            size += n;
        }
        if (size != expected.size()) {
            problems.add(new Problem(m.id(), where, "size " + size + " differs from index " + expected.size()));
        }
        if (!Sha256.hex(digest.digest()).equals(expected.sha256())) {
            problems.add(new Problem(m.id(), where, "content SHA-256 differs from the index"));
        }
        return true;
    }

    /** The index type of an archive entry; null for a device or FIFO, which are reported as unsafe entries. */
    private static String indexType(TarArchiveEntry e) {
        if (e.isLink()) {
            return IndexEntry.HARDLINK;
        }
        if (e.isSymbolicLink()) {
            return IndexEntry.SYMLINK;
        }
        if (e.isDirectory()) {
            return IndexEntry.DIR;
        }
        if (e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
            return null;
        }
        return e.isFile() ? IndexEntry.FILE : null;
    }

    /**
     * After the archive could not be read on: what the index still lists lies beyond the damage and cannot be
     * restored, named (the first few, with their count and bytes) so an operator knows what is lost.
     */
    private static void notReached(Manifest m, IndexMatcher index, List<Problem> problems) {
        long[] lost = new long[2];
        List<String> first = new ArrayList<>();
        try {
            index.drainUnmatched(e -> {
                lost[0]++;
                lost[1] += IndexEntry.FILE.equals(e.type()) ? e.size() : 0;
                if (first.size() < 10) {
                    first.add(IndexMatcher.strip(e.path()));
                }
            });
        } catch (UncheckedIOException e) {
            throw new IndexUnreadable(e);
        }
        if (lost[0] > 0) {
            problems.add(new Problem(m.id(), "archive", "beyond the damage, cannot be restored: "
                    + dev.archivist.Plural.of(lost[0], "entry", "entries") + " of the index (" + lost[1]
                    + " bytes of content): " + String.join(", ", first)
                    + (lost[0] > first.size() ? ", … (archivist ls " + m.id() + " lists them all)" : "")));
        }
    }

    private static void drainIndex(Manifest m, IndexMatcher index, List<Problem> problems) {
        try {
            index.drainUnmatched(missing -> problems.add(new Problem(m.id(), "file " + IndexMatcher.strip(missing.path()),
                    "listed in the index but missing from the archive")));
        } catch (UncheckedIOException e) {
            throw new IndexUnreadable(e);
        }
    }

    /** The index (checksum intact, so written that way) cannot be parsed: told apart from a damaged tar stream. */
    private static final class IndexUnreadable extends RuntimeException {
        IndexUnreadable(UncheckedIOException cause) {
            super(cause);
        }
    }

    private void verifyFull(Manifest m, boolean deep, List<Problem> problems, List<Problem> restoreWarnings,
                            long[] counters) {
        for (BackupType t : List.of(BackupType.DATABASE, BackupType.STORAGE)) {
            JsonNode ref = m.component(t);
            if (ref == null || ref.path("id").asText("").isEmpty()) {
                problems.add(new Problem(m.id(), t.wireName() + " component", "not named in the full manifest"));
                continue;
            }
            String id = m.componentId(t);
            if (id == null) {
                problems.add(new Problem(m.id(), t.wireName() + " component '" + ref.path("id").asText() + "'",
                        "not the id of a " + t.wireName() + " backup"));
                continue;
            }
            var component = catalog.findById(id);
            if (component.isEmpty() || component.get().type() != t) {
                problems.add(new Problem(m.id(), t.wireName() + " component " + id, catalog.hasManifestFile(t, id)
                        ? "its manifest is unreadable" : "missing from the catalog"));
                continue;
            }
            if (!m.recordedComponent(component.get())) {
                problems.add(new Problem(m.id(), t.wireName() + " component " + id, "checksum differs from the one recorded in the full manifest"));
            }
            VerifyReport sub = verify(component.get(), deep);
            problems.addAll(sub.problems());
            restoreWarnings.addAll(sub.restoreWarnings());
            counters[0] += sub.bytesChecked();
            counters[1] += sub.filesChecked();
        }
    }
}
