package dev.archivist.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives a {@link Scheduler} with two daemon threads: a ticker that wakes at the next due time (re-checking the clock
 * at least every second, so clock jumps and suspends are noticed) and a worker that runs queued jobs one at a time.
 * Neither loop dies on an exception: it is logged and the loop goes on.
 */
public final class SchedulerLoop {
    /** How long an interrupted job gets to abort and remove its partial files. */
    private static final Duration ABORT_GRACE = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(SchedulerLoop.class);

    private final Scheduler scheduler;
    private final Clock clock;
    private volatile boolean stopping;
    private volatile boolean abortedEarly;
    private volatile Thread ticker;
    private volatile Thread worker;

    /** Whether the job running on the given (worker) thread still waits for the backup lock, so has not begun. */
    private final java.util.function.Predicate<Thread> jobWaitsForLock;

    public SchedulerLoop(Scheduler scheduler, Clock clock) {
        this(scheduler, clock, worker -> false);
    }

    public SchedulerLoop(Scheduler scheduler, Clock clock, java.util.function.Predicate<Thread> jobWaitsForLock) {
        this.scheduler = scheduler;
        this.clock = clock;
        this.jobWaitsForLock = jobWaitsForLock;
    }

    /** Starts the two threads; once only; not at all once {@link #stopStarting} was called. */
    public synchronized void start() {
        if (ticker != null) {
            throw new IllegalStateException("the scheduler loop was already started");
        }
        if (stopping) {
            return; // a stop came while the daemon was starting: nothing may begin
        }
        ticker = new Thread(this::tickLoop, "archivist-scheduler");
        worker = new Thread(this::workLoop, "archivist-job");
        ticker.setDaemon(true);
        worker.setDaemon(true);
        ticker.start();
        worker.start();
    }

    /** Whether {@link #stopStarting} or {@link #stop} was called: no job may start any more. */
    public boolean isStopping() {
        return stopping;
    }

    /** Whether the threads run jobs (started and not stopping). */
    public boolean isRunning() {
        return ticker != null && !stopping;
    }

