package dev.archivist.source;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Walks a directory tree in a stable order: depth-first, parents before children, the entries of each
 * directory sorted by name in Unicode code-point order (= UTF-8 byte order). Symbolic links are reported,
 * never followed. The root itself is not reported.
 *
 * <p>Directories, regular files and symlinks go to {@link Visitor#entry}; everything else is reported to
 * {@link Visitor#skipped} with a reason: sockets, FIFOs and devices by type name; an entry gone before it
 * could be examined as {@code "vanished"}; a directory that cannot be listed is reported (so it is kept,
 * empty) and its contents are skipped with {@code "permission denied: cannot list directory"}; a name that is not
 * valid UTF-8 with {@link #NOT_UTF8} (archives hold UTF-8 names; GNU tar would store the raw bytes).
 * Excluded paths ({@link ExcludeMatcher}) are not reported; an excluded directory is not entered.
 *
 * <p>Never led outside the root: each folder is opened relative to its parent, and its entries are stat'ed relative to
 * it ({@link FolderHandle}). An entry whose path no longer leads to what its folder holds (a folder replaced with a
 * symlink after it was listed) is skipped with {@link #REPLACED}. Each reported entry holds its folder open until
 * {@link WalkEntry#done()}; {@link #closeFolders()} closes whatever is left. Folders deeper than the descriptor limit
 * allows to hold open ({@link OpenFileLimit}; 2,484 levels at a limit of 20,000, deeper than any path can go) are
 * read through their paths, as all were before.
 *
 * <p>Streaming: only the sorted name list of each directory on the current path is held in memory.
 */
public final class DirectoryWalker {
    /** The reason recorded for an entry whose name is not valid UTF-8. */
    public static final String NOT_UTF8 = "name is not valid UTF-8: not stored (rename it to back it up)";
    /** The reason recorded for an entry whose path led to another file than its folder holds (see {@link FolderHandle}). */
    public static final String REPLACED = "replaced while the backup ran: its path led to another file than its folder holds";

    private final Path root;
    private final ExcludeMatcher excludes;
    private final ReservedEntries reserved;
    private final FolderHandles folders = new FolderHandles();
    private Object expectedRoot;
    /** Folders deeper than this are read through their paths: the path's folders would hold too many descriptors. */
    private int maxOpenDepth = OpenFileLimit.folderBudget();
    private volatile long excluded; // written by the walking thread only, read once the walk is over

    /** Receives the walk's results in order; an exception thrown here ends the walk. */
    public interface Visitor {
        void entry(WalkEntry entry) throws IOException;

        void skipped(SkippedEntry skipped) throws IOException;

        /** An entry the excludes left out (a folder once, with nothing of what it holds). */
        default void excluded(String relativePath) throws IOException {
        }
    }

    /**
     * @param root     directory to walk (if it is a symlink to a directory, that one link is followed)
     * @param excludes globs relative to the root, e.g. {@code **}{@code /*.tmp}, {@code cache/**}
     */
    public DirectoryWalker(Path root, List<String> excludes) {
        this(root, excludes, ReservedEntries.NONE);
    }

    /**
     * @param reserved entries that are not entered nor reported as entries but as skipped, with their reason
     *                 (Archivist's own backup folder inside the storage folder, say)
     */
    public DirectoryWalker(Path root, List<String> excludes, ReservedEntries reserved) {
        this.root = root;
        this.excludes = new ExcludeMatcher(excludes, root);
        this.reserved = reserved;
    }

    /**
     * Makes the walk refuse a root that is not the folder of identity {@code key} (device and inode) once opened: the
     * root is opened by its path, which a user who may write the folder it is in could lead elsewhere (a link swapped
     * in) after it was checked. Everything below it is opened through its parent, never by path.
     */
    public DirectoryWalker expectingRoot(Object key) {
        this.expectedRoot = key;
        return this;
    }

    /** Holds at most {@code folders} folders open at once (fewer than the descriptor limit allows: for tests). */
    DirectoryWalker holdingAtMost(int folders) {
        this.maxOpenDepth = folders;
        return this;
    }

    /** How many entries the excludes left out so far (an excluded folder counts once, its contents not at all). */
    public long excluded() {
        return excluded;
    }

    /** Walks the whole tree; fails only when the root itself cannot be listed. */
    public void walk(Visitor visitor) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new NotDirectoryException(root + " (backup source is not a directory)");
        }
        Deque<Frame> stack = new ArrayDeque<>();
        FolderHandle top = folders.register(new FolderHandle(root, Files.newDirectoryStream(root), folders));
        try {
            Object opened = top.identity();
            if (expectedRoot != null && opened != null && !expectedRoot.equals(opened)) {
                throw new IOException("storage folder " + root + " was replaced by another folder as the backup began"
                        + " (a link swapped in at its name?): nothing of it was read");
            }
            stack.push(new Frame(top, "", list(top)));
        } catch (IOException e) {
            top.release();
            throw e;
        }
        try {
            while (!stack.isEmpty()) {
                Frame frame = stack.peek();
                if (frame.next == frame.listing.names().size()) {
                    stack.pop().folder.release();
                    continue;
                }
                visit(frame, stack, visitor);
            }
        } finally {
            stack.forEach(f -> f.folder.release()); // a visitor's failure ends the walk half-way
        }
    }

    /** Lets go of every folder the walk still holds open (also those of entries not yet {@link WalkEntry#done()}). */
    public void closeFolders() {
        folders.closeAll();
    }

    /** How many folders the walk holds open now. */
    public int openFolders() {
        return folders.openCount();
    }

    private void visit(Frame frame, Deque<Frame> stack, Visitor visitor) throws IOException {
        String name = frame.listing.names().get(frame.next);
        frame.listing.names().set(frame.next++, null); // let visited names go
        String rel = frame.rel.isEmpty() ? name : frame.rel + "/" + name;
        if (excludes.excluded(rel)) {
            excluded++;
            visitor.excluded(rel);
            return;
        }
        Map<String, Integer> undecodable = frame.listing.undecodable();
        Integer notUtf8 = undecodable == null ? null : undecodable.get(name);
        if (notUtf8 != null) {
            // one of the names that are not UTF-8 and decode to this string; a file whose name really is this
            // string (U+FFFD and all) sorts beside them and is walked once they are used up
            if (notUtf8 == 1) {
                undecodable.remove(name);
            } else {
                undecodable.put(name, notUtf8 - 1);
            }
            visitor.skipped(new SkippedEntry(rel, NOT_UTF8));
            return;
        }
        String backslashed = BackslashPaths.escape(rel);
        if (backslashed != null) {
            visitor.skipped(new SkippedEntry(rel, "name with " + backslashed + ", which a restore refuses: not stored"
                    + " (rename it to back it up)"));
            return;
        }
        String reservedFor = reserved.byPath(rel);
        if (reservedFor != null) {
            visitor.skipped(new SkippedEntry(rel, reservedFor));
            return;
        }
        FolderHandle folder = frame.folder;
        Path path = folder.path().resolve(name);
        FileStat stat;
        try {
            stat = stat(folder, name, path);
        } catch (NoSuchFileException e) {
            visitor.skipped(new SkippedEntry(rel, "vanished"));
            return;
        } catch (AccessDeniedException e) {
            visitor.skipped(new SkippedEntry(rel, "permission denied"));
            return;
        } catch (IOException e) {
            OpenFileLimit.failIfExhausted("reading " + path, e);
            visitor.skipped(new SkippedEntry(rel, "cannot stat: " + e.getMessage()));
            return;
        }
        if (stat == null) {
            visitor.skipped(new SkippedEntry(rel, REPLACED));
            return;
        }
        switch (stat.type()) {
            case DIRECTORY:
                if (excludes.excludedFolder(rel)) {
                    excluded++;
                    visitor.excluded(rel);
                    return;
                }
                String sameAsReserved = reserved.byIdentity(stat.inode());
                if (sameAsReserved != null) {
                    visitor.skipped(new SkippedEntry(rel, sameAsReserved));
                    return;
                }
                FolderHandle child;
                Listing children;
                try {
                    child = FifoSafeOpen.openFolder(folder, name, stack.size() >= maxOpenDepth);
                } catch (IOException e) {
                    OpenFileLimit.failIfExhausted("opening " + path, e);
                    String gone = goneOrReplaced(folder, name);
                    if (gone != null) {
                        visitor.skipped(new SkippedEntry(rel, gone));
                        return;
                    }
                    visitor.entry(entry(folder, name, path, rel, stat));
                    String why = e instanceof AccessDeniedException ? "permission denied" : e.toString();
                    visitor.skipped(new SkippedEntry(rel + "/", why + ": cannot list directory"));
                    return;
                }
                try {
                    children = list(child);
                } catch (IOException e) {
                    child.release();
                    OpenFileLimit.failIfExhausted("listing " + path, e);
                    visitor.entry(entry(folder, name, path, rel, stat));
                    visitor.skipped(new SkippedEntry(rel + "/", e + ": cannot list directory"));
                    return;
                }
                stack.push(new Frame(child, rel, children));
                visitor.entry(entry(folder, name, path, rel, stat));
                break;
            case FILE:
            case SYMLINK:
                visitor.entry(entry(folder, name, path, rel, stat));
                break;
            default:
                visitor.skipped(new SkippedEntry(rel, stat.typeName()));
        }
    }

    private static WalkEntry entry(FolderHandle folder, String name, Path path, String rel, FileStat stat) {
        folder.retain(); // released by the entry's done()
        return new WalkEntry(path, rel, stat, folder, name);
    }

    /**
     * The entry's full attributes: relative to its open folder where the JDK's attributes can be read
     * ({@link JdkUnixAttributes}); else through its path, checked against what its open folder holds under that name
     * (same device and inode): null when they differ twice, that is when the path leads somewhere else, such as
     * through a folder replaced with a symlink since it was listed.
     */
    private static FileStat stat(FolderHandle folder, String name, Path path) throws IOException {
        FileStat relative = folder.fullStat(name);
        if (relative != null) {
            return relative; // all of it from the open folder: nothing to check
        }
        for (int attempt = 0; attempt < 2; attempt++) {
            Object key = folder.stat(name).fileKey();
            FileStat stat;
            try {
                stat = FileStat.lstat(path);
            } catch (NoSuchFileException e) {
                continue; // in its folder, but not where its path leads
            }
            if (key == null || key.equals(stat.inode())) {
                return stat;
            }
        }
        return null;
    }

    /** Why a folder that could not be opened is no longer one to walk ("vanished", {@link #REPLACED}), or null. */
    private static String goneOrReplaced(FolderHandle folder, String name) {
        try {
            return folder.stat(name).isDirectory() ? null : REPLACED;
        } catch (NoSuchFileException e) {
            return "vanished";
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * A directory's names in walk order, and how many names that are not valid UTF-8 decode to each string (null
     * when none): several names can decode to one string, and a valid name can be that string too.
     */
    private record Listing(List<String> names, Map<String, Integer> undecodable) {
    }

    private static Listing list(FolderHandle folder) throws IOException {
        List<String> names = new ArrayList<>();
        Map<String, Integer> undecodable = null;
        Iterator<Path> it = folder.entries();
        try {
            while (it.hasNext()) {
                Path file = it.next().getFileName();
                String name = file.toString();
                // Java decodes a name that is not valid UTF-8 with U+FFFD for the bad bytes: that string names
                // another file (or none), and the archive's UTF-8 names could not hold the original bytes anyway
                if (name.indexOf('\uFFFD') >= 0 && !file.equals(file.getFileSystem().getPath(name))) {
                    undecodable = undecodable == null ? new HashMap<>() : undecodable;
                    undecodable.merge(name, 1, Integer::sum);
                }
                names.add(name);
            }
        } catch (DirectoryIteratorException e) {
            throw e.getCause();
        }
        sortByCodePoint(names);
        return new Listing(names, undecodable);
    }

    /**
     * Sorts names in code-point order. Without surrogate pairs (names outside the supplementary planes, nearly
     * all), String's own order of UTF-16 units is that order and much cheaper: the comparator below made sorting
     * 45 % of the walk's CPU on a 100,000-file tree.
     */
    static void sortByCodePoint(List<String> names) {
        for (String name : names) {
            for (int i = 0; i < name.length(); i++) {
                if (Character.isSurrogate(name.charAt(i))) {
                    names.sort(DirectoryWalker::compareCodePoints);
                    return;
                }
            }
        }
        names.sort(null);
    }

    /**
     * Orders names by Unicode code point (String.compareTo orders UTF-16 units, which differs above U+FFFF): the
     * {@link WalkOrder} of paths, which for names (no {@code /}) is just that.
     */
    static int compareCodePoints(String a, String b) {
        return WalkOrder.compare(a, b);
    }

    private static final class Frame {
        final FolderHandle folder;
        final String rel;
        final Listing listing;
        int next;

        Frame(FolderHandle folder, String rel, Listing listing) {
            this.folder = folder;
            this.rel = rel;
            this.listing = listing;
        }
    }
}
