package dev.archivist.source;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.ClosedDirectoryStreamException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A folder of the walk, held open: its entries are listed, stat'ed and opened relative to it ({@code openat},
 * {@code fstatat} with {@code O_NOFOLLOW}), never through its path. A folder that someone replaces with a symlink while
 * the backup runs therefore cannot lead the backup out of the storage folder: the names, attributes and content it
 * reads are those of the folder it listed. This is what GNU tar does with its directory descriptors.
 *
 * <p>Java's {@link SecureDirectoryStream} gives exactly these calls. A handle works through paths instead (as the walk
 * did before it held folders open) where the platform has no such stream (not Linux nor macOS). A folder deeper than
 * the descriptor limit lets the walk hold open ({@link OpenFileLimit}) holds no descriptor of its own: each of its
 * reads opens the folders below the deepest one held, one at a time, each relative to the one before and never
 * through a link, and closes them after (through its path, a user who may rename folders on the way could swap one
 * for a link, between the listing and the reads, to a folder only root may read). Reference-counted: the walker
 * holds a folder while it is on its path, and each {@link WalkEntry} in it holds it until {@link WalkEntry#done()};
 * the last release closes it.
 */
public final class FolderHandle {
    private static final Set<OpenOption> READ = Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    private static final Set<OpenOption> READ_WRITE = Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS);

    private final Path path;
    private final DirectoryStream<Path> stream;
    private final SecureDirectoryStream<Path> secure;
    private final FolderHandles owner;
    private final AtomicInteger references = new AtomicInteger(1);
    /** For a folder deeper than the folders held: the deepest held one, and the names below it down to this one. */
    private final FolderHandle anchor;
    private final List<String> below;

    FolderHandle(Path path, DirectoryStream<Path> stream, FolderHandles owner) {
        this(path, stream, owner, null, List.of());
    }

    private FolderHandle(Path path, DirectoryStream<Path> stream, FolderHandles owner, FolderHandle anchor,
                         List<String> below) {
        this.path = path;
        this.stream = stream;
        this.secure = stream instanceof SecureDirectoryStream ? (SecureDirectoryStream<Path>) stream : null;
        this.owner = owner;
        this.anchor = anchor;
        this.below = below;
        if (anchor != null) {
            anchor.retain(); // its descriptor is where this folder's reads start
        }
    }

    /** What a read of a folder below the held ones does, in that folder opened for it. */
    private interface InFolder<T> {
        T apply(SecureDirectoryStream<Path> folder) throws IOException;
    }

    /**
     * Runs {@code read} in this deep folder, opened for it from the deepest held folder one name at a time, relative
     * and without following a link (never more than two descriptors at once), closed after.
     */
    private <T> T inDeepFolder(InFolder<T> read) throws IOException {
        SecureDirectoryStream<Path> at = anchor.secure;
        Path atPath = anchor.path;
        try {
            for (String name : below) {
                SecureDirectoryStream<Path> from = at; // a FIFO in a folder's place would hold this open: watched
                SecureDirectoryStream<Path> next = FifoSafeOpen.guardedIn(from, atPath, name,
                        () -> from.newDirectoryStream(relative(name), LinkOption.NOFOLLOW_LINKS));
                if (at != anchor.secure) {
                    at.close();
                }
                at = next;
                atPath = atPath.resolve(name);
            }
            return read.apply(at);
        } catch (ClosedDirectoryStreamException e) {
            throw new IOException(anchor.path + " was closed", e);
        } finally {
            if (at != anchor.secure) {
                at.close();
            }
        }
    }

    /** A handle that works through {@code folder}'s path (no open folder behind it): for entries made by hand. */
    public static FolderHandle byPath(Path folder) {
        return new FolderHandle(folder, null, null);
    }

    /** Whether this folder is below the folders held open (each read reaches it from the deepest held one). */
    boolean deep() {
        return anchor != null;
    }

    /** Whether entries are read relative to an open folder (else through paths). */
    public boolean secure() {
        return secure != null;
    }

    /** The folder's path when it was opened (for messages and for what only paths can do, such as reading a link). */
    public Path path() {
        return path;
    }

    /** The folder's entries, once (a directory stream is read once). */
    Iterator<Path> entries() throws IOException {
        if (stream != null) {
            return stream.iterator();
        }
        if (anchor != null) {
            return inDeepFolder(folder -> {
                List<Path> all = new ArrayList<>();
                try {
                    folder.forEach(all::add);
                } catch (DirectoryIteratorException e) {
                    throw e.getCause();
                }
                return all.iterator();
            });
        }
        try (DirectoryStream<Path> byPath = Files.newDirectoryStream(path)) {
            List<Path> all = new ArrayList<>();
            byPath.forEach(all::add);
            return all.iterator();
        } catch (DirectoryIteratorException e) {
            throw e.getCause();
        }
    }

    /** Opens the entry {@code name} for reading, not following a symlink. */
    public FileChannel openFile(String name) throws IOException {
        return open(name, READ);
    }

    /**
     * Opens the entry {@code name} for reading and writing (nothing is created nor truncated), not following a symlink.
     * On Linux such an open of a FIFO never waits for the other end.
     */
    public FileChannel openForReadingAndWriting(String name) throws IOException {
        return open(name, READ_WRITE);
    }

    private FileChannel open(String name, Set<OpenOption> options) throws IOException {
        if (anchor != null) { // the channel stays open once the folder it was opened in is closed
            return inDeepFolder(folder -> FifoSafeOpen.guardedIn(folder, path, name,
                    () -> (FileChannel) folder.newByteChannel(relative(name), options)));
        }
        if (secure == null) {
            return FileChannel.open(path.resolve(name), options);
        }
        try {
            // the JDK's relative open is a FileChannel (checked by FolderHandleTest)
            return (FileChannel) secure.newByteChannel(relative(name), options);
        } catch (ClosedDirectoryStreamException e) {
            throw new IOException(path + " was closed", e);
        }
    }

    /**
     * Opens the file {@code name} for reading by descriptor ({@link DescriptorFiles}): no symlink followed, never
     * waiting on a FIFO put in its place. Returns -1 where this handle cannot: a folder below the held ones, one read
     * through paths, or no such calls here (open a channel then). The caller closes it ({@link DescriptorFiles#close}).
     */
    public int openDescriptor(String name) throws IOException {
        if (anchor != null || secure == null || !DescriptorFiles.opens(secure)) {
            return -1;
        }
        return DescriptorFiles.open(secure, path, relative(name));
    }

    /**
     * The identity (device and inode) of the open folder itself, read through its descriptor; null for a handle that
     * works through paths.
     */
    Object identity() throws IOException {
        return secure == null ? null : secure.getFileAttributeView(BasicFileAttributeView.class).readAttributes().fileKey();
    }

    /**
     * The target of the symlink {@code name}, read in this folder: through its descriptor ({@link DirectoryDescriptor};
     * Java has no {@code readlinkat}), so that no folder above it swapped for a link can lead the read elsewhere; by
     * its path where there is no descriptor.
     */
    public Path readLink(String name) throws IOException {
        if (anchor != null) {
            return inDeepFolder(folder -> readLinkIn(folder, name));
        }
        return secure != null ? readLinkIn(secure, name) : Files.readSymbolicLink(path.resolve(name));
    }

    /** Whether {@link #readLink} reads in this open folder (else through the path, which may lead elsewhere). */
    public boolean readsLinksInFolder() {
        return (secure != null || anchor != null) && DirectoryDescriptor.available();
    }

    private Path readLinkIn(SecureDirectoryStream<Path> folder, String name) throws IOException {
        Path through = DirectoryDescriptor.of(folder);
        return Files.readSymbolicLink(through != null ? through.resolve(name) : path.resolve(name));
    }

    /** The attributes of the entry {@code name} itself (a symlink is not followed). */
    public BasicFileAttributes stat(String name) throws IOException {
        if (anchor != null) {
            return inDeepFolder(folder -> folder.getFileAttributeView(relative(name), BasicFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS).readAttributes());
        }
        if (secure == null) {
            return Files.readAttributes(path.resolve(name), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        }
        try {
            return secure.getFileAttributeView(relative(name), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes();
        } catch (ClosedDirectoryStreamException e) {
            throw new IOException(path + " was closed", e);
        }
    }

    /**
     * The full attributes of the entry {@code name} itself, read relative to this open folder in one {@code fstatat};
     * null where only a path can give them ({@link JdkUnixAttributes}, or a handle that works through paths).
     */
    FileStat fullStat(String name) throws IOException {
        if (anchor != null && JdkUnixAttributes.available()) {
            return inDeepFolder(folder -> JdkUnixAttributes.of(folder.getFileAttributeView(relative(name),
                    PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes()));
        }
        if (secure == null || !JdkUnixAttributes.available()) {
            return null;
        }
        try {
            return JdkUnixAttributes.of(secure.getFileAttributeView(relative(name), PosixFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS).readAttributes());
        } catch (ClosedDirectoryStreamException e) {
            throw new IOException(path + " was closed", e);
        }
    }

    /**
     * Opens the sub-folder {@code name}; fails when it is not a folder, a symlink to one included. With {@code byPath},
     * or in a folder itself read through its path, the sub-folder is read through its path and holds no descriptor.
     */
    FolderHandle openFolder(String name, boolean byPath) throws IOException {
        Path child = path.resolve(name);
        if (anchor != null || secure != null && byPath) { // below the folders held: reached from the deepest one
            List<String> names = new ArrayList<>(below);
            names.add(name);
            return new FolderHandle(child, null, owner, anchor != null ? anchor : this, List.copyOf(names));
        }
        if (secure == null) {
            return new FolderHandle(child, null, owner);
        }
        return owner.register(new FolderHandle(child, secure.newDirectoryStream(relative(name),
                LinkOption.NOFOLLOW_LINKS), owner));
    }

    private Path relative(String name) {
        return path.getFileSystem().getPath(name);
    }

    /** One more holder. */
    public void retain() {
        references.incrementAndGet();
    }

    /** One holder fewer; the last closes the folder. */
    public void release() {
        if (references.decrementAndGet() == 0) {
            close();
        }
    }

    void close() {
        if (anchor != null) {
            anchor.release();
        }
        if (stream == null) {
            return;
        }
        try {
            stream.close();
        } catch (IOException e) {
            // a directory stream open for reading: nothing was written that closing could lose
        }
        owner.closed(this);
    }
}
