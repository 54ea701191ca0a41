package dev.archivist.archive;

import dev.archivist.source.DirectoryWalker;
import dev.archivist.source.FileStat;
import dev.archivist.source.OpenFileStat;
import dev.archivist.source.SkippedEntry;
import dev.archivist.source.WalkEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Writes walked entries into the tar and the index, one at a time, and collects the {@link ArchiveResult}. */
final class EntryWriter {
    /** The reason recorded for a symlink whose target is not valid UTF-8 (archives hold UTF-8 link targets). */
    static final String NOT_UTF8_TARGET = "symlink target is not valid UTF-8: not stored (GNU tar would store the raw bytes)";
    private static final int CHUNK = 1 << 20;

    private final PaxTarWriter tar;
    private final IndexWriter index;
    private final ProgressListener progress;
    private final List<SkippedEntry> skipped = new ArrayList<>();
    private final List<ChangedFile> changed = new ArrayList<>();
    private final List<SkippedEntry> restoreWarnings = new ArrayList<>();
    /** Every stored symlink (path to target), resolved against each other at the end. */
    private final Map<String, String> links = new LinkedHashMap<>();
    /**
     * The first stored name of each file that has several (hard links), by inode: its other names are stored as links
     * to it, as tar does, so the content is stored and read once. Only files with several names are held here.
     */
    private final Map<Object, IndexEntry> firstNames = new HashMap<>();
    private byte[] chunk;
    private long files;
    private long bytes;

    EntryWriter(PaxTarWriter tar, IndexWriter index, ProgressListener progress) {
        this.tar = tar;
        this.index = index;
        this.progress = progress;
    }

    void skipped(SkippedEntry s) {
        skipped.add(s);
    }

    /** Writes a directory, symlink or file; {@code loaded} is the prefetched content of a small file, else null. */
    void write(WalkEntry e, FileLoader.Loaded loaded) throws IOException {
        String tooLong = RestoreWarnings.pathProblem(e.relativePath());
        if (tooLong != null) {
            restoreWarnings.add(new SkippedEntry(e.relativePath(), tooLong));
        }
        switch (e.type()) {
            case DIRECTORY:
                directory(e);
                break;
            case SYMLINK:
                symlink(e);
                break;
            case FILE:
                IndexEntry first = e.stat().hardLinked() ? firstNames.get(e.stat().inode()) : null;
                if (first != null) {
                    hardLink(e, first);
                } else if (loaded != null) {
                    smallFile(e, loaded);
                } else {
                    streamedFile(e);
                }
                break;
            default:
                skipped.add(SkippedEntry.special(e));
        }
        progress.progress(bytes, files);
    }

    ArchiveResult result() {
        return new ArchiveResult(files, bytes, skipped, changed, restoreWarnings());
    }

    /**
     * The lexical warnings, plus the links that only resolving them against the tree's other links shows the restore
     * refuses: {@code up -> dot/..} with {@code dot -> .} leads out of the folder, {@code a -> b/x} with
     * {@code b -> a/y} grows without end. The restore resolves every link this way ({@link SymlinkResolution}); so
     * does this forecast.
     */
    private List<SkippedEntry> restoreWarnings() {
        List<SkippedEntry> all = new ArrayList<>(restoreWarnings);
        Set<String> warned = new HashSet<>();
        restoreWarnings.forEach(w -> warned.add(w.path()));
        links.forEach((path, target) -> {
            String problem = warned.contains(path) ? null : SymlinkResolution.problem(links, path, target);
            if (problem != null) {
                all.add(new SkippedEntry(path, "symlink target '" + target + "' " + problem
                        + ": restored only with --allow-outside-symlinks"));
            }
        });
        return all;
    }

    private void directory(WalkEntry e) throws IOException {
        FileStat s = e.stat();
        tar.directory(e.relativePath(), s.permissions(), s.lastModified(), s.uid(), s.gid());
        index.add(new IndexEntry(e.relativePath(), IndexEntry.DIR, 0, IndexEntry.millis(s.lastModified()),
                IndexEntry.octalMode(s.permissions()), null, null));
    }