    private void tickLoop() {
        FailureBackoff backoff = new FailureBackoff();
        while (!stopping) {
            try {
                Instant due = scheduler.nextDue();
                long wait = due == null ? 1000 : Math.max(0, Math.min(1000, Duration.between(clock.instant(), due).toMillis()));
                Thread.sleep(Math.max(wait, 10));
                if (!stopping) {
                    scheduler.tick();
                    backoff.succeeded();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | Error e) {
                if (!survive("scheduler tick", e, backoff)) {
                    return;
                }
            }
        }
    }

    private void workLoop() {
        FailureBackoff backoff = new FailureBackoff();
        while (!stopping) {
            try {
                if (scheduler.runNext() == null) {
                    scheduler.awaitWork(Duration.ofSeconds(1));
                }
                backoff.succeeded();
            } catch (InterruptedException e) {
                if (stopping) {
                    return;
                }
            } catch (RuntimeException | Error e) {
                if (!survive("job runner", e, backoff)) {
                    return;
                }
            }
            if (Thread.interrupted() && stopping) { // an aborted run keeps the interrupt: the loop is being stopped
                return;
            }
        }
    }

    /**
     * Logs a failure the loop survives and waits as {@code backoff} says, in short steps so that a stop is not kept
     * waiting; false when the loop is to end (stopping, or interrupted).
     */
    private boolean survive(String what, Throwable e, FailureBackoff backoff) {
        Duration pause = backoff.failed();
        LOG.error("{} failed (continuing in {} s{}): {}", what, pause.toSeconds(),
                backoff.failuresInARow() > 1 ? ", " + backoff.failuresInARow() + " failures in a row" : "", e.toString());
        long until = System.nanoTime() + pause.toNanos();
        try {
            while (!stopping && System.nanoTime() < until) {
                Thread.sleep(Math.min(100, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            }
        } catch (InterruptedException interrupted) {
            return !stopping; // only a stop interrupts these threads between runs: as the loops themselves do
        }
        return !stopping;
    }

    /**
     * Starts nothing from now on, without waiting ({@link #stop} does the rest): called from a signal handler, which
     * may run before {@link #start}, and a stop that came during start-up must not let a catch-up run begin.
     */
    public synchronized void stopStarting() {
        stopping = true;
    }

    /**
     * Aborts the running job now, during a {@link #stop} or after {@link #stopStarting} (a second Ctrl-C or SIGTERM:
     * the operator does not want to wait for the shutdown timeout); it removes its partial files as on the timeout, and
     * {@link #stop} returns false for it. Does nothing before a stop, nor when no job runs: the worker thread, still
     * alive for a moment while it notices the stop, is no job to abort.
     */
    public void abortNow() {
        Thread w = worker;
        if (stopping && w != null && w.isAlive() && scheduler.running() != null) {
            abortedEarly = true;
            w.interrupt();
        }
    }

    /**
     * Starts nothing new, lets a running job finish for up to {@code timeout}, then interrupts it so it aborts and
     * removes its partial files (waiting up to 30 s more for that). Returns true when no job had to be aborted.
     */
    public boolean stop(Duration timeout) {
        stopping = true; // abortedEarly is kept: set only once stopping, it is an abort of this shutdown
        scheduler.shutdown();
        Thread t = ticker;
        Thread w = worker;
        if (t == null) {
            return true;
        }
        t.interrupt();
        try {
            long deadline = System.nanoTime() + Math.max(1, timeout.toMillis()) * 1_000_000;
            return awaitJob(w, w::isAlive, deadline, timeout, jobWaitsForLock, () -> abortedEarly,
                    () -> scheduler.running() == null ? "?" : scheduler.running().id());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Waits for the job {@code thread} runs, while {@code running} says it goes on, until {@code deadline} (of
     * {@link System#nanoTime}). A job that still waits for the backup lock has not begun: it is interrupted at once and
     * does not count as aborted. One still running at the deadline is interrupted so that it aborts and removes its
     * partial files, given 30 s more for that; so is one {@code abortNow} (a second signal) already interrupted. Returns
     * false when the job had to be aborted. Used for the loop's worker and for jobs run in a caller's thread
     * ({@link BackupScheduler#trigger} before {@code start()}).
     */
    static boolean awaitJob(Thread thread, BooleanSupplier running, long deadline, Duration timeout,
            java.util.function.Predicate<Thread> waitsForLock, BooleanSupplier abortNow,
            java.util.function.Supplier<String> jobId) throws InterruptedException {
        while (running.getAsBoolean() && !abortNow.getAsBoolean() && System.nanoTime() < deadline) {
            if (waitsForLock.test(thread)) { // another process holds the lock: the job has not begun
                LOG.info("the job {} was still waiting for the backup lock: not started", jobId.get());
                thread.interrupt();
                waitWhile(running, ABORT_GRACE);
                return true;
            }
            Thread.sleep(Math.max(1, Math.min(20, (deadline - System.nanoTime()) / 1_000_000)));
        }
        if (abortNow.getAsBoolean()) {
            waitWhile(running, ABORT_GRACE);
            return false;
        }
        if (!running.getAsBoolean()) {
            return true;
        }
        LOG.warn("a job ({}) is still running after the shutdown timeout of {} s; aborting it", jobId.get(),
                timeout.toSeconds());
        thread.interrupt();
        waitWhile(running, ABORT_GRACE);
        if (running.getAsBoolean()) {
            LOG.error("the aborted job did not end within 30 s");
        }
        return false;
    }

    private static void waitWhile(BooleanSupplier running, Duration max) throws InterruptedException {
        long until = System.nanoTime() + max.toNanos();
        while (running.getAsBoolean() && System.nanoTime() < until) {
            Thread.sleep(10);
        }
    }
}
