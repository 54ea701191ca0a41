package dev.archivist.source;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Opens a file by its path for reading so that a FIFO put at its name cannot hang the caller: {@code open(2)} of a
 * FIFO waits for a writer for ever, and a database backup would hold its lock all that time (a user who may write the
 * database's folder can swap one in after the check that it is a file).
 *
 * <p>Why our own: Java has no {@code O_NONBLOCK} open (see {@link FifoSafeOpen}, which does the same for the
 * storage walk's relative opens). The open runs on its own thread; while it waits on what is now a FIFO, the FIFO is
 * opened for reading and writing (which never waits on Linux; nothing is written), which ends the wait, and the open
 * is refused. A wait on something else than a regular file that cannot be ended so fails after
 * {@value #STUCK_SECONDS} s, the opening thread left blocked until the process ends.
 */
public final class FifoSafeRead {
    static final int STUCK_SECONDS = 10;

    private FifoSafeRead() {
    }

    /** {@code file} opened for reading; an IOException when a FIFO (or a device whose open blocks) is at its name. */
    public static FileChannel open(Path file) throws IOException {
        CompletableFuture<FileChannel> opening = new CompletableFuture<>();
        daemon("archivist-open", () -> {
            try {
                opening.complete(FileChannel.open(file, StandardOpenOption.READ));
            } catch (Throwable e) {
                opening.completeExceptionally(e);
            }
        });
        boolean released = false;
        for (int waited = 1; ; waited++) {
            try {
                FileChannel ch = opening.get(1, TimeUnit.SECONDS);
                if (released) {
                    ch.close();
                    throw new IOException(file + " is a FIFO, not a file: not read");
                }
                return ch;
            } catch (TimeoutException e) {
                if (isOther(file)) {
                    release(file);
                    released = true;
                } else if (waited >= STUCK_SECONDS && !Files.isRegularFile(file)) {
                    throw new IOException("opening " + file + " has waited over " + STUCK_SECONDS + " s on what is"
                            + " not a file: stopped rather than left waiting");
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                throw new IOException("cannot open " + file + ": " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                opening.thenAccept(FifoSafeRead::closeQuietly);
                throw new InterruptedIOException("interrupted while opening " + file);
            }
        }
    }

    private static boolean isOther(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).isOther();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Ends a reader's wait on the FIFO at {@code file}; on its own thread, in case a device whose open blocks is there. */
    private static void release(Path file) {
        daemon("archivist-fifo-release", () -> {
            try {
                FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE).close();
            } catch (IOException | RuntimeException ignored) {
                // replaced again, or not ours to write: the wait ends on its own, or the open fails as stuck
            }
        });
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // only read from
        }
    }

    private static void daemon(String name, Runnable work) {
        Thread t = new Thread(work, name);
        t.setDaemon(true);
        t.start();
    }
}