    private void symlink(WalkEntry e) throws IOException {
        String target;
        try {
            // read in its open folder (FolderHandle.readLink); where only its path can be read, the link must still
            // be the one its folder held when walked, or a folder replaced with a symlink since led the read elsewhere
            java.nio.file.Path link = e.folder().readLink(e.name());
            if (!e.folder().readsLinksInFolder() && !sameFile(e)) {
                skipped.add(new SkippedEntry(e.relativePath(), DirectoryWalker.REPLACED));
                return;
            }
            target = link.toString();
            // Java decodes a target that is not valid UTF-8 with U+FFFD for the bad bytes: storing that string would
            // give back a link to another path, silently; the archive's UTF-8 link targets cannot hold those bytes
            if (target.indexOf('\uFFFD') >= 0 && !link.equals(link.getFileSystem().getPath(target))) {
                skipped.add(new SkippedEntry(e.relativePath(), NOT_UTF8_TARGET));
                return;
            }
        } catch (NoSuchFileException ex) {
            skipped.add(new SkippedEntry(e.relativePath(), FileLoader.VANISHED));
            return;
        } catch (java.nio.file.NotLinkException ex) { // no longer a link: say what replaced it, as for files
            String now = FileLoader.replacedOr(e, FileLoader.REPLACED_BY_FILE);
            skipped.add(new SkippedEntry(e.relativePath(), now.equals(FileLoader.REPLACED_BY_SYMLINK)
                    ? "replaced while the backup ran (a link again by now)" : now));
            return;
        } catch (IOException ex) {
            skipped.add(new SkippedEntry(e.relativePath(), "cannot read link: " + ex.getMessage()));
            return;
        }
        FileStat s = e.stat();
        String linkProblem = RestoreWarnings.linkProblem(e.relativePath(), target);
        if (linkProblem != null) {
            restoreWarnings.add(new SkippedEntry(e.relativePath(), linkProblem));
        }
        links.put(e.relativePath(), target);
        tar.symlink(e.relativePath(), target, s.lastModified(), s.uid(), s.gid());
        index.add(new IndexEntry(e.relativePath(), IndexEntry.SYMLINK, 0, IndexEntry.millis(s.lastModified()),
                IndexEntry.octalMode(s.permissions()), target, null));
    }

    /** Whether the entry's path still leads to the file the walk found (same device and inode). */
    private static boolean sameFile(WalkEntry e) throws IOException {
        Object key = e.stat().inode();
        return key == null || key.equals(Files.readAttributes(e.path(), BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS).fileKey());
    }

    /** Another name of a file stored earlier under {@code first}: a tar hard link, its content not read again. */
    private void hardLink(WalkEntry e, IndexEntry first) throws IOException {
        FileStat s = e.stat();
        tar.hardLink(e.relativePath(), first.path(), s.permissions(), s.lastModified(), s.uid(), s.gid());
        index.add(new IndexEntry(e.relativePath(), IndexEntry.HARDLINK, first.size(), IndexEntry.millis(s.lastModified()),
                IndexEntry.octalMode(s.permissions()), first.path(), first.sha256()));
        files++;
    }

    private void smallFile(WalkEntry walked, FileLoader.Loaded loaded) throws IOException {
        if (loaded.skipReason() != null) {
            skipped.add(new SkippedEntry(walked.relativePath(), loaded.skipReason()));
            return;
        }
        WalkEntry e = loaded.stored(walked);
        putFileHeader(e);
        tar.write(loaded.data(), loaded.offset(), (int) e.stat().size());
        tar.closeEntry();
        fileDone(e, loaded.sha256Hex(), loaded.changed(), loaded.bytesRead());
    }

