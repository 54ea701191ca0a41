package dev.archivist.schedule;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import net.logstash.logback.marker.LogstashMarker;
import net.logstash.logback.marker.Markers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduling core, driven by an injected {@link Clock} and free of threads: {@link #tick()} turns due fire times
 * into queued runs, {@link #runNext()} runs one queued job in the calling thread. {@link SchedulerLoop} calls them from
 * two threads in production; tests call them directly with a settable clock ({@code clock := nextDue(); tick();
 * runPending()}), so no test sleeps for cron.
 *
 * <p>Semantics (APScheduler's with {@code max_instances=1}, {@code coalesce=True} and one worker, plus systemd's
 * {@code Persistent=true}):
 * <ul>
 *   <li>several fire times of a job passed at once coalesce into one run, for the latest of them; a fire time that
 *       comes while a run of the same job is already queued joins that run;</li>
 *   <li>a fire time noticed later than the misfire grace (measured from the fire time plus its jitter, in whole
 *       seconds) is skipped and logged: the scheduler was stalled, the machine suspended or the clock jumped;</li>
 *   <li>lateness is measured when the fire time is <em>noticed</em>, not when its run starts: a job that waits in the
 *       queue behind another job still runs, however long the other job takes. A fire time that passes while a job is
 *       running counts as noticed on time even when nobody called {@link #tick()} during the run (the end of every
 *       run notices what came due during it);</li>
 *   <li>a fire time that comes while the same job is running is skipped and logged (no overlap);</li>
 *   <li>jobs run one at a time, in the order they became due (several due at once: database, storage, full,
 *       rotation), whichever thread calls {@link #runNext()};</li>
 *   <li>on {@link #start(boolean) start} with catch-up, an enabled job whose next fire time after its persisted last
 *       fire time has passed runs once (however many fire times were missed), regardless of the grace; a scheduled
 *       run that was aborted by a shutdown runs again;</li>
 *   <li>a clock set back by more than {@link #STEP_BACK} has the next fire times computed again from it (Vixie
 *       cron's rule); after a smaller step back they stay, so a job that has just run does not run again;</li>
 *   <li>after {@link #shutdown()} nothing new starts: queued runs are cancelled and ticks queue nothing.</li>
 * </ul>
 * Each finished run's fire time, outcome, message, duration and trigger are persisted through the {@link StateStore}.
 */
public final class Scheduler {
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
    /** How far the clock may be set back before the fire times are computed again from it (Vixie cron's 3 hours). */
    static final Duration STEP_BACK = Duration.ofHours(3);

    /** Outcomes. */
    public static final String SUCCESS = "success";
    public static final String FAILURE = "failure";
    public static final String ABORTED = "aborted";
    /** What started a run. */
    public static final String SCHEDULE = "schedule";
    public static final String CATCH_UP = "catch_up";
    public static final String MANUAL = "manual";

    private final List<Job> jobs;
    private final ZoneId zone;
    private final Clock clock;
    private final Duration grace;
    private final Duration jitter;
    private final JobRunner runner;
    private final StateStore store;
    private final Random random;
    private final Map<JobId, Instant> nextFire = new EnumMap<>(JobId.class);
    private final Map<JobId, Instant> nextDue = new EnumMap<>(JobId.class);
    private final Deque<Run> queue = new ArrayDeque<>();
    /** Per job, the latest fire time let pass on purpose while one of its runs was queued or going. */
    private final Map<JobId, Instant> skippedThrough = new EnumMap<>(JobId.class);
    /** The latest time the clock was read at to notice fire times (null before {@link #start}). */
    private Instant latestNoticed;
    /** Held for the whole of a run: one job at a time, whichever threads call {@link #runNext()}. */
    private final ReentrantLock runLock = new ReentrantLock();
    private JobId running;
    private Instant runningSince;
    private boolean started;
    private boolean shutdown;

    /** A queued run: the job, the fire time it stands for, what started it, and who waits for its outcome. */
    public record Run(JobId job, Instant fireTime, String trigger, CompletableFuture<RunOutcome> outcome) {
        public boolean manual() {
            return MANUAL.equals(trigger);
        }
    }

    /** How a run ended: {@code outcome} is {@code success}, {@code failure} or {@code aborted}. */
    public record RunOutcome(JobId job, Instant fireTime, String trigger, String outcome, String message, Duration duration) {
        public boolean succeeded() {
            return SUCCESS.equals(outcome);
        }
    }

    /**
     * @param misfireGrace how late a fire time may be noticed and still run (BACKUP_MISFIRE_GRACE_SECONDS)
     * @param jitter       a random delay in [0, jitter) added to each fire time (BACKUP_JITTER_SECONDS)
     * @param seed         seeds the jitter
     */
    public Scheduler(List<Job> jobs, ZoneId zone, Clock clock, Duration misfireGrace, Duration jitter,
                     JobRunner runner, StateStore store, long seed) {
        this.jobs = List.copyOf(jobs);
        this.zone = zone;
        this.clock = clock;
        this.grace = misfireGrace;
        this.jitter = jitter;
        this.runner = runner;
        this.store = store;
        this.random = new Random(seed);
    }

    public List<Job> jobs() {
        return jobs;
    }

    public ZoneId zone() {
        return zone;
    }

    /**
     * Computes the first fire times after now and, with {@code catchUp}, queues one run of each enabled job whose fire
     * time passed since its persisted last fire time (while the daemon was down).
     *
     * @throws IllegalStateException when already started or shut down
     */
    public synchronized void start(boolean catchUp) {
        if (started || shutdown) {
            throw new IllegalStateException(shutdown ? "the scheduler was shut down" : "the scheduler is already started");
        }
        started = true;
        Instant now = clock.instant();
        latestNoticed = now;
        Map<String, JobState> states = store.load();
        repairState();
        for (Job job : jobs) {
            if (!job.enabled()) {
                continue;
            }
            JobState state = states.get(job.id().id());
            if (state == null || state.catchUpFrom() == null) {
                // watched from now on: a fire time it misses while down before its first run is caught up too
                persist(job.id(), JobState.watchedSince(now));
            } else if (catchUp) {
                catchUp(job, state, now);
            } else {
                letPass(job, state, now);
            }
            schedule(job, now);
        }
        notifyAll();
    }

    private void catchUp(Job job, JobState state, Instant now) {
        Instant last;
        String from = state.needsRerun() ? state.lastFireTime() : state.catchUpFrom();
        try {
            last = Instant.parse(from);
        } catch (DateTimeParseException e) {
            LOG.warn("job {}: unreadable last fire time '{}' in the scheduler state; no catch-up", job.id().id(), from);
            return;
        }
        Instant latest = latestPassed(job, state.needsRerun() ? last : next(job, last), now);
        if (latest == null) {
            return;
        }
        if (state.needsRerun() && latest.equals(last)) { // nothing passed: its own run was cut short
            LOG.info("job {}: the run of fire time {} was aborted by the last shutdown; running it again", job.id().id(),
                    last);
        } else {
            LOG.info("job {}: fire time {} passed while the daemon was down (last fire time {}{}); catching up once",
                    job.id().id(), latest, last, state.needsRerun() ? ", aborted" : "");
        }
        queue.addLast(new Run(job.id(), latest, CATCH_UP, new CompletableFuture<>()));
    }

    /**
     * Without catch-up: records the latest fire time that passed while the daemon was down as let pass on purpose, so
     * that a later start with catch-up does not run it after all.
     */
    private void letPass(Job job, JobState state, Instant now) {
        Instant from;
        try {
            from = Instant.parse(state.needsRerun() ? state.lastFireTime() : state.catchUpFrom());
        } catch (DateTimeParseException e) {
            return;
        }
        // an aborted run's own fire time is let pass too: a later start with catch-up must not run it hours later
        Instant latest = latestPassed(job, state.needsRerun() ? from : next(job, from), now);
        if (latest != null) {
            if (state.needsRerun() && latest.equals(from)) {
                LOG.info("job {}: the run of fire time {} was aborted by the last shutdown; not run again"
                        + " (BACKUP_CATCH_UP=false)", job.id().id(), latest);
            } else {
                LOG.info("job {}: fire time {} passed while the daemon was down; not run (BACKUP_CATCH_UP=false)",
                        job.id().id(), latest);
            }
            persist(job.id(), state.seenThrough(latest));
        }
    }

    private Instant next(Job job, Instant after) {
        try {
            return job.cron().next(after, zone);
        } catch (IllegalStateException e) { // an expression that never fires again
            return null;
        }
    }

    private void schedule(Job job, Instant after) {
        Instant fire = next(job, after);
        if (fire == null) {
            LOG.warn("job {}: cron expression '{}' has no fire time after {}; not scheduled", job.id().id(),
                    job.cron().expression(), after);
            nextFire.remove(job.id());
            nextDue.remove(job.id());
            return;
        }
        nextFire.put(job.id(), fire);
        long extra = jitter.isZero() ? 0 : (long) (random.nextDouble() * jitter.toMillis());
        nextDue.put(job.id(), fire.plusMillis(extra));
    }

    /** The latest fire time in [first, now], or null when {@code first} (a fire time) is null or after now. */
    private Instant latestPassed(Job job, Instant first, Instant now) {
        return first == null || first.isAfter(now) ? null : latestFireAtOrBefore(job, first, now);
    }

    /** The latest fire time in [first, now], given that {@code first} is a fire time at or before now. */
    private Instant latestFireAtOrBefore(Job job, Instant first, Instant now) {
        Instant latest = first;
        Instant n = next(job, first);
        while (n != null && !n.isAfter(now)) {
            latest = n;
            n = next(job, n);
        }
        return latest;
    }

    /** The earliest instant at which {@link #tick()} has something to do, or null when no job is scheduled. */
    public synchronized Instant nextDue() {
        return nextDue.values().stream().min(Instant::compareTo).orElse(null);
    }

    /** The next cron fire time of a job (before jitter), or null when disabled or not started. */
    public synchronized Instant nextFire(JobId job) {
        return nextFire.get(job);
    }

    /** The job running now, or null. */
    public synchronized JobId running() {
        return running;
    }

    /** Notices fire times that have come and queues (or skips) their runs. */
    public synchronized void tick() {
        notice(clock.instant(), null);
    }

    /**
     * @param busySince when the run that just ended started (null for a plain tick): fire times at or after it came
     *                  while the worker was busy and count as noticed on time
     */
    private void notice(Instant now, Instant busySince) {
        if (shutdown) {
            return;
        }
        rescheduleAfterAStepBack(now);
        boolean queued = false;
        for (Job job : jobs) {
            Instant due = nextDue.get(job.id());
            if (due == null || due.isAfter(now)) {
                continue;
            }
            Instant first = nextFire.get(job.id());
            Instant fire = latestFireAtOrBefore(job, first, now);
            // the daemon held up or the machine suspended past the next fire time (not one that came while this run
            // waited for its jitter): say what became of the fire times passed over
            if (fire.isAfter(first) && fire.isAfter(due)) {
                LOG.warn("job {}: the fire times from {} to {} passed before they were noticed; they count as one, {}",
                        job.id().id(), first, fire, fire);
            }
            // lateness from the later of the jittered time and the latest fire time: fire times that passed while the
            // run waited for its jitter (a jitter longer than the period) do not make it late; after a stall, the
            // fire time that has just come is on time
            Instant fireDue = fire.isAfter(due) ? fire : due;
            Duration late = Duration.between(fireDue, now);
            boolean duringRun = busySince != null && !fireDue.isBefore(busySince);
            // in whole seconds, as the grace is given: with a grace of 0 a fire time the ticker notices a few
            // milliseconds after it (as it always does) still runs
            if (!duringRun && late.getSeconds() > grace.getSeconds()) {
                LOG.warn("job {}: fire time {} noticed {} s late (misfire grace {} s); skipped", job.id().id(), fire,
                        late.toSeconds(), grace.toSeconds());
                letPass(job.id(), fire);
            } else if (job.id() == running) {
                LOG.warn("job {}: fire time {} skipped: its previous run (since {}) is still going", job.id().id(), fire,
                        runningSince);
                letPass(job.id(), fire);
            } else if (queue.stream().anyMatch(r -> r.job() == job.id() && !r.manual())) {
                LOG.info("job {}: fire time {} coalesced with the run already queued", job.id().id(), fire);
                coalesce(job.id(), fire);
            } else {
                queue.addLast(new Run(job.id(), fire, SCHEDULE, new CompletableFuture<>()));
                queued = true;
            }
            schedule(job, now);
        }
        if (queued) {
            notifyAll();
        }
    }

    /**
     * After the clock was set back by more than {@link #STEP_BACK} (a clock that was ahead, corrected), computes the
     * next fire times again from it, as Vixie cron does: those computed on the wrong clock lay that far ahead, and the
     * jobs would not have run for as long (days without a backup). A smaller step back keeps them, so that a job that
     * has just run does not run again for the same time.
     */
    private void rescheduleAfterAStepBack(Instant now) {
        if (latestNoticed != null && Duration.between(now, latestNoticed).compareTo(STEP_BACK) > 0) {
            LOG.warn("the clock was set back from {} to {}: the next fire times are computed again from it",
                    latestNoticed, now);
            for (Job job : jobs) {
                if (nextFire.containsKey(job.id())) {
                    schedule(job, now);
                }
            }
            latestNoticed = now;
        } else if (latestNoticed == null || now.isAfter(latestNoticed)) {
            latestNoticed = now;
        }
    }

    /**
     * Remembers a fire time let pass on purpose, so that a restart does not take it for one missed while down: at the
     * end of the job's queued or going run (persisted then, with its outcome), else at once.
     */
    private void letPass(JobId job, Instant fire) {
        if (job == running || queue.stream().anyMatch(r -> r.job() == job)) {
            skippedThrough.merge(job, fire, (a, b) -> a.isAfter(b) ? a : b);
            return;
        }
        JobState was = store.load().get(job.id());
        persist(job, was == null ? JobState.watchedSince(fire) : was.seenThrough(fire));
    }

    /** The queued scheduled run of {@code job} now stands for {@code fire} too: it runs for the latest of them. */
    private void coalesce(JobId job, Instant fire) {
        List<Run> runs = new ArrayList<>(queue);
        queue.clear();
        for (Run r : runs) {
            queue.addLast(r.job() == job && !r.manual() && fire.isAfter(r.fireTime())
                    ? new Run(r.job(), fire, r.trigger(), r.outcome()) : r);
        }
    }

    /** Drops the values of the state file that cannot be read, once reported, so that each start does not repeat it. */
    private void repairState() {
        try {
            store.repair();
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot repair the scheduler state: {}", store.failureReason(e));
        }
    }

    private void persist(JobId job, JobState state) {
        try {
            store.save(job, state);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot persist the state of job {}: {}", job.id(), store.failureReason(e));
        }
    }

    /**
     * Queues a manual run now, returning its outcome's future.
     *
     * @throws IllegalStateException after {@link #shutdown()}
     */
    public synchronized CompletableFuture<RunOutcome> trigger(JobId job) {
        if (shutdown) {
            throw new IllegalStateException("the scheduler is stopped; " + job.id() + " not started");
        }
        Run run = new Run(job, clock.instant(), MANUAL, new CompletableFuture<>());
        queue.addLast(run);
        notifyAll();
        return run.outcome();
    }

    /** Whether a run is queued. */
    public synchronized boolean hasPending() {
        return !queue.isEmpty();
    }

    /** The queued runs, first to run first. */
    public synchronized List<Run> pending() {
        return List.copyOf(queue);
    }

    /** Starts nothing new from now on: queued runs are removed and their futures cancelled. A running job goes on. */
    public synchronized void shutdown() {
        shutdown = true;
        queue.forEach(r -> { // said, not dropped in silence: a next start with catch-up runs a missed fire time
            LOG.info("job {}: the {} run of fire time {} was waiting its turn and is not run: the scheduler is stopping",
                    r.job().id(), r.trigger(), r.fireTime());
            r.outcome().cancel(false);
        });
        queue.clear();
        notifyAll();
    }

    public synchronized boolean isShutdown() {
        return shutdown;
    }

    /** Waits until a run is queued or the scheduler shuts down, at most {@code max}. */
    public synchronized void awaitWork(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        long left;
        while (queue.isEmpty() && !shutdown && (left = deadline - System.nanoTime()) > 0) {
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /**
     * Runs the next queued job in the calling thread (waiting while another thread runs one); returns its outcome, or
     * null when nothing was queued. An interrupt of the calling thread during the run aborts it (outcome
     * {@code aborted}); the interrupt status is kept for the caller.
     */
    public RunOutcome runNext() {
        runLock.lock();
        try {
            Run run;
            Instant since;
            synchronized (this) {
                run = shutdown ? null : queue.pollFirst();
                if (run == null) {
                    return null;
                }
                running = run.job();
                runningSince = since = clock.instant();
            }
            return execute(run, since);
        } finally {
            runLock.unlock();
        }
    }

    private RunOutcome execute(Run run, Instant since) {
        long t0 = System.nanoTime();
        String outcome;
        String message;
        boolean interruptedByException = false;
        try {
            message = runner.run(run.job());
            outcome = SUCCESS;
        } catch (Throwable e) { // loops never die: even an Error of a job (say a stack overflow) is that run's failure
            boolean aborted = e instanceof InterruptedException || Thread.currentThread().isInterrupted() || causedByInterrupt(e);
            outcome = aborted ? ABORTED : FAILURE;
            message = aborted ? "aborted by shutdown (" + describe(e) + ")" : describe(e);
            interruptedByException = e instanceof InterruptedException;
        }
        // cleared so that the state can still be written; restored (also after an InterruptedException) at the end
        boolean interrupted = Thread.interrupted() | interruptedByException;
        // the outcome is printed (run --once, schedule) and persisted (scheduler state): no secret in it, like the logs
        message = dev.archivist.config.Redactor.redact(message);
        try {
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            RunOutcome result = new RunOutcome(run.job(), run.fireTime(), run.trigger(), outcome, message, took);
            String what = run.manual() ? "manual run" : run.trigger().equals(CATCH_UP) ? "catch-up of fire time " + run.fireTime()
                    : "fire time " + run.fireTime();
            // the same facts as fields of a JSON log line, for a log pipeline's filters and alerts (a text line is unchanged)
            LogstashMarker fields = Markers.append("job", run.job().id()).and(Markers.append("outcome", outcome))
                    .and(Markers.append("duration_ms", took.toMillis())).and(Markers.append("trigger", run.trigger()))
                    .and(Markers.append("fire_time", run.fireTime().toString()));
            if (result.succeeded()) {
                LOG.info(fields, "job {} ({}): success in {} ms: {}", run.job().id(), what, took.toMillis(), message);
            } else {
                LOG.error(fields, "job {} ({}): {} after {} ms: {}", run.job().id(), what, outcome, took.toMillis(), message);
            }
            synchronized (this) { // persisted under the monitor, so that a tick's letPass comes before or after it
                notice(clock.instant(), since); // what came due during the run, as the ticker would have seen it
                running = null;
                runningSince = null;
                Instant passed = queue.stream().anyMatch(r -> r.job() == run.job()) ? null : skippedThrough.remove(run.job());
                // an aborted run records nothing as let pass: its rerun covers what passed meanwhile, and a seenThrough
                // at or after its fire time means a start without catch-up let it pass (JobState.needsRerun)
                JobState recorded = new JobState(run.fireTime().toString(), clock.instant().toString(), outcome, message,
                        took.toMillis(), run.trigger(), !ABORTED.equals(outcome) && passed != null
                        && passed.isAfter(run.fireTime()) ? passed.toString() : null);
                // a failed manual run did not do the job's work: a fire time missed while down is still caught up
                persist(run.job(), run.manual() && !result.succeeded()
                        ? recorded.afterUnsuccessfulManual(store.load().get(run.job().id())) : recorded);
            }
            run.outcome().complete(result);
            return result;
        } finally {
            synchronized (this) {
                running = null;
                runningSince = null;
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean causedByInterrupt(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedException || t instanceof InterruptedIOException || t instanceof ClosedByInterruptException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /** Runs every queued job, one after another, in the calling thread (tests, {@code run --once}, manual triggers). */
    public List<RunOutcome> runPending() {
        List<RunOutcome> outcomes = new ArrayList<>();
        RunOutcome o;
        while ((o = runNext()) != null) {
            outcomes.add(o);
        }
        return outcomes;
    }
}
