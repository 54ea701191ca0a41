package dev.archivist;

import dev.archivist.archive.ProgressListener;
import dev.archivist.catalog.Catalog;
import dev.archivist.catalog.VerificationRecords;
import dev.archivist.restore.RestoreFiles;
import dev.archivist.source.LinkTrust;
import dev.archivist.source.SqliteSnapshot;
import dev.archivist.verify.Verifier;
import dev.archivist.verify.VerifyReport;
import java.nio.file.Path;
import dev.archivist.catalog.DirectoryLock;
import dev.archivist.catalog.Manifest;
import dev.archivist.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import net.logstash.logback.marker.LogstashMarker;
import net.logstash.logback.marker.Markers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one facade the CLI, the scheduler and embedding applications call. Synchronous; every write runs under the
 * backup directory's exclusive lock and first removes what an interrupted run left behind.
 */
public final class BackupService {
    private static final Logger LOG = LoggerFactory.getLogger(BackupService.class);
    /** For {@link #locked(String, boolean, LockedWork)}: a backup stops when its thread is interrupted. */
    private static final boolean STOP_BY_INTERRUPT = true;
    /** How long a process told to stop waits for its work to end before it removes the leftovers anyway. */
    private static final long STOP_WAIT_MILLIS = 5_000;

    private final Settings settings;
    private final Clock clock;
    private final Catalog catalog;
    private final Consumer<String> notices;
    private volatile boolean sweepOnShutdown;
    private volatile Consumer<String> stopReport = what -> System.err.println("archivist: interrupted; " + what);
    /** The hook of the locked work now running in a one-shot process, if any: it reports a stop itself. */
    private volatile StopHook activeStop;
    /** The threads whose work waits for the backup lock now (see {@link #waitingForLock(Thread)}). */
    private final java.util.Set<Thread> waitingForLock = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** What the leftover sweep of the locked work running on this thread removed (reported by {@code rotate}). */
    private final ThreadLocal<List<Path>> sweptLeftovers = ThreadLocal.withInitial(List::of);

