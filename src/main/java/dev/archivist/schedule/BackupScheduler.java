package dev.archivist.schedule;

import dev.archivist.ArchivistException;
import dev.archivist.BackupService;
import dev.archivist.LockUnavailableException;
import dev.archivist.Plural;
import dev.archivist.RotationResult;
import dev.archivist.archive.ProgressListener;
import dev.archivist.catalog.Catalog;
import dev.archivist.catalog.DirectoryLock;
import dev.archivist.catalog.LockHolder;
import dev.archivist.catalog.Manifest;
import dev.archivist.config.Settings;
import dev.archivist.config.SettingsLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * The scheduler as a library: an application embeds it without the CLI. One scheduler runs per backup directory,
 * whoever starts it: {@link #start()} takes the directory's scheduler lock (the daemon's, {@code daemon.lock}), so in
 * an application served by several worker processes the first to start schedules and the others get a
 * {@link LockUnavailableException} naming it, instead of running every job once per worker (SEED-SPEC defect 5).
 *
 * <pre>{@code
 * BackupScheduler scheduler = new BackupScheduler(settings);   // or BackupScheduler.fromEnvironment()
 * scheduler.start();
 * scheduler.nextRunTimes();            // {database_backup=2026-11-29T02:00:00Z, ...}
 * scheduler.trigger("database");       // a manual run, waits for it; trigger("bogus") is an IllegalArgumentException
 * scheduler.stop();                    // waits for a running job like SIGTERM does
 * }</pre>
 */
public final class BackupScheduler implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BackupScheduler.class);
    /** What the daemon's lock record names it ({@link #claim}). */
    public static final String DAEMON = "archivist run";

    private final Settings settings;
    private final BackupService service;
    private final Scheduler scheduler;
    private final SchedulerLoop loop;
    private final StateStore store;
    private final Catalog catalog;
    private final Path lockFile;
    private SchedulerLockWatch lock; // guarded by this: held from claim() until stop()
    /** The callers' threads that run a {@link #trigger}ed job themselves (before {@link #start()}): stop waits for them. */
    private final Set<Thread> callerRuns = ConcurrentHashMap.newKeySet();
    private boolean lockWasLost; // guarded by this

    public BackupScheduler(Settings settings) {
        this(settings, Clock.systemUTC());
    }

    public BackupScheduler(Settings settings, Clock clock) {
        this.settings = java.util.Objects.requireNonNull(settings, "settings must not be null");
        java.util.Objects.requireNonNull(clock, "clock must not be null");
        this.service = new BackupService(settings, clock, org.slf4j.LoggerFactory.getLogger(BackupScheduler.class)::info);
        this.catalog = new Catalog(settings.backupDir());
        this.store = new StateStore(catalog.stateDir());
        this.lockFile = catalog.stateDir().resolve("daemon.lock");
        this.scheduler = new Scheduler(jobsOf(settings), settings.zone(), clock, settings.schedule().misfireGrace(),
                settings.schedule().jitter(), this::runJob, store, System.nanoTime());
        this.loop = new SchedulerLoop(scheduler, clock, service::waitingForLock);
    }

    /** Built from the process environment and {@code ./.env}, as the CLI does. */
    public static BackupScheduler fromEnvironment() {
        return new BackupScheduler(SettingsLoader.load(System.getenv(), Path.of(".env"), false, Map.of()));
    }

    /** The four jobs of the settings, in run order. */
    public static List<Job> jobsOf(Settings s) {
        Settings.ScheduleSettings sc = s.schedule();
        return List.of(
                new Job(JobId.DATABASE_BACKUP, CronExpression.parse(sc.database().cron()), sc.database().enabled()),
                new Job(JobId.STORAGE_BACKUP, CronExpression.parse(sc.storage().cron()), sc.storage().enabled()),
                new Job(JobId.FULL_BACKUP, CronExpression.parse(sc.full().cron()), sc.full().enabled()),
                new Job(JobId.BACKUP_ROTATION, CronExpression.parse(sc.rotation().cron()), sc.rotation().enabled()));
    }

    private String runJob(JobId job) {
        service.catalog().forgetNamedManifests(); // each job names an unreadable manifest once, as a command does
        return switch (job) {
            case DATABASE_BACKUP -> describe(service.backupDatabase(false));
            case STORAGE_BACKUP -> describe(service.backupStorage(false, ProgressListener.NONE));
            case FULL_BACKUP -> describe(service.backupFull(false, ProgressListener.NONE));
            case BACKUP_ROTATION -> {
                RotationResult r = service.rotate(false);
                yield "removed " + Plural.of(r.removed().size(), "backup") + ", kept " + (r.decisions().size() - r.removed().size());
            }
        };
    }

    private static String describe(Manifest m) {
        return m.id() + " (" + m.fileSize() + " bytes, " + m.json().path("duration_ms").asLong() + " ms)";
    }

    /**
     * Starts scheduling (with catch-up when BACKUP_CATCH_UP is on), first taking the backup directory's scheduler lock
     * unless {@link #claim} took it. Should another scheduler take the lock while this one runs (its lock file
     * removed and a new scheduler started), this one stops, so that no job runs twice.
     *
     * @throws LockUnavailableException when another scheduler runs on the backup directory, naming it
     */
    public void start() {
        boolean claimedHere = false;
        synchronized (this) {
            if (lock == null) {
                claim("an application's BackupScheduler", this::stop);
                claimedHere = true;
            }
        }
        try {
            scheduler.start(settings.schedule().catchUp());
            loop.start(); // does nothing once stopStarting was called: a stop that came meanwhile starts no job
        } catch (RuntimeException | Error e) {
            if (claimedHere) {
                releaseLock(); // not started: another process may schedule instead
            }
            throw e;
        }
    }

    /**
     * Takes the backup directory's scheduler lock, recorded as held by {@code holder}, without starting (the daemon
     * claims it before printing its schedule); {@code onLost} runs, on a thread of its own (it may call
     * {@link #stop}), if another scheduler takes it later.
     *
     * @throws LockUnavailableException when another scheduler (a daemon or an application) holds it, naming it
     */
    public synchronized void claim(String holder, Runnable onLost) {
        if (lock != null) {
            return;
        }
        try {
            catalog.ensureLayout();
            DirectoryLock taken = DirectoryLock.tryAcquire(lockFile, holder);
            if (taken == null) {
                LockHolder other = DirectoryLock.holderOf(lockFile);
                String kind = other != null && DAEMON.equals(other.command()) ? "daemon" : "scheduler";
                throw new LockUnavailableException("another " + kind + " already runs on " + settings.backupDir()
                        + ": " + (other == null ? "holder unknown" : other));
            }
            Runnable onItsOwnThread = () -> new Thread(onLost, "scheduler-lock-lost").start();
            lock = new SchedulerLockWatch(taken, lockFile, holder, onItsOwnThread);
        } catch (IOException e) {
            throw new ArchivistException("cannot take the scheduler lock " + lockFile + ": "
                    + ArchivistException.reason(e) + dev.archivist.catalog.ForeignOwner.hint(catalog.root(), e), e);
        }
    }

    /** Whether another scheduler took this one's lock (its lock file removed meanwhile): this one stopped for that. */
    public synchronized boolean lockLost() {
        return lockWasLost || (lock != null && lock.lost());
    }

    /**
     * Stops: starts nothing new and waits for a running job up to BACKUP_SHUTDOWN_TIMEOUT_SECONDS, then aborts it (a
     * job that still waits for the backup lock has not begun: it is dropped at once); then lets go of the scheduler
     * lock. A job {@link #trigger} runs in its caller's thread before {@link #start()} is waited for likewise.
     *
     * @return false when a running job was aborted
     */
    public boolean stop() {
        Duration timeout = settings.schedule().shutdownTimeout();
        long deadline = System.nanoTime() + Math.max(1, timeout.toMillis()) * 1_000_000;
        boolean clean = loop.stop(timeout);
        clean &= awaitCallerRuns(deadline, timeout);
        releaseLock();
        return clean;
    }

    /** As {@link SchedulerLoop#stop} does for its worker, for the jobs run in {@link #trigger}'s callers' threads. */
    private boolean awaitCallerRuns(long deadline, Duration timeout) {
        boolean clean = true;
        try {
            for (Thread t : List.copyOf(callerRuns)) {
                clean &= SchedulerLoop.awaitJob(t, () -> callerRuns.contains(t), deadline, timeout,
                        service::waitingForLock, () -> false, this::runningId);
            }
            return clean;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private String runningId() {
        JobId running = scheduler.running();
        return running == null ? "?" : running.id();
    }

    private synchronized void releaseLock() {
        if (lock != null) {
            lockWasLost |= lock.lost();
            try {
                lock.close();
            } catch (IOException e) {
                LOG.warn("could not release the scheduler lock {}: {}", lockFile, ArchivistException.reason(e));
            }
            lock = null;
        }
    }

    /**
     * Starts no job from now on, without waiting: for a signal handler, which may run before {@link #start} is done;
     * {@link #stop} then lets a running job finish and releases the lock.
     */
    public void stopStarting() {
        loop.stopStarting();
    }

    /** During {@link #stop}: aborts the running job now instead of waiting for the shutdown timeout. */
    public void abortRunningJob() {
        loop.abortNow();
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * The jobs with their next fire times and persisted last runs. A next fire time is null for a disabled job, for one
     * whose expression never fires again, and for every job once this scheduler is stopping or stopped
     * ({@link #stop()}, {@link #stopStarting()}, or its lock taken by another scheduler): it runs nothing any more. Before
     * {@link #start()}, the times it would run at from now.
     */
    public List<JobInfo> jobs() {
        List<JobInfo> list = new ArrayList<>();
        Map<String, JobState> states = store.load();
        Instant now = service.clock().instant();
        boolean stopped = loop.isStopping();
        for (Job j : scheduler.jobs()) {
            Instant next = null;
            if (j.enabled() && !stopped) {
                Instant scheduled = scheduler.nextFire(j.id());
                next = scheduled != null ? scheduled : nextAfter(j, now);
            }
            list.add(new JobInfo(j.id().id(), j.id().displayName(), j.cron().expression(), j.enabled(), next, states.get(j.id().id())));
        }
        return list;
    }

    private Instant nextAfter(Job j, Instant now) {
        try {
            return j.cron().next(now, settings.zone());
        } catch (IllegalStateException e) {
            return null;
        }
    }

    /**
     * Next fire time per enabled job id (the original's {@code get_next_run_times()}), as {@link #jobs()} gives them:
     * null for a job that will not run again, and so for every job once this scheduler is stopping or stopped.
     */
    public Map<String, Instant> nextRunTimes() {
        Map<String, Instant> map = new LinkedHashMap<>();
        jobs().stream().filter(JobInfo::enabled).forEach(j -> map.put(j.id(), j.nextFire()));
        return map;
    }

    /**
     * Runs a job now ({@code database}, {@code storage}, {@code full} or {@code rotation}; job ids are accepted too)
     * and waits for it; never overlaps another run of this scheduler. Before {@link #start()} the job runs in the
     * calling thread.
     *
     * @return the outcome ({@link Scheduler.RunOutcome#succeeded()} false when the job failed)
     * @throws IllegalArgumentException for an unknown type
     * @throws IllegalStateException    after {@link #stop()} or {@link #stopStarting()}
     */
    public Scheduler.RunOutcome trigger(String type) {
        JobId job = JobId.parse(type);
        if (loop.isStopping()) { // else, the loop no longer running, it would run in this thread
            throw new IllegalStateException("the scheduler is stopping; " + job.id() + " not started");
        }
        var future = scheduler.trigger(job);
        if (!loop.isRunning()) {
            Thread me = Thread.currentThread();
            callerRuns.add(me);
            try {
                scheduler.runPending();
            } finally {
                callerRuns.remove(me);
            }
        }
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ArchivistException("interrupted while waiting for " + job.id());
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
            throw new ArchivistException(job.id() + " did not run: the scheduler was stopped");
        }
    }

    /** The facade the jobs run on: a one-shot run ({@code run --once}) sets its stop handling there. */
    public BackupService service() {
        return service;
    }

    /** The scheduler core (for the daemon's status output and tests). */
    public Scheduler core() {
        return scheduler;
    }

    /** One job as shown by {@code archivist schedule}. */
    public record JobInfo(String id, String name, String cron, boolean enabled, Instant nextFire, JobState last) {
    }
}
