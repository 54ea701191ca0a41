package dev.archivist.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two daemon threads around the scheduler: they run a job when the (settable) clock reaches its fire time, and
 * stop() waits for a running job up to the timeout, then interrupts it. Real threads, but no waiting for cron: the
 * clock is set, and the test polls (bounded) for the threads to react.
 */
class SchedulerLoopTest {
    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(Instant.parse("2024-05-06T01:59:00Z"));

    Scheduler scheduler(JobRunner runner) {
        return new Scheduler(List.of(new Job(JobId.DATABASE_BACKUP, CronExpression.parse("0 2 * * *"), true)),
                ZoneOffset.UTC, clock, Duration.ofSeconds(300), Duration.ZERO, runner, new StateStore(dir), 1);
    }

    @Test
    void theLoopRunsAJobWhenTheClockReachesItsFireTimeAndStopsCleanly() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        Scheduler s = scheduler(job -> {
            ran.countDown();
            return "ok";
        });
        SchedulerLoop loop = new SchedulerLoop(s, clock);
        s.start(true);
        loop.start();
        assertThat(ran.await(300, TimeUnit.MILLISECONDS)).as("not yet due").isFalse();
        clock.set(Instant.parse("2024-05-06T02:00:00Z"));
        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        await(() -> new StateStore(dir).load().containsKey("database_backup"));
        assertThat(loop.stop(Duration.ofSeconds(5))).isTrue();
        assertThat(loop.isRunning()).isFalse();
    }

    /** A signal during the daemon's start-up comes before start(): the catch-up run queued by start never begins. */
    @Test
    void aStopRequestedBeforeTheLoopStartsLetsNoQueuedRunBegin() throws Exception {
        new StateStore(dir).save(JobId.DATABASE_BACKUP, new JobState("2024-05-05T02:00:00Z", null, "success", null, 1L,
                Scheduler.SCHEDULE)); // yesterday's run: today's 02:00 passed while down
        clock.set(Instant.parse("2024-05-06T03:00:00Z"));
        CountDownLatch ran = new CountDownLatch(1);
        Scheduler s = scheduler(job -> {
            ran.countDown();
            return "ok";
        });
        SchedulerLoop loop = new SchedulerLoop(s, clock);
        loop.stopStarting();
        s.start(true);
        assertThat(s.pending()).as("precondition: a catch-up run is queued").hasSize(1);
        loop.start();
        assertThat(ran.await(1500, TimeUnit.MILLISECONDS)).as("nothing begins after the stop").isFalse();
        assertThat(loop.stop(Duration.ofSeconds(5))).isTrue();
        assertThat(s.pending()).isEmpty();
        assertThat(ran.getCount()).isEqualTo(1);
    }

    @Test
    void stopLetsARunningJobFinishWithinTheTimeout() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Scheduler s = scheduler(job -> {
            started.countDown();
            Thread.sleep(300);
            return "finished";
        });
        SchedulerLoop loop = new SchedulerLoop(s, clock);
        s.start(true);
        loop.start();
        s.trigger(JobId.DATABASE_BACKUP);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(loop.stop(Duration.ofSeconds(10))).as("finished on its own").isTrue();
        assertThat(new StateStore(dir).load().get("database_backup").lastOutcome()).isEqualTo("success");
    }

    @Test
    void stopAbortsAJobThatOutlivesTheTimeout() throws Exception {
        RunningJob running = aDatabaseBackupRunningUntilInterrupted(JobId.BACKUP_ROTATION);
        assertThat(running.loop().stop(Duration.ofMillis(200))).as("had to abort").isFalse();
        assertThat(running.outcome().get(5, TimeUnit.SECONDS).outcome()).isEqualTo("aborted");
        assertThat(new StateStore(dir).load()).containsOnlyKeys("database_backup");
        assertThat(new StateStore(dir).load().get("database_backup").lastOutcome()).isEqualTo("aborted");
    }

    /**
     * A scheduled run aborted by a stop runs again on the next start, also when its own next fire time came and was
     * skipped while it ran: what passed meanwhile is not recorded as let pass (only a start without catch-up does that).
     */
    @Test
    void anAbortedScheduledRunIsRunAgainEvenWhenItsNextFireTimeWasSkippedMeanwhile() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Scheduler s = new Scheduler(List.of(new Job(JobId.DATABASE_BACKUP, CronExpression.parse("* * * * *"), true)),
                ZoneOffset.UTC, clock, Duration.ofSeconds(300), Duration.ZERO, untilInterrupted(started),
                new StateStore(dir), 1);
        SchedulerLoop loop = new SchedulerLoop(s, clock);
        s.start(true);
        loop.start();
        clock.set(Instant.parse("2024-05-06T02:00:00Z"));
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        clock.set(Instant.parse("2024-05-06T02:01:30Z")); // 02:01 comes while the 02:00 run still goes: skipped
        Thread.sleep(1500); // the ticker looks at least once a second
        assertThat(loop.stop(Duration.ofMillis(200))).as("had to abort").isFalse();
        JobState state = new StateStore(dir).load().get("database_backup");
        assertThat(state.lastOutcome()).isEqualTo("aborted");
        assertThat(state.needsRerun()).isTrue();

        clock.set(Instant.parse("2024-05-06T02:01:40Z"));
        Scheduler restarted = new Scheduler(List.of(new Job(JobId.DATABASE_BACKUP, CronExpression.parse("* * * * *"), true)),
                ZoneOffset.UTC, clock, Duration.ofSeconds(300), Duration.ZERO, job -> "ok", new StateStore(dir), 1);
        restarted.start(true);
        assertThat(restarted.pending()).as("the aborted work is done once").hasSize(1);
    }

    /** A second Ctrl-C or SIGTERM during the shutdown aborts the running job at once, without waiting out the timeout. */
    @Test
    void abortNowDuringAStopAbortsTheRunningJobWithoutWaitingForTheTimeout() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Scheduler s = scheduler(untilInterrupted(started));
        SchedulerLoop loop = new SchedulerLoop(s, clock);
        loop.abortNow(); // before a stop: nothing happens
        s.start(true);
        loop.start();
        var outcome = s.trigger(JobId.DATABASE_BACKUP);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        loop.abortNow(); // not stopping yet: the job goes on
        var stopped = CompletableFuture.supplyAsync(() -> loop.stop(Duration.ofHours(1)));
        assertThat(outcome.isDone()).as("abortNow outside a stop leaves the job running").isFalse();
        await(() -> { // once the stop has begun, abortNow ends the job
            loop.abortNow();
            return outcome.isDone();
        });
        assertThat(stopped.get(60, TimeUnit.SECONDS)).as("had to abort").isFalse(); // not the hour of the timeout
        assertThat(outcome.get(5, TimeUnit.SECONDS).outcome()).isEqualTo("aborted");
    }

    /**
     * The daemon's first signal calls stopStarting and wakes the main thread, which logs and then calls stop(); a
     * second signal in between (timeout(1) signals the process and then its group, microseconds apart) aborts the
     * running job, and the stop says so. stop() cleared the abort: it returned true, the daemon logged a clean stop and
     * swept no leftovers; the abortNow test above failed the same way when its second signal landed inside stop().
     */
    @Test
    void anAbortBetweenTheFirstSignalAndTheStopCountsAsAnAbort() throws Exception {
        RunningJob running = aDatabaseBackupRunningUntilInterrupted();
        SchedulerLoop loop = running.loop();
        loop.stopStarting(); // the first signal
        loop.abortNow(); // the second, before the main thread got to stop()
        assertThat(running.outcome().get(60, TimeUnit.SECONDS).outcome()).isEqualTo("aborted");
        assertThat(loop.stop(Duration.ofHours(1))).as("had to abort").isFalse();
    }

    /**
     * A second signal that reaches an idle daemon while it stops (timeout(1) signals the process and then its group;
     * Ctrl-C pressed twice) aborts nothing: the stop was reported as "a running job was aborted" (and the daemon swept
     * for leftovers of a job that never ran), because the worker thread, still alive as it noticed the stop, was taken
     * for a running job.
     */
    @Test
    void abortNowDuringTheStopOfAnIdleLoopAbortsNothing() throws Exception {
        Scheduler s = scheduler(job -> "ok");
        SchedulerLoop loop = new SchedulerLoop(s, clock);
        s.start(true);
        loop.start();
        java.util.concurrent.CompletableFuture<Boolean> stopped;
        synchronized (s) { // the worker, waiting for work, cannot leave before this block ends: it is still alive
            stopped = CompletableFuture.supplyAsync(() -> loop.stop(Duration.ofHours(1)));
            await(loop::isStopping);
            loop.abortNow(); // the second signal, while the stop has begun
        }
        assertThat(stopped.get(60, TimeUnit.SECONDS)).as("no job ran, so none was aborted").isTrue();
        assertThat(new StateStore(dir).load().get("database_backup").lastOutcome()).as("nothing ran").isNull();
    }

    @Test
    void theWorkerSurvivesAJobThatThrows() throws Exception {
        CountDownLatch second = new CountDownLatch(1);
        Scheduler s = scheduler(job -> {
            if (job == JobId.DATABASE_BACKUP) {
                throw new StackOverflowError("simulated");
            }
            second.countDown();
            return "ok";
        });
        SchedulerLoop loop = new SchedulerLoop(s, clock);
        s.start(true);
        loop.start();
        s.trigger(JobId.DATABASE_BACKUP);
        s.trigger(JobId.BACKUP_ROTATION);
        assertThat(second.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(loop.stop(Duration.ofSeconds(5))).isTrue();
    }

    /**
     * A tick that fails at every turn (a class the JVM can no longer load after its jar was replaced) is retried after a
     * back-off, not every 10 ms: it flooded the log with a hundred lines a second. A stop during the back-off ends the
     * loop: no turn follows it. Both of the loop's threads (the ticker and the worker) may read the clock and fail,
     * each with its own back-off: the gap is measured between two failures of the same thread.
     */
    @Test
    void aTickThatKeepsFailingIsRetriedAfterABackoffAndTheStopEndsTheRetries() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean broken = new java.util.concurrent.atomic.AtomicBoolean();
        // System.nanoTime of each failure, by the thread that failed
        Map<Thread, List<Long>> failedAt = new java.util.concurrent.ConcurrentHashMap<>();
        MutableClock failing = new MutableClock(clock.instant()) {
            @Override
            public Instant instant() {
                if (broken.get()) {
                    failedAt.computeIfAbsent(Thread.currentThread(), t -> new java.util.concurrent.CopyOnWriteArrayList<>())
                            .add(System.nanoTime());
                    throw new NoClassDefFoundError("simulated");
                }
                return super.instant();
            }
        };
        Scheduler s = new Scheduler(List.of(new Job(JobId.DATABASE_BACKUP, CronExpression.parse("0 2 * * *"), true)),
                ZoneOffset.UTC, failing, Duration.ofSeconds(300), Duration.ZERO, job -> "ok", new StateStore(dir), 1);
        SchedulerLoop loop = new SchedulerLoop(s, failing);
        s.start(true);
        loop.start();
        broken.set(true);
        await(() -> failedAt.values().stream().anyMatch(times -> times.size() >= 2));
        // a lower bound only: a slow machine makes the gap longer, never shorter
        failedAt.forEach((thread, times) -> {
            for (int i = 1; i < times.size(); i++) {
                assertThat(Duration.ofNanos(times.get(i) - times.get(i - 1)))
                        .as("turn %d of %s waited out the back-off", i + 1, thread.getName())
                        .isGreaterThanOrEqualTo(FailureBackoff.FIRST);
            }
        });
        assertThat(loop.stop(Duration.ofSeconds(5))).isTrue();
        int afterStop = failures(failedAt);
        Thread.sleep(FailureBackoff.FIRST.toMillis() * 3); // past the next back-off (2 s): a live loop would turn again
        assertThat(failures(failedAt)).as("no turn after the stop").isEqualTo(afterStop);
    }

    private static int failures(Map<Thread, List<Long>> failedAt) {
        return failedAt.values().stream().mapToInt(List::size).sum();
    }

    /** A started loop and the outcome of the database backup it runs, which has started and runs until interrupted. */
    private record RunningJob(SchedulerLoop loop, CompletableFuture<Scheduler.RunOutcome> outcome) {
    }

    /** Starts a loop, triggers the database backup (then {@code alsoTriggered}) and waits until the backup runs. */
    private RunningJob aDatabaseBackupRunningUntilInterrupted(JobId... alsoTriggered) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        Scheduler s = scheduler(untilInterrupted(started));
        SchedulerLoop loop = new SchedulerLoop(s, clock);
        s.start(true);
        loop.start();
        CompletableFuture<Scheduler.RunOutcome> outcome = s.trigger(JobId.DATABASE_BACKUP);
        for (JobId also : alsoTriggered) {
            s.trigger(also);
        }
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        return new RunningJob(loop, outcome);
    }

    /** A job that says it started and then runs until it is interrupted (by a stop's timeout or abortNow). */
    private static JobRunner untilInterrupted(CountDownLatch started) {
        return job -> {
            started.countDown();
            Thread.sleep(600_000);
            return "never";
        };
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
