package dev.archivist.schedule;

import dev.archivist.ArchivistException;
import dev.archivist.catalog.DirectoryLock;
import dev.archivist.catalog.Durable;
import dev.archivist.catalog.LockHolder;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a scheduler's lock ({@code daemon.lock}: one scheduler per backup directory, the daemon's or an application's)
 * where a second scheduler looks for it. A lock file removed while the scheduler runs ({@code rm -rf
 * BACKUP_DIR/.archivist}), or a backup directory moved or replaced, left the lock on a file nobody could see: a second
 * daemon started on the same directory and every job ran twice. Every {@link #CHECK_MILLIS} the lock is checked; one
 * no longer at its path is taken again there, and if another scheduler took it meanwhile, this one stops
 * ({@code onLost}) so that no job runs twice.
 */
final class SchedulerLockWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SchedulerLockWatch.class);
    static final long CHECK_MILLIS = 5_000;

    private final Path lockFile;
    private final String holder;
    private final Runnable onLost;
    private final long checkMillis;
    private final Thread thread;
    private DirectoryLock held; // guarded by this; null once released and not taken again
    private volatile boolean lost;
    private volatile boolean closed;

    /** Watches {@code lock}, held as {@code holder} (what the lock's record says of its holder). */
    SchedulerLockWatch(DirectoryLock lock, Path lockFile, String holder, Runnable onLost) {
        this(lock, lockFile, holder, onLost, CHECK_MILLIS);
    }

    /** With checks every {@code checkMillis} (tests call {@link #check} themselves). */
    SchedulerLockWatch(DirectoryLock lock, Path lockFile, String holder, Runnable onLost, long checkMillis) {
        this.checkMillis = checkMillis;
        this.held = lock;
        this.lockFile = lockFile;
        this.holder = holder;
        this.onLost = onLost;
        this.thread = new Thread(this::watch, "scheduler-lock-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /** Whether another scheduler took the lock: this one stopped for that. */
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
            // the whole backup directory may be gone (rm -rf BACKUP_DIR): made again owner-only, as a first command
            // makes it, before the lock's folder in it
            Durable.ensureDirectory(lockFile.getParent().getParent());
            Durable.ensureDirectory(lockFile.getParent());
            held = DirectoryLock.tryAcquire(lockFile, holder);
            if (held != null) {
                LOG.warn("the scheduler's lock file {} was removed, or its folder moved or replaced: taken again there,"
                        + " so that no second scheduler starts on this backup directory", lockFile);
                return;
            }
            LockHolder other = DirectoryLock.readHolder(lockFile);
            LOG.error("the scheduler's lock file {} was removed or replaced and another scheduler took it ({}): this"
                    + " one stops, so that no job runs twice", lockFile, other == null ? "holder unknown" : other);
            lost = true;
            onLost.run();
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot take the scheduler's lock {} again ({}); trying again in {} s", lockFile,
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
