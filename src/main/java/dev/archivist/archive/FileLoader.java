package dev.archivist.archive;

import dev.archivist.ArchivistException;
import dev.archivist.source.DescriptorFiles;
import dev.archivist.source.FifoSafeOpen;
import dev.archivist.source.LockKeepingRead;
import dev.archivist.source.FileStat;
import dev.archivist.source.OpenFileLimit;
import dev.archivist.source.OpenFileStat;
import dev.archivist.source.WalkEntry;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Opening and reading source files with the archive's rules: open before anything is written (so a file that
 * vanished or cannot be read is skipped, never half-stored), exactly the declared size is stored, and a change
 * (size, mtime or status change time different after reading, or fewer/more bytes than declared) is reported: a
 * file rewritten in place whose mtime was set back ({@code touch -r}) changed its ctime, as GNU tar checks.
 */
final class FileLoader {
    static final String VANISHED = "vanished";
    static final String PERMISSION_DENIED = "permission denied";
    static final String FIFO = "fifo (it replaced the file while the backup ran)";
    static final String REPLACED_BY_SYMLINK = "replaced by a symlink while the backup ran (not followed)";
    static final String REPLACED_BY_FOLDER = "replaced by a folder while the backup ran";
    static final String REPLACED_BY_SPECIAL = "replaced by a special file while the backup ran";
    static final String REPLACED_BY_FILE = "replaced by a file while the backup ran";
    static final String REMOVED = "file removed or replaced while being read (what was read is stored)";

    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(Sha256::digest);
    /** What small files are read into by descriptor, per reading thread; as large as the largest read so far. */
    private static final ThreadLocal<ByteBuffer> DIRECT = new ThreadLocal<>();
    private static final int MIN_DIRECT = 64 << 10;
    private static final long MAX_DIRECT = StorageArchiver.SMALL_FILE_LIMIT;
    private static final ExecutorService OPENER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "archive-open");
        t.setDaemon(true);
        return t;
    });

    private FileLoader() {
    }

    /**
     * A small file read whole: its content (the declared size, padded/cut) at {@code offset} in {@code data}, its
     * SHA-256, or why it was skipped. {@code storedAs} is the entry to store in the walked one's place when another file
     * than the walk saw was opened at its name (an atomic save in between): its whole content, in an array of its own,
     * with its own attributes; else null.
     */
    record Loaded(byte[] data, int offset, int bytesRead, String sha256Hex, String changed, String skipReason,
            WalkEntry storedAs) {
        /** The entry whose attributes and size are stored: {@code walked}, or the file opened in its place. */
        WalkEntry stored(WalkEntry walked) {
            return storedAs != null ? storedAs : walked;
        }
    }

    /** Reads on from where a first read stopped: up to {@code length} bytes into {@code into} at {@code offset}. */
    private interface ReadOn {
        int read(byte[] into, int offset, int length) throws IOException;
    }

    /**
     * Opens a file in its open folder without following a symlink (nor hanging on a FIFO put in its place:
     * {@link FifoSafeOpen}); returns null and fills {@code why[0]} when it must be skipped.
     */
    static FileChannel open(WalkEntry entry, String[] why) {
        try {
            Object identity = entry.stat().inode();
            FileChannel kept = LockKeepingRead.mayBeOpenHere(identity) ? LockKeepingRead.takeKept(identity) : null;
            if (kept != null) { // kept open by an earlier backup while the application holds the file: read again
                return kept.position(0);
            }
            FileChannel ch = FifoSafeOpen.open(entry.folder(), entry.name());
            if (ch == null) {
                why[0] = FIFO;
            }
            return ch;
        } catch (IOException e) {
            why[0] = notOpened(entry, e);
        }
        return null;
    }

    /** Closes a file's channel once the file is read: {@link #closing}. */
    interface Opened extends AutoCloseable {
        @Override
        void close() throws IOException;
    }

    /**
     * What closes {@code ch}, opened on {@code entry}'s file: a file this process may hold open elsewhere (an
     * application that embeds the library, with its own SQLite files in the storage folder) through
     * {@link LockKeepingRead#close}, so that the application keeps its locks on it.
     */
    static Opened closing(WalkEntry entry, FileChannel ch) {
        Object identity = entry.stat().inode();
        return () -> {
            if (LockKeepingRead.mayBeOpenHere(identity)) {
                LockKeepingRead.close(ch, identity);
            } else {
                ch.close();
            }
        };
    }

    /**
     * Why a file whose open failed with {@code e} is skipped; throws when descriptors ran out (the backup fails:
     * skipping would lose data silently).
     */
    private static String notOpened(WalkEntry entry, IOException e) {
        if (e instanceof NoSuchFileException) {
            return VANISHED;
        }
        if (e instanceof AccessDeniedException) {
            return PERMISSION_DENIED;
        }
        if (OpenFileLimit.exhausted(e)) {
            throw new UncheckedIOException(OpenFileLimit.failure("opening " + entry.path(), e));
        }
        return replacedOr(entry, "cannot open: " + ArchivistException.reason(e));
    }

    /**
     * Why a file that could not be opened or read is skipped: what now stands at its name when that is no longer a
     * regular file (the application replaced it while the backup ran: a symlink, never followed, or a folder, whose
     * content the walk had already passed), else {@code otherwise}.
     */
    static String replacedOr(WalkEntry entry, String otherwise) {
        try {
            BasicFileAttributes now = entry.folder().stat(entry.name());
            if (now.isSymbolicLink()) {
                return REPLACED_BY_SYMLINK;
            }
            if (now.isDirectory()) {
                return REPLACED_BY_FOLDER;
            }
            return now.isRegularFile() ? otherwise : REPLACED_BY_SPECIAL;
        } catch (NoSuchFileException e) {
            return VANISHED;
        } catch (IOException | RuntimeException e) {
            return otherwise;
        }
    }

    /**
     * As {@link #open}, on a thread of its own, waited for in steps: for the (large) files the archive's writer opens
     * itself, so that an open stuck on a FIFO ({@link FifoSafeOpen#stuck()}) fails the backup instead of hanging it.
     * One thread hand-off per large file; small files are opened by the read-ahead, whose batches are waited for so.
     */
    static FileChannel openWatchingForStuck(WalkEntry entry, String[] why) throws IOException {
        try {
            return FifoSafeOpen.awaitUnlessStuck(OPENER.submit(() -> open(entry, why)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while opening " + entry.path());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            throw new IOException("opening " + entry.path() + " failed: " + e.getCause(), e.getCause());
        }
    }

    /** Reads a whole (small) file into a new array and hashes it; never throws for a problem of that file. */
    static Loaded load(WalkEntry entry) {
        return load(entry, new byte[(int) entry.stat().size()], 0);
    }

    /**
     * Reads a whole (small) file into {@code into} at {@code offset} (room for its declared size needed) and hashes
     * it; never throws for a problem of that file. A short read is padded with zeros: the padding is what gets stored.
     */
    static Loaded load(WalkEntry entry, byte[] into, int offset) {
        if (DescriptorFiles.available()) {
            Loaded byDescriptor = loadByDescriptor(entry, into, offset);
            if (byDescriptor != null) {
                return byDescriptor;
            }
        }
        String[] why = new String[1];
        FileChannel ch = open(entry, why);
        if (ch == null) {
            return skipped(why[0]);
        }
        int size = (int) entry.stat().size();
        int n;
        String changed;
        try (Opened ignored = closing(entry, ch)) {
            ByteBuffer bb = ByteBuffer.wrap(into, offset, size);
            while (bb.hasRemaining() && ch.read(bb) >= 0) {
                // keep reading until full or EOF
            }
            n = bb.position() - offset;
            FileStat opened = OpenFileStat.of(ch);
            WalkEntry stored = smallAsOpened(entry, opened);
            if (stored != entry) {
                return loadAsOpened(stored, into, offset, n, (b, o, l) -> ch.read(ByteBuffer.wrap(b, o, l)),
                        () -> OpenFileStat.of(ch));
            }
            // growth after the declared size shows in the size after reading (no extra read for small files)
            changed = changeReason(entry, opened, n, false);
        } catch (IOException e) {
            return skipped(replacedOr(entry, "read error: " + ArchivistException.reason(e)));
        }
        return hashed(into, offset, size, n, changed);
    }

    /**
     * As {@link #load(WalkEntry, byte[], int)}, by descriptor ({@link DescriptorFiles}: no channel, and a FIFO put in
     * the file's place is opened without waiting and skipped); null where the entry's folder cannot open by descriptor.
     */
    private static Loaded loadByDescriptor(WalkEntry entry, byte[] into, int offset) {
        if (entry.stat().size() > MAX_DIRECT) {
            return null; // not a small file: its direct buffer would stay as large
        }
        if (LockKeepingRead.mayBeOpenHere(entry.stat().inode())) {
            return null; // its descriptor must not be closed while the application holds the file (through a channel)
        }
        int fd;
        try {
            fd = entry.folder().openDescriptor(entry.name());
        } catch (IOException e) {
            return skipped(notOpened(entry, e));
        }
        if (fd < 0) {
            return null;
        }
        int size = (int) entry.stat().size();
        int n = 0;
        FileStat after;
        try {
            ByteBuffer buffer = direct(size);
            IOException failed = null;
            try {
                for (int r; n < size && (r = DescriptorFiles.read(fd, buffer, n, size - n, entry.path())) > 0; ) {
                    n += r;
                }
            } catch (IOException e) {
                failed = e;
            }
            after = DescriptorFiles.stat(fd);
            String notAFile = notARegularFile(after);
            if (notAFile != null || failed != null) { // a FIFO reads nothing or fails (EAGAIN), a folder fails
                return skipped(notAFile != null ? notAFile
                        : replacedOr(entry, "read error: " + ArchivistException.reason(failed)));
            }
            WalkEntry stored = smallAsOpened(entry, after);
            if (stored != entry) {
                buffer.get(0, into, offset, n);
                return loadAsOpened(stored, into, offset, n, (b, o, l) -> {
                    int r = DescriptorFiles.read(fd, buffer, 0, Math.min(l, buffer.capacity()), entry.path());
                    buffer.get(0, b, o, r);
                    return r > 0 ? r : -1;
                }, () -> DescriptorFiles.stat(fd));
            }
            buffer.get(0, into, offset, n);
        } catch (IOException e) {
            return skipped(replacedOr(entry, "read error: " + ArchivistException.reason(e)));
        } finally {
            DescriptorFiles.close(fd);
        }
        return hashed(into, offset, size, n, changeReason(entry, after, n, false));
    }

    private static Loaded skipped(String reason) {
        return new Loaded(null, 0, 0, null, null, reason, null);
    }

    /**
     * The entry to store for a file opened at {@code walked}'s name with the attributes {@code opened}: {@code walked},
     * or, when that is another regular file than the walk saw (a new file renamed over it in between: an atomic save),
     * that file with its own attributes. Nothing of it is stored yet, so it is stored whole as it stood when opened,
     * as GNU tar stats a file just before opening it, rather than cut or padded with zeros to the size of the file it
     * replaced; a change while it is read is then judged against these attributes.
     */
    static WalkEntry asOpened(WalkEntry walked, FileStat opened) {
        Object walkedInode = walked.stat().inode();
        if (walkedInode == null || opened == null || opened.type() != FileStat.Type.FILE
                || walkedInode.equals(opened.inode())) {
            return walked;
        }
        return new WalkEntry(walked.path(), walked.relativePath(), opened, walked.folder(), walked.name());
    }

    /**
     * {@link #asOpened}, where another file than the walk saw is stored as opened only while it is still a small one
     * (read whole into memory); else {@code walked}.
     */
    private static WalkEntry smallAsOpened(WalkEntry walked, FileStat opened) {
        WalkEntry e = asOpened(walked, opened);
        return e != walked && opened.size() <= MAX_DIRECT ? e : walked;
    }

    /**
     * The small file {@code e} opened in a walked entry's place ({@link #smallAsOpened}), loaded whole into an array of
     * its own: the {@code read} bytes already in {@code into} at {@code offset}, then the rest by {@code readOn}; a
     * change while it is read is judged against its attributes as opened, by {@code statAfter}.
     */
    private static Loaded loadAsOpened(WalkEntry e, byte[] into, int offset, int read, ReadOn readOn,
            java.util.function.Supplier<FileStat> statAfter) throws IOException {
        int size = (int) e.stat().size();
        byte[] data = new byte[size];
        int n = Math.min(read, size);
        System.arraycopy(into, offset, data, 0, n);
        for (int r; n < size && (r = readOn.read(data, n, size - n)) > 0; ) {
            n += r;
        }
        Loaded l = hashed(data, 0, size, n, changeReason(e, statAfter.get(), n, false));
        return new Loaded(l.data(), 0, n, l.sha256Hex(), l.changed(), null, e);
    }

    /** The small file's content, {@code read} of its {@code size} bytes at {@code offset}, padded and hashed. */
    private static Loaded hashed(byte[] into, int offset, int size, int read, String changed) {
        if (read < size) {
            Arrays.fill(into, offset + read, offset + size, (byte) 0); // the array may be a reused buffer
        }
        MessageDigest md = DIGEST.get();
        md.update(into, offset, size);
        return new Loaded(into, offset, read, Sha256.hex(md.digest()), changed, null, null);
    }

    /** This thread's direct buffer, of at least {@code size} bytes. */
    private static ByteBuffer direct(int size) {
        ByteBuffer b = DIRECT.get();
        if (b == null || b.capacity() < size) {
            b = ByteBuffer.allocateDirect(Math.max(size, MIN_DIRECT));
            DIRECT.set(b);
        }
        return b;
    }

    /**
     * Why what was opened (never a symlink) in a regular file's place is skipped, by its attributes: null for a
     * regular file (or none).
     */
    private static String notARegularFile(FileStat s) {
        if (s == null || s.type() == FileStat.Type.FILE) {
            return null;
        }
        if (s.type() == FileStat.Type.DIRECTORY) {
            return REPLACED_BY_FOLDER;
        }
        return s.typeName().equals("fifo") ? FIFO : REPLACED_BY_SPECIAL;
    }

    /**
     * Why a file counts as changed after {@code read} of its declared bytes were read from {@code ch} (still open), or
     * null. Its attributes after reading are those of the open file ({@link OpenFileStat}), as GNU tar's check reads
     * them; by its name where they cannot be read so.
     */
    static String changeReason(WalkEntry entry, FileChannel ch, long read, boolean grew) {
        return changeReason(entry, OpenFileStat.of(ch), read, grew);
    }

    /**
     * As {@link #changeReason(WalkEntry, FileChannel, long, boolean)}, with {@code open}, the attributes of the open
     * file read after reading it (null: read them by name).
     */
    static String changeReason(WalkEntry entry, FileStat open, long read, boolean grew) {
        long declared = entry.stat().size();
        if (read < declared) {
            return "file shrank while being read: " + read + " of " + declared
                    + " bytes read, padded with zeros";
        }
        if (grew) {
            return "file grew while being read: only the first " + declared + " bytes were stored";
        }
        long sizeAfter;
        FileTime modifiedAfter;
        long statusChangedAfter;
        if (open != null) {
            if (open.links() == 0) {
                return REMOVED;
            }
            sizeAfter = open.size();
            modifiedAfter = open.lastModified();
            statusChangedAfter = open.changeTime();
        } else {
            try {
                BasicFileAttributes named = entry.folder().stat(entry.name());
                sizeAfter = named.size();
                modifiedAfter = FileStat.lastModifiedOf(named);
                statusChangedAfter = FileStat.changeTimeOf(named);
            } catch (NoSuchFileException e) {
                return REMOVED;
            } catch (IOException e) {
                return "cannot stat after reading: " + ArchivistException.reason(e);
            }
        }
        if (sizeAfter > declared) {
            return "file grew while being read: only the first " + declared + " bytes were stored";
        }
        if (!entry.stat().lastModified().equals(modifiedAfter) || sizeAfter != declared
                || FileStat.changedBetween(entry.stat().changeTime(), statusChangedAfter)) {
            return "file changed while being read";
        }
        return null;
    }
}
