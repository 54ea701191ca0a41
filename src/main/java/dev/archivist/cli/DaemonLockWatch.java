package dev.archivist.cli;

import dev.archivist.ArchivistException;
import dev.archivist.catalog.DirectoryLock;
import dev.archivist.catalog.Durable;
import dev.archivist.catalog.LockHolder;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the daemon's lock where a second daemon looks for it. A lock file removed while the daemon runs ({@code rm -rf
 * BACKUP_DIR/.archivist}), or a backup directory moved or replaced, left the lock on a file nobody could see: a second
 * daemon started on the same directory and every job ran twice. Every {@link #CHECK_MILLIS} the lock is checked; one
 * no longer at its path is taken again there, and if another daemon took it meanwhile, this one stops
 * ({@code onLost}) so that no job runs twice.
 */
final class DaemonLockWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DaemonLockWatch.class);
    static final long CHECK_MILLIS = 5_000;

    private final Path lockFile;
    private final Runnable onLost;
    private final long checkMillis;
    private final Thread thread;
    private DirectoryLock held; // guarded by this; null once released and not taken again
    private volatile boolean lost;
    private volatile boolean closed;

    DaemonLockWatch(DirectoryLock lock, Path lockFile, Runnable onLost) {
        this(lock, lockFile, onLost, CHECK_MILLIS);
    }

    /** With checks every {@code checkMillis} (tests call {@link #check} themselves). */
    DaemonLockWatch(DirectoryLock lock, Path lockFile, Runnable onLost, long checkMillis) {
        this.checkMillis = checkMillis;
        this.held = lock;
        this.lockFile = lockFile;
        this.onLost = onLost;
        this.thread = new Thread(this::watch, "daemon-lock-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /** Whether another daemon took the lock: the daemon stopped for that. */
    boolean lost() {
        return lost;
    }

    private void watch() {
        while (!closed && !lost) {
            try {
                Thread.sleep(checkMillis);
            } catch (InterruptedException e) {
                return;
            }
            check();
        }
    }

    /** Checks the lock once; takes it again at its path when it is no longer there. */
    synchronized void check() {
        if (closed || (held != null && held.stillAtItsPath())) {
            return;
        }
        try {
            if (held != null) {
                DirectoryLock gone = held;
                held = null;
                gone.close();
            }
            Durable.ensureDirectory(lockFile.getParent());
            held = DirectoryLock.tryAcquire(lockFile, "archivist run");
            if (held != null) {
                LOG.warn("the daemon's lock file {} was removed, or its folder moved or replaced: taken again there, so "
                        + "that no second daemon starts on this backup directory", lockFile);
                return;
            }
            LockHolder holder = DirectoryLock.readHolder(lockFile);
            LOG.error("the daemon's lock file {} was removed or replaced and another daemon took it ({}): this daemon "
                    + "stops, so that no job runs twice", lockFile, holder == null ? "holder unknown" : holder);
            lost = true;
            onLost.run();
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot take the daemon's lock {} again ({}); trying again in {} s", lockFile,
                    ArchivistException.reason(e), checkMillis / 1000);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        thread.interrupt();
        synchronized (this) {
            if (held != null) {
                held.close();
                held = null;
            }
        }
    }
}