    /** A large file: opened and its first chunk read before the header, then copied in chunks while hashing. */
    private void streamedFile(WalkEntry walked) throws IOException {
        String[] why = new String[1];
        FileChannel ch = FileLoader.openWatchingForStuck(walked, why);
        if (ch == null) {
            skipped.add(new SkippedEntry(walked.relativePath(), why[0]));
            return;
        }
        WalkEntry e = asOpened(walked, ch);
        if (chunk == null) {
            chunk = new byte[CHUNK];
        }
        long declared = e.stat().size();
        MessageDigest md = Sha256.digest();
        try (FileLoader.Opened ignored = FileLoader.closing(e, ch)) {
            ByteBuffer bb = ByteBuffer.wrap(chunk);
            int n;
            try {
                n = fill(ch, bb, declared);
            } catch (IOException ex) {
                skipped.add(new SkippedEntry(e.relativePath(), FileLoader.replacedOr(e, "read error: " + ex.getMessage())));
                return;
            }
            putFileHeader(e);
            long done = 0;
            String readError = null;
            while (true) {
                md.update(chunk, 0, n);
                tar.write(chunk, 0, n);
                done += n;
                progress.progress(bytes + done, files);
                if (n == 0 || done == declared || readError != null) {
                    break;
                }
                try {
                    n = fill(ch, bb, declared - done);
                } catch (IOException ex) {
                    readError = "read error after " + done + " bytes: " + ex.getMessage();
                    n = 0;
                }
            }
            long read = done;
            if (done < declared) {
                Arrays.fill(chunk, (byte) 0);
            }
            while (done < declared) { // shrank or failed: pad to the declared size
                int k = (int) Math.min(chunk.length, declared - done);
                md.update(chunk, 0, k);
                tar.write(chunk, 0, k);
                done += k;
            }
            tar.closeEntry();
            boolean grew = read == declared && readError == null && ch.read(ByteBuffer.allocate(1)) > 0;
            String reason = readError != null ? readError + " (rest padded with zeros)"
                    : FileLoader.changeReason(e, ch, read, grew);
            fileDone(e, Sha256.hex(md.digest()), reason, read);
        }
    }

    /** The entry to store for the file opened as {@code ch} at the walked entry's name: {@link FileLoader#asOpened}. */
    private static WalkEntry asOpened(WalkEntry walked, FileChannel ch) {
        return walked.stat().inode() == null ? walked : FileLoader.asOpened(walked, OpenFileStat.of(ch));
    }

    /** Reads into {@code chunk} from its start up to {@code max} bytes or EOF; returns the count. */
    private static int fill(FileChannel ch, ByteBuffer bb, long max) throws IOException {
        bb.clear();
        bb.limit((int) Math.min(bb.capacity(), max));
        while (bb.hasRemaining() && ch.read(bb) >= 0) {
            // until full or EOF
        }
        return bb.position();
    }

    private void putFileHeader(WalkEntry e) throws IOException {
        FileStat s = e.stat();
        tar.file(e.relativePath(), s.size(), s.permissions(), s.lastModified(), s.uid(), s.gid());
    }

    /** A file stored: {@code read} of its bytes came from the disk (fewer than its size when it shrank: zeros pad it). */
    private void fileDone(WalkEntry e, String sha, String changeReason, long read) throws IOException {
        FileStat s = e.stat();
        if (changeReason != null) {
            changed.add(new ChangedFile(e.relativePath(), changeReason));
        }
        IndexEntry stored = new IndexEntry(e.relativePath(), IndexEntry.FILE, s.size(), IndexEntry.millis(s.lastModified()),
                IndexEntry.octalMode(s.permissions()), null, sha);
        index.add(stored);
        // a name that changed while read may no longer be the walked inode (a new file renamed over it): its other
        // names are then read themselves rather than stored as links to content they never had
        if (s.hardLinked() && changeReason == null) {
            firstNames.put(s.inode(), stored);
        }
        files++;
        bytes += read;
    }
}
