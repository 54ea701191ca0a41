package dev.archivist.schedule;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduling core, driven by an injected {@link Clock} and free of threads: {@link #tick()} turns due fire times
 * into queued runs, {@link #runNext()} runs one queued job. {@link SchedulerLoop} calls them from two threads in
 * production; tests call them directly with a settable clock, so no test sleeps for cron.
 *
 * <p>Semantics (APScheduler's with {@code max_instances=1}, {@code coalesce=True} and one worker, plus systemd's
 * {@code Persistent=true}):
 * <ul>
 *   <li>several fire times passed at once coalesce into one run, for the latest of them;</li>
 *   <li>a fire time noticed later than the misfire grace is skipped and logged (the scheduler was stalled or the
 *       machine suspended); lateness is measured when the fire time is noticed, so a job that only waits in the queue
 *       behind another job still runs;</li>
 *   <li>a fire time that comes while the same job is running is skipped and logged (no overlap);</li>
 *   <li>jobs run one at a time, in the order they became due;</li>
 *   <li>on start, a job whose next fire time after its persisted last fire time has passed runs once (catch-up).</li>
 * </ul>
 */
public final class Scheduler {
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

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
    private JobId running;

    /** A queued run: the job, the fire time it stands for, and who waits for its outcome. */
    public record Run(JobId job, Instant fireTime, boolean manual, CompletableFuture<RunOutcome> outcome) {
    }

    /** How a run ended. */
    public record RunOutcome(JobId job, Instant fireTime, String outcome, String message, Duration duration) {
        public boolean succeeded() {
            return "success".equals(outcome);
        }
    }

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
     * Computes the first fire times from now and, with {@code catchUp}, queues one run of each enabled job whose fire
     * time passed since its persisted last fire time while the daemon was down.
     */
    public synchronized void start(boolean catchUp) {
        Instant now = clock.instant();
        Map<String, JobState> states = store.load();
        for (Job job : jobs) {
            if (!job.enabled()) {
                continue;
            }
            JobState state = states.get(job.id().id());
            if (catchUp && state != null && state.lastFireTime() != null) {
                Instant last = Instant.parse(state.lastFireTime());
                Instant missed = job.cron().next(last, zone);
                if (missed != null && !missed.isAfter(now)) {
                    Instant latest = latestFireAtOrBefore(job, missed, now);
                    LOG.info("job {}: fire time {} passed while the daemon was down; catching up once", job.id().id(), latest);
                    enqueue(new Run(job.id(), latest, false, new CompletableFuture<>()));
                }
            }
            schedule(job, now);
        }
    }

    private void schedule(Job job, Instant after) {
        Instant fire = job.cron().next(after, zone);
        nextFire.put(job.id(), fire);
        long extra = jitter.isZero() ? 0 : (long) (random.nextDouble() * jitter.toMillis());
        nextDue.put(job.id(), fire.plusMillis(extra));
    }

    private Instant latestFireAtOrBefore(Job job, Instant first, Instant now) {
        Instant latest = first;
        Instant n = job.cron().next(first, zone);
        while (n != null && !n.isAfter(now)) {
            latest = n;
            n = job.cron().next(n, zone);
        }
        return latest;
    }

    /** The earliest instant at which {@link #tick()} has something to do, or null when no job is enabled. */
    public synchronized Instant nextDue() {
        return nextDue.values().stream().min(Instant::compareTo).orElse(null);
    }

    /** The next cron fire time of a job (before jitter), or null when disabled. */
    public synchronized Instant nextFire(JobId job) {
        return nextFire.get(job);
    }

    /** Notices fire times that have come and queues (or skips) their runs. */
    public synchronized void tick() {
        Instant now = clock.instant();
        for (Job job : jobs) {
            Instant due = nextDue.get(job.id());
            if (due == null || due.isAfter(now)) {
                continue;
            }
            Instant fire = latestFireAtOrBefore(job, nextFire.get(job.id()), now);
            Instant fireDue = fire.equals(nextFire.get(job.id())) ? due : fire;
            Duration late = Duration.between(fireDue, now);
            if (late.compareTo(grace) > 0) {
                LOG.warn("job {}: fire time {} missed by {} s (misfire grace {} s); skipped", job.id().id(), fire,
                        late.toSeconds(), grace.toSeconds());
            } else if (job.id() == running) {
                LOG.warn("job {}: fire time {} skipped: the previous run is still going", job.id().id(), fire);
            } else if (queue.stream().anyMatch(r -> r.job() == job.id())) {
                LOG.info("job {}: fire time {} coalesced with the queued run", job.id().id(), fire);
            } else {
                enqueue(new Run(job.id(), fire, false, new CompletableFuture<>()));
            }
            schedule(job, now.isAfter(fire) ? now : fire);
        }
    }

    private void enqueue(Run run) {
        queue.addLast(run);
    }

    /** Queues a manual run now, returning its outcome's future. */
    public synchronized CompletableFuture<RunOutcome> trigger(JobId job) {
        Run run = new Run(job, clock.instant(), true, new CompletableFuture<>());
        enqueue(run);
        notifyAll();
        return run.outcome();
    }

    /** Whether a run is queued. */
    public synchronized boolean hasPending() {
        return !queue.isEmpty();
    }

    /** Removes queued runs (shutdown: start nothing new); their futures complete as cancelled. */
    public synchronized void clearQueue() {
        queue.forEach(r -> r.outcome().cancel(false));
        queue.clear();
    }

    private synchronized Run take() {
        Run run = queue.pollFirst();
        if (run != null) {
            running = run.job();
        }
        return run;
    }

    /** Runs the next queued job in the calling thread; returns its outcome or null when nothing was queued. */
    public RunOutcome runNext() {
        Run run = take();
        if (run == null) {
            return null;
        }
        long t0 = System.nanoTime();
        String outcome;
        String message;
        try {
            message = runner.run(run.job());
            outcome = "success";
        } catch (InterruptedException e) {
            outcome = "aborted";
            message = "aborted by shutdown";
        } catch (Exception e) {
            outcome = Thread.currentThread().isInterrupted() ? "aborted" : "failure";
            message = String.valueOf(e.getMessage());
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        RunOutcome result = new RunOutcome(run.job(), run.fireTime(), outcome, message, took);
        if (result.succeeded()) {
            LOG.info("job {} ({}): success in {} ms: {}", run.job().id(), run.manual() ? "manual" : "fire time " + run.fireTime(), took.toMillis(), message);
        } else {
            LOG.error("job {} ({}): {} after {} ms: {}", run.job().id(), run.manual() ? "manual" : "fire time " + run.fireTime(), outcome, took.toMillis(), message);
        }
        try {
            store.save(run.job(), new JobState(run.fireTime().toString(), clock.instant().toString(), outcome, message, took.toMillis()));
        } catch (IOException e) {
            LOG.warn("cannot persist the state of job {}: {}", run.job().id(), e.getMessage());
        }
        synchronized (this) {
            running = null;
        }
        run.outcome().complete(result);
        return result;
    }

    /** Runs every queued job, one after another (tests and {@code run --once}). */
    public List<RunOutcome> runPending() {
        List<RunOutcome> outcomes = new ArrayList<>();
        RunOutcome o;
        while ((o = runNext()) != null) {
            outcomes.add(o);
        }
        return outcomes;
    }
}
