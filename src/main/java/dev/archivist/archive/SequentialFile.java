package dev.archivist.archive;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * A new file written front to back, with direct I/O ({@code O_DIRECT}) where the file system allows it: archive bytes
 * go from the writer's buffer to the disk without passing through the page cache. A backup of many gigabytes then
 * neither evicts the application's cached data (its database pages, say) nor makes the kernel fill, and later write
 * back, gigabytes of cache pages it will never read again. Filling them is not free either: on the virtual machine
 * this was measured on, copying 530 MB of archive into fresh page-cache pages took 1.9 s of CPU, against 0.1 s for
 * direct writes of the same bytes. Direct I/O is used on local disk file systems only; where it is refused (at open,
 * or at the first write), the file is written through the page cache instead; the bytes on disk are the same.
 *
 * <p>Java supports direct I/O ({@link ExtendedOpenOption#DIRECT}) only with positions, lengths and buffer addresses
 * aligned to the file system's block size. Callers write whole blocks ({@link #alignment()}) from an aligned direct
 * buffer and end the file with {@link #finish}, which pads the last block with zeros and truncates the file to its
 * real length. Not thread-safe; {@link #forceAndClose} may run on another thread once writing has ended.
 */
final class SequentialFile implements Closeable {
    /** Alignment of buffers given to {@link #write}: enough for every block size direct I/O is used with. */
    static final int MAX_ALIGNMENT = 4096;

    /**
     * Local disk file systems, where a direct write goes to the device at about the speed of a cached one. Elsewhere
     * (NFS, SMB, FUSE, overlays, tmpfs) direct writes can be synchronous round trips, much slower than the page
     * cache's write-behind: backups to a NAS are common, so those keep the page cache.
     */
    private static final Set<String> DIRECT_IO_FILE_SYSTEMS = Set.of("ext2", "ext3", "ext4", "xfs", "btrfs", "f2fs");

    private final Path path;
    private FileChannel channel;
    private int alignment;
    private long written;

    private SequentialFile(Path path, FileChannel channel, int alignment) {
        this.path = path;
        this.channel = channel;
        this.alignment = alignment;
    }

    /** Creates {@code file} (owner-only, must not exist), for direct writes when {@code tryDirect} and possible. */
    static SequentialFile create(Path file, boolean tryDirect) throws IOException {
        FileChannel buffered = FileSupport.createOwnerOnly(file);
        if (!tryDirect) {
            return new SequentialFile(file, buffered, 1);
        }
        int blockSize;
        FileChannel direct;
        try {
            FileStore store = Files.getFileStore(file);
            blockSize = (int) Math.min(Integer.MAX_VALUE, store.getBlockSize());
            if (!DIRECT_IO_FILE_SYSTEMS.contains(store.type()) || blockSize <= 0 || MAX_ALIGNMENT % blockSize != 0) {
                return new SequentialFile(file, buffered, 1);
            }
            direct = FileChannel.open(file, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
        } catch (IOException | UnsupportedOperationException e) {
            return new SequentialFile(file, buffered, 1); // a file system that refuses direct I/O
        }
        buffered.close();
        return new SequentialFile(file, direct, blockSize);
    }

    /** Lengths given to {@link #write} must be multiples of this (1 when writing through the page cache). */
    int alignment() {
        return alignment;
    }

    /** Writes all of {@code buffer}'s remaining bytes (a multiple of {@link #alignment()}, from an aligned address). */
    void write(ByteBuffer buffer) throws IOException {
        int start = buffer.position();
        try {
            writeFully(buffer);
        } catch (IOException e) {
            if (alignment == 1) {
                throw e;
            }
            // direct I/O refused at the first write on some file systems: go on through the page cache from where
            // the direct writes stopped (the buffer's position counts what they wrote)
            FileChannel buffered;
            try {
                buffered = FileChannel.open(path, StandardOpenOption.WRITE);
            } catch (IOException reopen) {
                e.addSuppressed(reopen);
                throw e;
            }
            channel.close();
            channel = buffered;
            channel.position(written + (buffer.position() - start));
            alignment = 1;
            try {
                writeFully(buffer);
            } catch (IOException again) {
                again.addSuppressed(e);
                throw again;
            }
        }
        written = channel.position();
    }

    /**
     * Writes the last bytes ({@code tail}'s remaining, fewer than {@link #alignment()} when direct), padded with
     * zeros to a whole block and then cut off, so the file is exactly {@code length} bytes long.
     */
    void finish(ByteBuffer tail, long length) throws IOException {
        int real = tail.remaining();
        if (real > 0) {
            int padded = (real + alignment - 1) / alignment * alignment;
            tail.limit(tail.position() + padded);
            for (int i = tail.position() + real; i < tail.limit(); i++) {
                tail.put(i, (byte) 0);
            }
            write(tail);
        }
        if (written != length) {
            channel.truncate(length);
            written = length;
        }
    }

    /** Flushes the file (and, for direct writes, the device's write cache) to disk, then closes it. */
    void forceAndClose() throws IOException {
        try (FileChannel ch = channel) {
            ch.force(true);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private void writeFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }
}