    /**
     * @param notices receives human-oriented notices such as "waiting for the lock held by …" (the CLI prints them on
     *                stderr; the daemon logs them)
     */
    public BackupService(Settings settings, Clock clock, Consumer<String> notices) {
        this.settings = Objects.requireNonNull(settings, "settings must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        this.catalog = new Catalog(settings.backupDir());
        this.notices = Objects.requireNonNull(notices, "notices must not be null");
        String encoding = dev.archivist.source.FileNameEncoding.problem();
        if (encoding != null) {
            LOG.warn(encoding);
        }
    }

    public BackupService(Settings settings) {
        this(Objects.requireNonNull(settings, "settings must not be null"), Clock.systemUTC(), LOG::info);
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

    /** Takes a database backup of the configured database, then rotates (unless {@code rotate=false}). */
    public Manifest backupDatabase(boolean rotate) {
        return backupDatabase(rotate, ProgressListener.NONE);
    }

    /** As {@link #backupDatabase(boolean)}, telling {@code progress} how much of the copy is compressed. */
    public Manifest backupDatabase(boolean rotate, ProgressListener progress) {
        SqliteSnapshot.checkSource(settings.databasePath());
        return locked("backup database", STOP_BY_INTERRUPT, () -> {
            Manifest m = new DatabaseBackup(settings, catalog, clock).run(settings.databasePath(), false, progress);
            LOG.info(writtenFields(m), "database backup {} written: {} bytes in {} ms", m.id(), m.fileSize(), m.json().path("duration_ms").asLong());
            rotateAfter(rotate);
            return m;
        });
    }

    /** Takes a storage backup, then rotates (unless {@code rotate=false}). */
    public Manifest backupStorage(boolean rotate, ProgressListener progress) {
        checkStorageSourceUnlessRestorePending(); // StorageBackup.run checks again, under the lock
        return locked("backup storage", STOP_BY_INTERRUPT, () -> {
            Manifest m = new StorageBackup(settings, catalog, clock).run(progress);
            LOG.info(writtenFields(m), "storage backup {} written: {}, {} bytes in {}, {} ms", m.id(),
                    Plural.of(m.json().path("file_count").asLong(), "file"), m.fileSize(), Plural.of(m.parts().size(), "part"),
                    m.json().path("duration_ms").asLong());
            rotateAfter(rotate);
            return m;
        });
    }

    /**
     * What a storage backup would take now, writing nothing and taking no lock (a dry run); fails as the backup would
     * when the storage folder is missing or unreadable.
     */
    public StoragePreview previewStorage() {
        StorageBackup.checkSource(settings.storagePath());
        try {
            return StoragePreview.of(settings.storagePath(), settings.archive().excludes(),
                    ReservedPaths.of(settings).entries());
        } catch (IOException e) {
            throw new ArchivistException("cannot read the storage folder " + settings.storagePath() + ": " + e.getMessage(), e);
        }
    }

    /** Fails as a database backup would before writing anything: the database missing, not a file, or unreadable. */
    public void checkDatabaseSource() {
        SqliteSnapshot.checkSource(settings.databasePath());
    }

    /** Takes a full backup (database, then storage, then the full manifest), then rotates (unless told not to). */
    public Manifest backupFull(boolean rotate, ProgressListener progress) {
        if (!PendingRestores.storageSwapJournal(settings)) { // else as backupStorage: the locked run settles it first
            FullBackup.checkSources(settings);
        }
        return locked("backup full", STOP_BY_INTERRUPT, () -> {
            Manifest m = new FullBackup(settings, catalog, clock).run(progress);
            LOG.info(writtenFields(m), "full backup {} written: database {}, storage {}", m.id(),
                    m.json().path("database").path("id").asText(), m.json().path("storage").path("id").asText());
            rotateAfter(rotate);
            return m;
        });
    }

    /**
     * A written backup's facts as fields of a JSON log line ({@code backup_id}, {@code backup_type}, {@code size_bytes},
     * {@code duration_ms}), so that a log pipeline can graph sizes and durations without parsing the message; a text
     * line is unchanged.
     */
    private static LogstashMarker writtenFields(Manifest m) {
        return Markers.append("backup_id", m.id()).and(Markers.append("backup_type", m.type().wireName()))
                .and(Markers.append("size_bytes", m.fileSize()))
                .and(Markers.append("duration_ms", m.json().path("duration_ms").asLong()));
    }

    private void rotateAfter(boolean rotate) {
        if (!rotate) {
            return;
        }
        try {
            new Rotation(settings, catalog, clock).run(false);
        } catch (IOException | RuntimeException e) {
            LOG.warn("rotation after the backup failed (the backup itself succeeded): {}", ArchivistException.reason(e));
        }
    }

    /**
     * Applies the retention policy; a dry run only plans (and takes no lock). A {@code BACKUP_DIR} that does not exist
     * holds nothing to rotate, and is not created (a typo, or a backup volume not mounted).
     */
    public RotationResult rotate(boolean dryRun) {
        if (!java.nio.file.Files.isDirectory(settings.backupDir())) {
            return new RotationResult(List.of(), List.of(), List.of(), dryRun, List.of(), List.of());
        }
        if (dryRun) {
            try {
                return new Rotation(settings, catalog, clock).run(true).withLeftovers(leftoversToRemove());
            } catch (IOException e) {
                throw new ArchivistException("rotate --dry-run failed: " + e.getMessage(), e);
            }
        }
        return locked("rotate", () -> {
            List<String> swept = sweptLeftovers.get().stream().map(Path::toString).toList();
            return new Rotation(settings, catalog, clock).run(false).withLeftovers(swept);
        });
    }

    /**
     * What the sweep of a command taking the lock would remove now, for {@code rotate --dry-run}: the catalog's
     * leftovers (temporary files, parts and indexes of interrupted runs) and the staging folders and copies that
     * interrupted restores left beside or inside the live data.
     */
    private List<String> leftoversToRemove() throws IOException {
        if (catalog.lockHeldElsewhere()) {
            // a backup or restore at work now: its temporary files and staging folders are no leftovers, and the real
            // rotate, which waits for that lock, will not find them as they are
            notices.accept("another Archivist command holds the lock on " + settings.backupDir() + " (its files in"
                    + " progress are no leftovers): leftovers of interrupted runs are listed once it has ended");
            return List.of();
        }
        List<Path> all = new ArrayList<>(catalog.leftovers());
        all.addAll(restoreLeftovers());
        return all.stream().map(Path::toString).distinct().toList();
    }

    /** The staging folders and copies that interrupted restores left beside or inside the live data, as they are now. */
    private List<Path> restoreLeftovers() {
        List<Path> all = new ArrayList<>(RestoreFiles.leftovers(RestoreFiles.liveDatabaseFile(settings.databasePath())));
        all.addAll(RestoreFiles.leftovers(RestoreFiles.liveStorageFolder(settings.storagePath())));
        return all;
    }

    /**
     * Verifies one backup (deep unless {@code deep=false}) and records the result; a full backup's verification is
     * also recorded for each component it checked (clean unless a problem names it), so {@code list} and rotation's
     * "newest verified" see it. Takes no lock; never writes to the backup. A backup removed while it was verified (by
     * a rotation in another process) gets no record: {@link #removedWhileVerified} tells it from a failed one. Stopped
     * by an interrupt of the calling thread, it throws an {@link ArchivistException} and records nothing.
     */
    public VerifyReport verify(Manifest m, boolean deep) {
        return verify(m, deep, new java.util.HashMap<>());
    }

    /**
     * As {@link #verify(Manifest, boolean)}, in a run over several backups ({@code verify --all}): a backup already
     * checked in the run, at the same depth, as a component of a full backup, gets that report again rather than
     * being read or recorded a second time; {@code checkedThisRun} holds the reports by id.
     */
    public VerifyReport verify(Manifest m, boolean deep, java.util.Map<String, VerifyReport> checkedThisRun) {
        Objects.requireNonNull(m, "backup must not be null");
        Objects.requireNonNull(checkedThisRun, "checkedThisRun must not be null");
        VerifyReport earlier = checkedThisRun.get(m.id());
        VerifyReport report = new Verifier(catalog, clock, checkedThisRun).verify(m, deep);
        if (report == earlier) {
            return report; // checked earlier in the run, as a full backup's part, and recorded then
        }
        if (!catalog.hasManifestFile(m.type(), m.id())) {
            return report; // removed while it was verified (a rotation in another process): nothing to record it for
        }
        recordReport(m, report);
        return report;
    }

    /**
     * Records {@code report} as the last verification of {@code m} and, for a full backup, of each component by its
     * own problems; whether {@code m}'s own result was recorded.
     */
    private boolean recordReport(Manifest m, VerifyReport report) {
        boolean recorded = record(m.id(), report, report.clean(), report.problems().size());
        if (m.type() == BackupType.FULL) {
            for (BackupType t : List.of(BackupType.DATABASE, BackupType.STORAGE)) {
                String id = m.componentId(t);
                if (id != null && catalog.findById(id).isPresent()) {
                    long problems = report.problems().stream().filter(p -> id.equals(p.backupId())).count();
                    record(id, report, problems == 0, (int) problems);
                }
            }
        }
        return recorded;
    }

    /** Whether {@code m}, just verified with problems, was removed meanwhile: its problems are those of the removal. */
    public boolean removedWhileVerified(Manifest m, VerifyReport report) {
        Objects.requireNonNull(m, "backup must not be null");
        Objects.requireNonNull(report, "report must not be null");
        return !report.clean() && !catalog.hasManifestFile(m.type(), m.id());
    }

    /** Records one verification result; whether it was recorded. */
    private boolean record(String id, VerifyReport report, boolean clean, int problems) {
        try {
            if (!VerificationRecords.record(catalog.stateDir(), id, report.verifiedAt(), clean, problems, report.deep())) {
                LOG.info("{}: checksums clean; the last deep verify stays on record", id);
                return false;
            }
            return true;
        } catch (IOException e) {
            LOG.warn("cannot record the verification of {}: {}", id, ArchivistException.reason(e));
            return false;
        }
    }

    /** Restores a database backup into the live database ({@code target} null) or into a new file. */
    public RestoreResult restoreDatabase(String ref, Path target, boolean deep) {
        Objects.requireNonNull(ref, "ref must not be null");
        return lockedUnlessReadOnly("restore database", target,
                () -> restoreDatabaseLocked(findForRestore(ref, BackupType.DATABASE), target, deep));
    }

    private RestoreResult restoreDatabaseLocked(Manifest m, Path target, boolean deep) throws IOException {
        return new Restore(settings, catalog, clock).database(m, target, deep, this::safetyBackup);
    }

    /** A backup of the live database taken just before a restore replaces it. */
    private Manifest safetyBackup() {
        return backUpLiveDatabase(true);
    }

    /** A backup of the live database, under the caller's lock: a {@code pre_restore} safety copy, or an ordinary one. */
    private Manifest backUpLiveDatabase(boolean preRestore) {
        try {
            return new DatabaseBackup(settings, catalog, clock).run(settings.databasePath(), preRestore);
        } catch (IOException e) {
            throw new ArchivistException((preRestore ? "safety backup before restore" : "backup of the live database")
                    + " failed: " + ArchivistException.reason(e), e);
        }
    }

    /** Restores a storage backup into the live folder (atomic swap) or into a new folder, optionally only some paths. */
    public RestoreResult restoreStorage(String ref, Path target, List<String> globs, boolean deep) {
        Objects.requireNonNull(ref, "ref must not be null");
        Objects.requireNonNull(globs, "globs must not be null");
        List<String> selected = PathSelection.underStorageRoot(globs, settings.storagePath());
        return lockedUnlessReadOnly("restore storage", target, () -> new Restore(settings, catalog, clock)
                .storage(findForRestore(ref, BackupType.STORAGE), target, selected, deep));
    }

    /**
     * A restore into {@code target} (a new place, not the live data) from a backup directory that cannot be written (a
     * disk remounted read-only after errors, backups on read-only media) runs without the lock, which it could not
     * take and does not need: nothing can change that directory. Any other runs {@link #locked}.
     */
    private <T> T lockedUnlessReadOnly(String command, Path target, LockedWork<T> work) {
        if (target == null || !catalog.readOnly()) {
            return locked(command, work);
        }
        notices.accept("BACKUP_DIR " + catalog.root() + " is read-only: restoring from it without its lock");
        // stopped, it ends as a locked restore does (its staging removed, the stop reported), with no sweep to run
        StopHook stop = sweepOnShutdown ? new StopHook(Thread.currentThread(), !STOP_BY_INTERRUPT) : null;
        String completed = null;
        try {
            T result = work.run();
            completed = completedBeforeStop(command, result);
            return result;
        } catch (IOException e) {
            throw failed(command, e, e);
        } catch (UncheckedIOException e) {
            throw failed(command, e.getCause(), e);
        } finally {
            if (stop != null) {
                stop.workEnded(completed);
            }
        }
    }

    /**
     * Restores both components of a full backup, all or nothing: both are checked and prepared before either is
     * switched in, and the storage swap is undone if the database switch fails.
     */
    public List<RestoreResult> restoreFull(String ref, boolean deep) {
        Objects.requireNonNull(ref, "ref must not be null");
        return locked("restore full", () -> {
            Manifest full = findForRestore(ref, BackupType.FULL);
            VerifyReport report = new Verifier(catalog, clock).verify(full, false);
            if (!report.clean()) { // recorded as verify records it: latest passes over it from now on
                throw Restore.refused(full, report.problems(), Restore.recordNote(recordReport(full, report)));
            }
            Manifest db = catalog.find(full.componentId(BackupType.DATABASE), BackupType.DATABASE); // verified above
            Manifest storage = catalog.find(full.componentId(BackupType.STORAGE), BackupType.STORAGE);
            return new Restore(settings, catalog, clock).full(db, storage, deep, this::safetyBackup);
        });
    }

    /**
     * What to tell an operator about restores a crash cut short that wait for the next command taking the lock to end
     * them ({@link PendingRestores}); empty when there are none. Takes no lock. While another process holds the lock,
     * the journals and staging folders are those of the restore it runs (or of the interrupted one it is ending), so
     * they are not called interrupted; the lock is looked at again after the journals were read, since a restore may
     * have begun meanwhile.
     */
    public List<String> interruptedRestoreNotices() {
        boolean running = lockHeldElsewhereNow();
        List<String> notes = PendingRestores.notices(settings, catalog.stateDir(), running);
        if (!running && !notes.isEmpty() && lockHeldElsewhereNow()) {
            return PendingRestores.notices(settings, catalog.stateDir(), true);
        }
        return notes;
    }

    private boolean lockHeldElsewhereNow() {
        try {
            return catalog.lockHeldElsewhere();
        } catch (IOException e) { // cannot tell: name what the journals say, as before
            return false;
        }
    }

    /**
     * Whether a restore of the live storage folder that a crash cut short waits to be ended (the next command taking
     * the lock ends it; until then the folder, or its entries, may be moved aside). Takes no lock.
     */
    public boolean storageRestorePending() {
        return PendingRestores.storageSwap(settings);
    }

    /**
     * Fails as a storage backup would before taking the lock when the storage folder is missing or unreadable, unless
     * a storage swap that did not end may have moved it aside: the locked run ends that swap first (rolling it back
     * brings the folder back) and checks the folder then.
     */
    private void checkStorageSourceUnlessRestorePending() {
        if (!PendingRestores.storageSwapJournal(settings)) { // one that cannot be read is reported under the lock
            StorageBackup.checkSource(settings.storagePath());
        }
    }

    /** Every backup of {@code type} (all when null), newest first. Reads manifests only; takes no lock. */
    public List<Manifest> list(BackupType type) {
        return catalog.list(type);
    }

    /** Counts, sizes and ages per type. */
    public CatalogStats stats() {
        return CatalogStats.of(catalog, clock.instant());
    }

    /**
     * The files of a storage backup (by id, {@code latest}, or a full backup's id for its storage component), read
     * from its per-file index once that matches the manifest; {@code globs} select (all when empty). Takes no lock.
     */
    public StorageFiles files(String ref, List<String> globs) {
        Objects.requireNonNull(ref, "ref must not be null");
        Objects.requireNonNull(globs, "globs must not be null");
        return StorageFiles.open(catalog, ref, PathSelection.underStorageRoot(globs, settings.storagePath()));
    }

    /** Finds a backup by id, {@code latest} or manifest path. */
    public Manifest find(String ref, BackupType type) {
        Objects.requireNonNull(ref, "ref must not be null");
        return catalog.find(ref, type);
    }

    /**
     * The backup a restore of {@code type} takes: {@code ref} of that type ({@code latest}: the newest that can be
     * restored, {@link Catalog#latestRestorable}), or, for a database or storage restore, a full backup's id standing
     * for its component of that type (as {@code files} takes it).
     */
    public Manifest findForRestore(String ref, BackupType type) {
        Objects.requireNonNull(ref, "ref must not be null");
        Manifest named = ref.equals("latest") ? null : catalog.find(ref, null); // an id or a manifest path
        if (type != BackupType.FULL && named != null && named.type() == BackupType.FULL) {
            Manifest full = named;
            // the component it names is taken only from a manifest as written, and only when it is the one the full
            // backup recorded (as verify checks them): an edited full manifest could name any backup of the catalog
            Manifest.SelfCheck self = full.selfCheck();
            if (self != Manifest.SelfCheck.INTACT) {
                throw new ArchivistException("restore of " + full.id() + " refused: its manifest was edited after it was"
                        + " written (" + Manifest.SELF_CHECKSUM + (self == Manifest.SelfCheck.MISSING ? " missing"
                        : " mismatch") + "), so the " + type.wireName() + " backup it names is not to be trusted:"
                        + " archivist verify " + full.id());
            }
            String id = full.componentId(type);
            if (id == null) {
                throw new ArchivistException("full backup " + full.id() + " names no " + type.wireName() + " component");
            }
            Manifest component = catalog.find(id, type);
            if (!full.recordedComponent(component)) {
                throw new ArchivistException("restore of " + full.id() + " refused: its " + type.wireName()
                        + " component " + id + " has another checksum than the one recorded in the full manifest:"
                        + " archivist verify " + full.id());
            }
            return component;
        }
        if (named == null) { // the newest that can be restored: a broken newer one is named in a warning
            return catalog.latestRestorable(type);
        }
        return named.type() == type ? named : catalog.find(ref, type); // of another type: named so
    }

    /** Work done while holding the lock. */
    @FunctionalInterface
    interface LockedWork<T> {
        T run() throws IOException;
    }

    /**
     * Removes the catalog files no manifest owns, under the lock of a process that is stopping, and reports it after
     * {@code before} (what the work did; null: nothing to say); {@code ended}: whether the work has ended (else
     * "nothing unfinished" could not be said).
     */
    private void sweepUnfinished(String before, boolean ended) {
        String done = before == null ? "" : before + "; ";
        if (catalog.readOnly()) { // a restore from a backup directory that cannot be written: nothing of it to sweep
            stopReport.accept(done + (ended ? "nothing unfinished left behind" : "it may leave what it was writing"));
            return;
        }
        try {
            List<Path> removed = catalog.removeLeftovers();
            stopReport.accept(done + (!removed.isEmpty() ? "removed " + Plural.of(removed.size(), "unfinished file")
                    : ended ? "nothing unfinished left behind" : "nothing else to remove yet"));
        } catch (IOException | RuntimeException e) {
            stopReport.accept(done + "the next run removes the unfinished files (" + e.getMessage() + ")");
        }
    }

    /**
     * What locked work that ended normally after a stop signal did, for the stop report: a restore switched the live
     * data (or wrote its target) before the process could exit, and the operator must not read the signal's exit code
     * as "nothing changed". Null for a backup: the report names the backups committed.
     */
    private static String completedBeforeStop(String command, Object result) {
        if (result instanceof Manifest) {
            return null;
        }
        List<?> results = result instanceof List<?> list ? list : java.util.Collections.singletonList(result);
        if (!results.isEmpty() && results.stream().allMatch(RestoreResult.class::isInstance)) {
            return results.stream().map(RestoreResult.class::cast)
                    .map(r -> r.type() + " restore of " + r.backupId() + " completed before the stop: "
                            + r.destination() + " now holds the backup"
                            + (r.safetyCopy() == null ? "" : " (safety copy: " + r.safetyCopy() + ")"))
                    .collect(java.util.stream.Collectors.joining("; "));
        }
        return command + " completed before the stop";
    }

    private void removeRestoreLeftovers() throws IOException {
        // before the staging folder is swept: with no previous folder, only it tells whether the swap happened
        reportLeftovers(InterruptedFullRestore.endUnswappedWithoutPreviousFolder(catalog));
        reportLeftovers(RestoreFiles.cleanScratchDatabases(catalog.stateDir()));
        boolean databaseTrusted = trustedForLeftovers(settings.databasePath());
        boolean storageTrusted = trustedForLeftovers(settings.storagePath());
        if (databaseTrusted) {
            Path database = RestoreFiles.liveDatabaseFile(settings.databasePath());
            reportLeftovers(unlessDenied(database.getParent(), () -> RestoreFiles.cleanLeftovers(database)));
        }
        if (storageTrusted) {
            Path storage = RestoreFiles.liveStorageFolder(settings.storagePath());
            reportLeftovers(unlessDenied(storage.getParent(), () -> RestoreFiles.cleanLeftovers(storage)));
            // an in-place restore (STORAGE_PATH a mount point, or in a folder it cannot write) keeps its journal and
            // staging inside the storage folder
            reportLeftovers(unlessDenied(storage, () -> RestoreFiles.cleanInPlaceLeftovers(storage)));
        }
        for (RestoreTargetRecords.Recorded target : RestoreTargetRecords.recorded(catalog.stateDir())) {
            if (trustedForLeftovers(target.path())) {
                reportLeftovers(Restore.cleanTargetLeftovers(target.path(), target.backupId()));
                RestoreTargetRecords.forget(catalog.stateDir(), target.path());
            }
        }
        // after the storage swap's own journal is settled above
        reportLeftovers(InterruptedFullRestore.end(new Restore(settings, catalog, clock), catalog, this::safetyBackup,
                () -> backUpLiveDatabase(false)));
    }

    /** A look for restore leftovers that lets a command go on when it may not read {@code folder}, which it may not need. */
    /**
     * Whether the leftovers of restores of {@code path} may be settled: not through a link a user put on its path to
     * what it does not own (see {@link LinkTrust}), which would have root move or remove what that user chose; such a
     * path is named in a warning and left alone.
     */
    private boolean trustedForLeftovers(Path path) {
        String problem = LinkTrust.problem(path);
        if (problem != null) {
            reportLeftovers(List.of("restore leftovers of " + path + " were not looked for: " + problem));
        }
        return problem == null;
    }

    private static List<String> unlessDenied(Path folder, org.apache.commons.io.function.IOSupplier<List<String>> clean)
            throws IOException {
        try {
            return clean.get();
        } catch (java.nio.file.AccessDeniedException e) {
            // a database backup must not fail because the storage folder cannot be read, nor the other way round:
            // the command that needs the folder names the problem itself
            LOG.debug("cannot look for restore leftovers in {}: {}", folder, ArchivistException.reason(e));
            return List.of();
        }
    }

    private void reportLeftovers(List<String> notes) {
        for (String note : notes) {
            LOG.warn("{}", note);
            notices.accept(note);
        }
    }

    /**
     * Makes a one-shot process stopped by SIGINT or SIGTERM while it holds the lock remove what its unfinished work
     * left in the catalog (temporary files, parts without a manifest) before it exits, rather than leaving them for
     * the next run. Not for the daemon: its own shutdown waits for a running job to finish.
     */
    public void sweepOnShutdown() {
        catalog.rememberCommits(); // for the stop report, which names the backups completed before the stop
        this.sweepOnShutdown = true;
    }

    /**
     * As {@link #sweepOnShutdown()}; {@code report} receives what the sweep did ("nothing unfinished left behind"), to
     * tell the operator (by default a line on stderr).
     */
    public void sweepOnShutdown(Consumer<String> report) {
        this.stopReport = Objects.requireNonNull(report, "report must not be null");
        sweepOnShutdown();
    }

    /**
     * Whether locked work is running under a stop hook, which reports a stop itself (after sweeping); when false, a stop
     * signal finds nothing running and whoever handles it reports.
     */
    public boolean lockedWorkRunning() {
        return activeStop != null;
    }

    <T> T locked(String command, LockedWork<T> work) {
        return locked(command, !STOP_BY_INTERRUPT, work);
    }

    /**
     * Takes the backup lock, the thread named in {@link #waitingForLock(Thread)} while it waits; interrupted meanwhile
     * (a daemon dropping the job), it lets the lock go again and begins nothing.
     */
    private DirectoryLock lock(String command) throws IOException {
        Thread me = Thread.currentThread();
        DirectoryLock lock;
        waitingForLock.add(me);
        try {
            lock = catalog.lock(settings.lockTimeout(), "archivist " + command, notices);
        } finally {
            waitingForLock.remove(me);
        }
        if (me.isInterrupted()) {
            lock.close();
            throw new java.io.InterruptedIOException(command + " stopped while it waited for the lock: not begun");
        }
        return lock;
    }

    /**
     * Whether {@code thread}'s work for this service waits for the backup lock (another process holds it), so has not
     * begun: a daemon told to stop drops such a job rather than start it once the lock comes free.
     */
    public boolean waitingForLock(Thread thread) {
        return thread != null && waitingForLock.contains(thread);
    }

    /**
     * Runs {@code work} under the lock. In a one-shot process ({@link #sweepOnShutdown()}) stopped by SIGINT or SIGTERM
     * meanwhile: no manifest is committed any more, the work is interrupted when {@code interruptOnStop} (backups:
     * their failure path removes what they wrote), and once it has ended, still under the lock, the catalog files no
     * manifest owns are removed. If the work has not ended after {@link #STOP_WAIT_MILLIS}, the stopping process
     * removes them itself and exits; the next run removes what was written after that.
     */
    private <T> T locked(String command, boolean interruptOnStop, LockedWork<T> work) {
        try (DirectoryLock ignored = lock(command)) {
            catalog.ensureLayout();
            // only rotate names what the sweep removed: no other command lists the live data's folders for it
            boolean reportsSweep = "rotate".equals(command);
            List<Path> restoreLeftovers = reportsSweep ? restoreLeftovers() : List.of();
            List<Path> swept = new ArrayList<>(catalog.removeLeftovers());
            removeRestoreLeftovers();
            if (reportsSweep) { // what the restore sweep removed, as rotate --dry-run listed it
                restoreLeftovers.stream().filter(p -> !java.nio.file.Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                        .forEach(swept::add);
                sweptLeftovers.set(swept);
            }
            StopHook stop = sweepOnShutdown ? new StopHook(Thread.currentThread(), interruptOnStop) : null;
            String completed = null;
            try {
                T result = work.run();
                completed = completedBeforeStop(command, result);
                return result;
            } finally {
                sweptLeftovers.remove(); // read by rotate's work only; a daemon thread keeps no list of old paths
                if (stop != null) {
                    stop.workEnded(completed);
                }
            }
        } catch (IOException e) {
            throw failed(command, e, e);
        } catch (UncheckedIOException e) {
            throw failed(command, e.getCause(), e);
        }
    }

    /** The failure of {@code command} for I/O error {@code cause} (thrown as {@code thrown}), with its reason. */
    private ArchivistException failed(String command, IOException cause, Exception thrown) {
        return new ArchivistException(command + " failed: " + ArchivistException.reason(cause)
                + dev.archivist.catalog.ForeignOwner.hint(catalog.root(), cause), thrown);
    }

    /**
     * The shutdown hook of one locked operation. SIGTERM or SIGINT runs its thread; the JVM exits when that thread
     * ends, whatever the other threads are doing, so it waits for the work to stop and the sweep to run.
     */
    private final class StopHook {
        private final Thread worker;
        private final boolean interrupt;
        private final Thread hook;
        private final CountDownLatch stopping = new CountDownLatch(1);
        private final CountDownLatch swept = new CountDownLatch(1);

        StopHook(Thread worker, boolean interrupt) {
            this.worker = worker;
            this.interrupt = interrupt;
            this.hook = new Thread(this::stop, "stop-" + worker.getName());
            activeStop = this;
            Runtime.getRuntime().addShutdownHook(hook);
        }

        /** In the shutdown hook's thread. */
        private void stop() {
            catalog.refuseCommits();
            if (interrupt) {
                worker.interrupt();
            }
            stopping.countDown(); // after the interrupt: the worker's sweep is not interrupted
            try {
                if (swept.await(STOP_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // the work did not stop in time: what it is still writing is the next locked command's to remove
            sweepUnfinished("it had not ended after " + STOP_WAIT_MILLIS / 1000 + " s: the next command that takes the"
                    + " lock removes what it was still writing", false);
        }

        /**
         * In the worker's thread, under the lock, when the work returned ({@code completed} says what it did, for the
         * stop report) or threw (null).
         */
        void workEnded(String completed) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
                activeStop = null;
                return; // not stopping
            } catch (IllegalStateException shuttingDown) {
                // the hook runs (or is about to): sweep here, under the lock, once the hook has refused commits
            }
            boolean interrupted = false;
            boolean stopped;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_WAIT_MILLIS);
            while (true) {
                try {
                    stopped = stopping.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the hook's, for the work: sweeping and unlocking need none
                }
            }
            if (stopped) { // commits are refused from now on
                sweepUnfinished(completed, true);
                swept.countDown();
            }
            if (interrupted && !interrupt) {
                Thread.currentThread().interrupt(); // not the hook's: keep it for the caller
            }
        }
    }
}
