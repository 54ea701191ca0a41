package dev.archivist;

import dev.archivist.catalog.Catalog;
import dev.archivist.catalog.DirectoryLock;
import dev.archivist.catalog.Manifest;
import dev.archivist.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one facade the CLI, the scheduler and embedding applications call. Synchronous; every write runs under the
 * backup directory's exclusive lock and first removes what an interrupted run left behind.
 */
public final class BackupService {
    private static final Logger LOG = LoggerFactory.getLogger(BackupService.class);

    private final Settings settings;
    private final Clock clock;
    private final Catalog catalog;
    private final Consumer<String> notices;

    /**
     * @param notices receives human-oriented notices such as "waiting for the lock held by …" (the CLI prints them on
     *                stderr; the daemon logs them)
     */
    public BackupService(Settings settings, Clock clock, Consumer<String> notices) {
        this.settings = settings;
        this.clock = clock;
        this.catalog = new Catalog(settings.backupDir());
        this.notices = notices;
    }

    public BackupService(Settings settings) {
        this(settings, Clock.systemUTC(), LOG::info);
    }

    public Settings settings() {
        return settings;
    }

    public Catalog catalog() {
        return catalog;
    }

    public Clock clock() {
        return clock;
    }

    /** Takes a database backup of the configured database. */
    public Manifest backupDatabase() {
        return locked("backup database", () -> {
            Manifest m = new DatabaseBackup(settings, catalog, clock).run(settings.databasePath(), false);
            LOG.info("database backup {} written: {} bytes", m.id(), m.fileSize());
            return m;
        });
    }

    /** Every backup of {@code type} (all when null), newest first. Reads manifests only; takes no lock. */
    public List<Manifest> list(BackupType type) {
        return catalog.list(type);
    }

    /** Counts, sizes and ages per type. */
    public CatalogStats stats() {
        return CatalogStats.of(catalog, clock.instant());
    }

    /** Finds a backup by id, {@code latest} or manifest path. */
    public Manifest find(String ref, BackupType type) {
        return catalog.find(ref, type);
    }

    /** Work done while holding the lock. */
    @FunctionalInterface
    interface LockedWork<T> {
        T run() throws IOException;
    }

    <T> T locked(String command, LockedWork<T> work) {
        try (DirectoryLock ignored = catalog.lock(settings.lockTimeout(), "archivist " + command, notices)) {
            catalog.ensureLayout();
            catalog.removeLeftovers();
            return work.run();
        } catch (IOException e) {
            throw new ArchivistException(command + " failed: " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new ArchivistException(command + " failed: " + e.getCause().getMessage(), e);
        }
    }
}
