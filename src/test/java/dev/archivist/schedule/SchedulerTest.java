package dev.archivist.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archivist.testing.LoggedMessages;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler's semantics with a settable clock (issue 5, "The scheduler"): misfire grace, coalescing, no overlap of
 * a job with itself, one job at a time with a job delayed behind a long job still running, catch-up after downtime,
 * jitter, shutdown, and a runner that fails.
 */
class SchedulerTest {
    static final Instant T0 = Instant.parse("2024-05-06T00:00:00Z"); // a Monday
    static final Duration GRACE = Duration.ofSeconds(300);

    @TempDir
    Path dir;

    MutableClock clock = new MutableClock(T0);
    RecordingRunner runner = new RecordingRunner(clock);

    static Job job(JobId id, String cron) {
        return new Job(id, CronExpression.parse(cron), true);
    }

    Scheduler scheduler(JobRunner r, Duration jitter, Job... jobs) {
        return new Scheduler(List.of(jobs), ZoneOffset.UTC, clock, GRACE, jitter, r, new StateStore(dir), 42);
    }

    Scheduler scheduler(Job... jobs) {
        return scheduler(runner, Duration.ZERO, jobs);
    }

    static Instant at(String hhmmss) {
        return Instant.parse("2024-05-06T" + hhmmss + "Z");
    }

    // ---- misfire grace ------------------------------------------------------------------------------------------

    @Test
    void aFireTimeNoticedWithinTheGraceRuns() {
        Scheduler s = scheduler(job(JobId.DATABASE_BACKUP, "0 2 * * *"));
        s.start(true);
        clock.set(at("02:05:00")); // exactly the grace late
        s.tick();
        assertThat(s.runPending()).singleElement().satisfies(o -> {
            assertThat(o.fireTime()).isEqualTo(at("02:00:00"));
            assertThat(o.trigger()).isEqualTo(Scheduler.SCHEDULE);
            assertThat(o.succeeded()).isTrue();
        });
        assertThat(s.nextFire(JobId.DATABASE_BACKUP)).isEqualTo(Instant.parse("2024-05-07T02:00:00Z"));
    }

    @Test
    void aFireTimeNoticedLaterThanTheGraceIsSkippedAndTheNextOneIsScheduled() {
        Scheduler s = scheduler(job(JobId.DATABASE_BACKUP, "0 2 * * *"));
        s.start(true);
        clock.set(at("02:05:01")); // the clock jumped (suspend, stalled scheduler) past the grace
        s.tick();
        assertThat(s.hasPending()).isFalse();
        assertThat(s.runPending()).isEmpty();
        assertThat(runner.calls).isEmpty();
        assertThat(s.nextFire(JobId.DATABASE_BACKUP)).isEqualTo(Instant.parse("2024-05-07T02:00:00Z"));
        JobState state = new StateStore(dir).load().get("database_backup");
        assertThat(state.lastFireTime()).as("a skipped fire time is not a run").isNull();
        assertThat(state.seenThrough()).as("but it was seen: a restart does not catch it up").isEqualTo("2024-05-06T02:00:00Z");
        clock.set(at("02:06:00"));
        Scheduler restarted = scheduler(job(JobId.DATABASE_BACKUP, "0 2 * * *"));
        restarted.start(true);
        assertThat(restarted.pending()).isEmpty();
    }

    /** BACKUP_MISFIRE_GRACE_SECONDS=0 is valid: the ticker notices a fire time a few milliseconds late, and it runs. */
    @Test
    void withAGraceOfZeroAFireTimeNoticedWithinItsSecondRunsAndOneASecondLateIsSkipped() {
        Scheduler s = new Scheduler(List.of(job(JobId.DATABASE_BACKUP, "0 2 * * *")), ZoneOffset.UTC, clock, Duration.ZERO,
                Duration.ZERO, runner, new StateStore(dir), 42);
        s.start(true);
        clock.set(at("02:00:00").plusMillis(10));
        s.tick();
        assertThat(s.runPending()).singleElement().extracting(Scheduler.RunOutcome::fireTime).isEqualTo(at("02:00:00"));

        clock.set(Instant.parse("2024-05-07T02:00:00.999Z"));
        s.tick();
        assertThat(s.runPending()).singleElement().extracting(Scheduler.RunOutcome::fireTime)
                .isEqualTo(Instant.parse("2024-05-07T02:00:00Z"));

        clock.set(Instant.parse("2024-05-08T02:00:01Z"));
        s.tick();
        assertThat(s.hasPending()).as("a whole second late is past a grace of 0").isFalse();
        assertThat(runner.calls).hasSize(2);
    }

    @Test
    void withJitterTheGraceCountsFromTheJitteredTime() {
        for (long lateBy : new long[] {300, 301}) {
            clock.set(T0);
            Scheduler s = scheduler(runner, Duration.ofSeconds(600), job(JobId.DATABASE_BACKUP, "0 2 * * *"));
            s.start(true);
            Instant due = s.nextDue();
            assertThat(due).isAfterOrEqualTo(at("02:00:00")).isBefore(at("02:10:00"));
            clock.set(at("01:59:59"));
            s.tick();
            assertThat(s.hasPending()).isFalse();
            clock.set(due.plusSeconds(lateBy));
            s.tick();
            assertThat(s.hasPending()).as("late by %d s after the jittered due time", lateBy).isEqualTo(lateBy <= 300);
        }
        assertThat(runner.calls).isEmpty();
    }

    @Test
    void jitterDelaysEachFireTimeByLessThanTheJitter() {
        Scheduler s = scheduler(runner, Duration.ofSeconds(60), job(JobId.DATABASE_BACKUP, "*/10 * * * *"));
        s.start(true);
        int jittered = 0;
        for (int i = 0; i < 50; i++) {
            Instant fire = s.nextFire(JobId.DATABASE_BACKUP);
            Instant due = s.nextDue();
            assertThat(Duration.between(fire, due)).isBetween(Duration.ZERO, Duration.ofSeconds(60));
            jittered += due.equals(fire) ? 0 : 1;
            clock.set(due);
            s.tick();
            assertThat(s.runPending()).singleElement().extracting(Scheduler.RunOutcome::fireTime).isEqualTo(fire);
        }
        assertThat(jittered).isGreaterThan(40);
    }

    /**
     * A jitter longer than the schedule's period (BACKUP_JITTER_SECONDS=170 with {@code * * * * *}): later fire times
     * pass while the run waits for its jittered time. A run that starts at that time is not late: it was measured from
     * the latest of those fire times, without jitter, so the daemon skipped its own delayed run as a misfire ("fire
     * time 05:25:00 noticed 57 s late (misfire grace 5 s); skipped") and ran only when the jitter fell within the grace.
     */
    @Test
    void aJitterLongerThanThePeriodIsNotTakenForLateness() throws Exception {
        Scheduler s = new Scheduler(List.of(job(JobId.DATABASE_BACKUP, "* * * * *")), ZoneOffset.UTC, clock,
                Duration.ofSeconds(5), Duration.ofSeconds(170), runner, new StateStore(dir), 42);
        s.start(true);
        int longerThanThePeriod = 0;
        List<String> logged = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Instant fire = s.nextFire(JobId.DATABASE_BACKUP);
            Instant due = s.nextDue();
            longerThanThePeriod += Duration.between(fire, due).getSeconds() >= 65 ? 1 : 0;
            clock.set(due);
            logged.addAll(LoggedMessages.during(Scheduler.class, s::tick));
            assertThat(s.runPending()).as("the run due at %s (fire time %s)", due, fire).hasSize(1);
        }
        assertThat(longerThanThePeriod).isGreaterThan(5);
        assertThat(logged).as("fire times passed during the jitter's wait are no stall").noneMatch(m -> m.contains("passed before"));
        assertThat(runner.calls).hasSize(30);
    }

    // ---- the clock set back -------------------------------------------------------------------------------------

    /**
     * A clock two days ahead (a wrong RTC) corrected by NTP while the daemon runs: the next fire time, computed on the
     * wrong clock, lay two days ahead of the real one, so two days went without a backup. As Vixie cron does for a
     * step back of more than 3 hours, the fire times are then computed again from the clock: the job runs at each
     * real 02:00, once.
     */
    @Test
    void aClockSetBackByDaysRunsTheJobAtItsNextRealFireTime() {
        clock.set(Instant.parse("2024-05-08T01:00:00Z")); // two days ahead
        Scheduler s = scheduler(job(JobId.DATABASE_BACKUP, "0 2 * * *"));
        s.start(true);
        tickEveryMinute(s, Instant.parse("2024-05-08T01:00:00Z"), Instant.parse("2024-05-08T03:00:00Z"));
        assertThat(runner.startsOf(JobId.DATABASE_BACKUP)).containsExactly(Instant.parse("2024-05-08T02:00:00Z"));

        tickEveryMinute(s, Instant.parse("2024-05-06T03:00:00Z"), Instant.parse("2024-05-08T03:00:00Z")); // corrected

        assertThat(runner.startsOf(JobId.DATABASE_BACKUP)).containsExactly(Instant.parse("2024-05-08T02:00:00Z"),
                Instant.parse("2024-05-07T02:00:00Z"), Instant.parse("2024-05-08T02:00:00Z"));
        assertThat(s.nextFire(JobId.DATABASE_BACKUP)).isEqualTo(Instant.parse("2024-05-09T02:00:00Z"));
    }

    /** A small step back (NTP correcting a few minutes) right after a run does not run the job again for its time. */
    @Test
    void aClockSetBackByMinutesAfterARunDoesNotRunItAgain() {
        Scheduler s = scheduler(job(JobId.DATABASE_BACKUP, "0 2 * * *"), job(JobId.BACKUP_ROTATION, "*/30 * * * *"));
        s.start(true);
        tickEveryMinute(s, at("01:00:00"), at("02:01:00"));
        assertThat(runner.startsOf(JobId.DATABASE_BACKUP)).containsExactly(at("02:00:00"));

        tickEveryMinute(s, at("01:51:00"), at("02:31:00")); // set back 10 minutes

        assertThat(runner.startsOf(JobId.DATABASE_BACKUP)).as("not twice").containsExactly(at("02:00:00"));
        assertThat(runner.startsOf(JobId.BACKUP_ROTATION)).as("the next times still come")
                .containsExactly(at("01:00:00"), at("01:30:00"), at("02:00:00"), at("02:30:00"));
    }

    // ---- coalescing ---------------------------------------------------------------------------------------------

    @Test
    void severalMissedFireTimesCoalesceIntoOneRunForTheLatest() throws Exception {
        Scheduler s = scheduler(job(JobId.DATABASE_BACKUP, "*/10 * * * *"));
        s.start(true);
        clock.set(at("00:54:00")); // 00:10 … 00:50 all passed unnoticed; the latest is within the grace
        assertThat(LoggedMessages.during(Scheduler.class, s::tick))
                .as("the fire times passed over are said, not dropped in silence")
                .contains("job database_backup: the fire times from 2024-05-06T00:10:00Z to 2024-05-06T00:50:00Z passed"
                        + " before they were noticed; they count as one, 2024-05-06T00:50:00Z");
        assertThat(s.runPending()).singleElement().extracting(Scheduler.RunOutcome::fireTime).isEqualTo(at("00:50:00"));
        assertThat(runner.calls).hasSize(1);
        assertThat(new StateStore(dir).load().get("database_backup").lastFireTime()).isEqualTo("2024-05-06T00:50:00Z");
        assertThat(s.nextFire(JobId.DATABASE_BACKUP)).isEqualTo(at("01:00:00"));
    }

    @Test
    void aFireTimeWhileTheSameJobIsQueuedJoinsTheQueuedRun() {
        Scheduler s = scheduler(job(JobId.DATABASE_BACKUP, "*/10 * * * *"));
        s.start(true);
        clock.set(at("00:10:00"));
        s.tick();
        clock.set(at("00:20:00"));
        s.tick();
        assertThat(s.pending()).hasSize(1);
        assertThat(s.runPending()).hasSize(1);
    }

    // ---- no overlap ---------------------------------------------------------------------------------------------

    @Test
    void fireTimesDuringTheJobsOwnRunAreSkipped() {
        runner.takes(JobId.DATABASE_BACKUP, Duration.ofMinutes(35)); // longer than the 10-minute interval
        Scheduler s = scheduler(job(JobId.DATABASE_BACKUP, "*/10 * * * *"));
        s.start(true);
        drive(s, at("02:00:00"));
        // 00:10-00:45 (00:20, 00:30, 00:40 skipped), 00:50-01:25 (01:00, 01:10, 01:20 skipped), 01:30-02:05
        assertThat(runner.startsOf(JobId.DATABASE_BACKUP)).containsExactly(at("00:10:00"), at("00:50:00"), at("01:30:00"));
        assertThat(runner.calls).allSatisfy(c -> assertThat(c.ended()).isAfter(c.started()));
        for (int i = 1; i < runner.calls.size(); i++) {
            assertThat(runner.calls.get(i).started()).as("never overlaps").isAfterOrEqualTo(runner.calls.get(i - 1).ended());
        }
    }

    @Test
    void fireTimesDuringTheJobsOwnRunAreSkippedAlsoWhenATickerTicksDuringTheRun() {
        // As in the daemon: the ticker thread keeps ticking (here: every simulated minute) while the worker runs the job.
        Scheduler[] holder = new Scheduler[1];
        AtomicInteger runs = new AtomicInteger();
        JobRunner ticking = job -> {
            runs.incrementAndGet();
            for (int minute = 0; minute < 35; minute++) {
                clock.advance(Duration.ofMinutes(1));
                holder[0].tick();
                assertThat(holder[0].pending()).as("nothing queued for the running job").isEmpty();
            }
            return "ok";
        };
        Scheduler s = scheduler(ticking, Duration.ZERO, job(JobId.DATABASE_BACKUP, "*/10 * * * *"));
        holder[0] = s;
        s.start(true);
        clock.set(at("00:10:00"));
        s.tick();
        // one run and no other (runPending() would run on for ever if each run queued the next)
        assertThat(s.runNext()).isNotNull();
        assertThat(s.runNext()).as("a run queued by the fire times during the run").isNull();
        assertThat(clock.instant()).isEqualTo(at("00:45:00"));
        assertThat(s.nextFire(JobId.DATABASE_BACKUP)).isEqualTo(at("00:50:00"));
        assertThat(runs).hasValue(1);
    }

    // ---- one at a time; delayed behind another job ---------------------------------------------------------------

    @Test
    void aJobDelayedBehindALongJobStillRunsEvenPastTheGrace() {
        runner.takes(JobId.FULL_BACKUP, Duration.ofHours(2)); // far longer than the 5-minute grace
        Scheduler s = scheduler(job(JobId.DATABASE_BACKUP, "0 3 * * *"), job(JobId.FULL_BACKUP, "0 3 * * *"),
                job(JobId.BACKUP_ROTATION, "30 3 * * *"));
        s.start(true);
        drive(s, at("06:00:00"));
        assertThat(runner.order()).containsExactly(JobId.DATABASE_BACKUP, JobId.FULL_BACKUP, JobId.BACKUP_ROTATION);
        assertThat(runner.startsOf(JobId.BACKUP_ROTATION)).as("due at 03:30 during the full backup; runs after it")
                .containsExactly(at("05:00:00"));
        assertThat(new StateStore(dir).load().get("backup_rotation").lastFireTime()).isEqualTo("2024-05-06T03:30:00Z");
    }

    @Test
    void aJobDelayedBehindALongJobStillRunsWhenATickerQueuedIt() {
        Scheduler[] holder = new Scheduler[1];
        RecordingRunner inner = runner;
        JobRunner ticking = job -> {
            if (job == JobId.FULL_BACKUP) {
                for (int minute = 0; minute < 120; minute++) {
                    clock.advance(Duration.ofMinutes(1));
                    holder[0].tick();
                }
            }
            return inner.run(job);
        };
        Scheduler s = scheduler(ticking, Duration.ZERO, job(JobId.FULL_BACKUP, "0 3 * * *"), job(JobId.BACKUP_ROTATION, "30 3 * * *"));
        holder[0] = s;
        s.start(true);
        drive(s, at("06:00:00"));
        assertThat(runner.order()).containsExactly(JobId.FULL_BACKUP, JobId.BACKUP_ROTATION);
    }

    @Test
    void jobsRunOneAtATimeEvenWhenSeveralThreadsCallRunNext() throws Exception {
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        JobRunner slow = job -> {
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            Thread.sleep(20);
            concurrent.decrementAndGet();
            return "ok";
        };
        Scheduler s = scheduler(slow, Duration.ZERO, job(JobId.DATABASE_BACKUP, "0 2 * * *"));
        s.start(false);
        for (int i = 0; i < 12; i++) {
            s.trigger(JobId.values()[i % 4]);
        }
        List<CompletableFuture<List<Scheduler.RunOutcome>>> workers = List.of(
                CompletableFuture.supplyAsync(s::runPending), CompletableFuture.supplyAsync(s::runPending),
                CompletableFuture.supplyAsync(s::runPending));
        int total = 0;
        for (var w : workers) {
            total += w.get(30, TimeUnit.SECONDS).size();
        }
        assertThat(total).isEqualTo(12);
        assertThat(maxConcurrent).hasValue(1);
    }

    // ---- catch-up after downtime ----------------------------------------------------------------------------------

    /**
     * A manual run that failed (a trigger, {@code run --once}) did none of the job's work: it is recorded as it
     * happened, but a fire time missed while the daemon was down is still caught up on the next start, as if the
     * manual run had not happened; a scheduled run aborted by the last shutdown still runs again.
     */
    @Test
    void aFailedManualRunDoesNotStopCatchUpOfAFireTimeMissedWhileDown() throws Exception {
        clock.set(Instant.parse("2024-05-09T10:00:00Z"));
        new StateStore(dir).save(JobId.DATABASE_BACKUP, new JobState("2024-05-06T02:00:00Z", "2024-05-06T02:00:03Z",
                "success", "db_backup_x", 3000L, Scheduler.SCHEDULE)); // three days ago
        new StateStore(dir).save(JobId.BACKUP_ROTATION, new JobState("2024-05-09T04:00:00Z", "2024-05-09T04:00:03Z",
                Scheduler.ABORTED, "aborted by shutdown", 3000L, Scheduler.SCHEDULE));
        runner.fails(JobId.DATABASE_BACKUP, new java.io.IOException("database is locked"))
                .fails(JobId.BACKUP_ROTATION, new java.io.IOException("disk full"));
        Scheduler once = scheduler(job(JobId.DATABASE_BACKUP, "0 2 * * *"), job(JobId.BACKUP_ROTATION, "0 4 * * *"));
        once.trigger(JobId.DATABASE_BACKUP);
        once.trigger(JobId.BACKUP_ROTATION);
        assertThat(once.runPending()).extracting(Scheduler.RunOutcome::outcome).containsOnly(Scheduler.FAILURE);
        JobState failed = new StateStore(dir).load().get("database_backup");
        assertThat(failed.lastOutcome()).isEqualTo("failure");
        assertThat(failed.trigger()).isEqualTo("manual");

        clock.set(Instant.parse("2024-05-09T10:05:00Z"));
        Scheduler daemon = scheduler(new RecordingRunner(clock), Duration.ZERO, job(JobId.DATABASE_BACKUP, "0 2 * * *"),
                job(JobId.BACKUP_ROTATION, "0 4 * * *"));
        daemon.start(true);
        assertThat(daemon.pending()).extracting(Scheduler.Run::job, Scheduler.Run::fireTime, Scheduler.Run::trigger)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(JobId.DATABASE_BACKUP, Instant.parse("2024-05-09T02:00:00Z"),
                                Scheduler.CATCH_UP),
                        org.assertj.core.groups.Tuple.tuple(JobId.BACKUP_ROTATION, Instant.parse("2024-05-09T04:00:00Z"),
                                Scheduler.CATCH_UP));
    }

    /** A failed manual run of a job with no state yet is kept as recorded: the job is watched from that run on. */
    @Test
    void aFailedManualRunOfAJobWithNoStateIsKeptAndWatchedFromThen() {
        clock.set(Instant.parse("2024-05-09T10:00:00Z"));
        runner.fails(JobId.DATABASE_BACKUP, new java.io.IOException("database is locked"));
        Scheduler once = scheduler(job(JobId.DATABASE_BACKUP, "0 2 * * *"));
        once.trigger(JobId.DATABASE_BACKUP);
        once.runPending();
        clock.set(Instant.parse("2024-05-11T10:00:00Z"));
        Scheduler daemon = scheduler(new RecordingRunner(clock), Duration.ZERO, job(JobId.DATABASE_BACKUP, "0 2 * * *"));
        daemon.start(true);
        assertThat(daemon.pending()).singleElement().satisfies(r ->
                assertThat(r.fireTime()).isEqualTo(Instant.parse("2024-05-11T02:00:00Z")));
        assertThat(new StateStore(dir).load().get("database_backup").lastOutcome()).isEqualTo("failure");
    }

    @Test
    void catchUpRunsAJobOnceWhenItsFireTimesPassedWhileDown() throws Exception {
        Instant now = Instant.parse("2024-05-09T10:00:00Z");
        clock.set(now);
        new StateStore(dir).save(JobId.DATABASE_BACKUP, new JobState("2024-05-06T02:00:00Z", "2024-05-06T02:00:03Z",
                "success", "db_backup_x", 3000L, Scheduler.SCHEDULE)); // three days ago
        Scheduler s = scheduler(job(JobId.DATABASE_BACKUP, "0 2 * * *"), job(JobId.BACKUP_ROTATION, "0 4 * * *"));
        s.start(true);
        assertThat(s.pending()).singleElement().satisfies(r -> {
            assertThat(r.job()).isEqualTo(JobId.DATABASE_BACKUP);
            assertThat(r.fireTime()).as("the latest missed fire time").isEqualTo(Instant.parse("2024-05-09T02:00:00Z"));
            assertThat(r.trigger()).isEqualTo(Scheduler.CATCH_UP);
        });
        assertThat(s.runPending()).hasSize(1);
        assertThat(runner.calls).as("one run, not three; rotation has no state and is not caught up").hasSize(1);
        assertThat(s.nextFire(JobId.DATABASE_BACKUP)).isEqualTo(Instant.parse("2024-05-10T02:00:00Z"));
        JobState state = new StateStore(dir).load().get("database_backup");
        assertThat(state.lastFireTime()).isEqualTo("2024-05-09T02:00:00Z");
        assertThat(state.lastOutcome()).isEqualTo("success");
        assertThat(state.trigger()).isEqualTo("catch_up");

        // A restart right after: nothing missed any more, so nothing runs.
        Scheduler again = scheduler(job(JobId.DATABASE_BACKUP, "0 2 * * *"));
        again.start(true);
        assertThat(again.pending()).isEmpty();
    }

    /** A fire time coalesced into a queued run, or skipped while its own job ran, passed while the daemon was up. */
    @Test
    void fireTimesCoalescedOrSkippedWhileUpAreNotCaughtUpByARestart() throws Exception {
        clock.set(at("01:59:00"));
        Scheduler[] s = new Scheduler[1];
        JobRunner longStorage = job -> {
            if (job == JobId.STORAGE_BACKUP) { // runs 02:00-02:25; the ticker goes on meanwhile
                for (String t : new String[] {"02:10:30", "02:20:30", "02:24:59"}) {
                    clock.set(at(t));
                    s[0].tick();
                }
                clock.set(at("02:25:00"));
            }
            return "ok";
        };
        s[0] = scheduler(longStorage, Duration.ZERO, job(JobId.STORAGE_BACKUP, "0,10,20 2 * * *"),
                job(JobId.DATABASE_BACKUP, "10,20 2 * * *"));
        s[0].start(true);
        clock.set(at("02:00:01"));
        s[0].tick();
        List<Scheduler.RunOutcome> ran = s[0].runPending();
        assertThat(ran).extracting(Scheduler.RunOutcome::job).containsExactly(JobId.STORAGE_BACKUP, JobId.DATABASE_BACKUP);
        assertThat(ran.get(1).fireTime()).as("coalesced: one run, for the latest fire time").isEqualTo(at("02:20:00"));

        clock.set(at("02:40:00"));
        Scheduler restarted = scheduler(job(JobId.STORAGE_BACKUP, "0,10,20 2 * * *"), job(JobId.DATABASE_BACKUP, "10,20 2 * * *"));
        restarted.start(true);
        assertThat(restarted.pending()).as("nothing passed while the daemon was down").isEmpty();
    }

    /** systemd's Persistent=true: a job watched since the daemon's start catches up a fire time missed while down. */
    @Test
    void aJobThatNeverRanCatchesUpAFireTimeMissedSinceTheDaemonFirstWatchedIt() throws Exception {
        clock.set(at("01:00:00"));
        scheduler(job(JobId.DATABASE_BACKUP, "0 2 * * *")).start(true); // stopped before 02:00
        assertThat(new StateStore(dir).load().get("database_backup").seenThrough()).isEqualTo("2024-05-06T01:00:00Z");

        clock.set(at("02:30:00"));
        Scheduler restarted = scheduler(job(JobId.DATABASE_BACKUP, "0 2 * * *"));
        restarted.start(true);
        assertThat(restarted.pending()).singleElement().satisfies(r -> {
            assertThat(r.fireTime()).isEqualTo(at("02:00:00"));
            assertThat(r.trigger()).isEqualTo(Scheduler.CATCH_UP);
        });
    }

    @Test
    void withoutCatchUpNothingRunsOnStart() throws Exception {
        clock.set(Instant.parse("2024-05-09T10:00:00Z"));
        new StateStore(dir).save(JobId.DATABASE_BACKUP, new JobState("2024-05-06T02:00:00Z", null, "success", null, 1L, null));
        Scheduler s = scheduler(job(JobId.DATABASE_BACKUP, "0 2 * * *"));
        s.start(false);
        assertThat(s.pending()).isEmpty();
        assertThat(s.runPending()).isEmpty();
        assertThat(runner.calls).isEmpty();
        // what it let pass is recorded: a later start with catch-up does not run it after all
        assertThat(new StateStore(dir).load().get("database_backup").seenThrough()).isEqualTo("2024-05-09T02:00:00Z");
        assertThat(new StateStore(dir).load().get("database_backup").lastFireTime()).isEqualTo("2024-05-06T02:00:00Z");
        Scheduler again = scheduler(job(JobId.DATABASE_BACKUP, "0 2 * * *"));
        again.start(true);
        assertThat(again.pending()).isEmpty();
    }

    @Test
    void withoutCatchUpAnAbortedRunIsLetPassTooAndNotRunByALaterStartWithCatchUp() throws Exception {
        clock.set(at("02:30:00"));
        new StateStore(dir).save(JobId.DATABASE_BACKUP, new JobState(at("02:00:00").toString(), null, Scheduler.ABORTED,
                "aborted by the shutdown", 1L, Scheduler.SCHEDULE));
        Scheduler s = scheduler(job(JobId.DATABASE_BACKUP, "0 2 * * *"));
        s.start(false);
        assertThat(s.pending()).isEmpty();
        assertThat(new StateStore(dir).load().get("database_backup").seenThrough()).isEqualTo(at("02:00:00").toString());

        clock.set(at("05:00:00"));
        Scheduler again = scheduler(job(JobId.DATABASE_BACKUP, "0 2 * * *"));
        again.start(true);
        assertThat(again.pending()).as("let pass on purpose, not rerun hours later").isEmpty();
    }

    @Test
    void catchUpSkipsJobsThatMissedNothingAndDisabledJobs() throws Exception {
        clock.set(Instant.parse("2024-05-09T10:00:00Z"));
        StateStore store = new StateStore(dir);
        store.save(JobId.DATABASE_BACKUP, new JobState("2024-05-09T02:00:00Z", null, "failure", "disk full", 1L, "schedule"));
        store.save(JobId.STORAGE_BACKUP, new JobState("2024-05-01T03:00:00Z", null, "success", null, 1L, "schedule"));
        Scheduler s = scheduler(job(JobId.DATABASE_BACKUP, "0 2 * * *"),
                new Job(JobId.STORAGE_BACKUP, CronExpression.parse("0 3 * * 0"), false));
        s.start(true);
        assertThat(s.pending()).as("a failed run is not retried; a disabled job is not caught up").isEmpty();
    }

    @Test
    void aScheduledRunAbortedByShutdownRunsAgainOnStartButAnAbortedManualRunDoesNot() throws Exception {
        clock.set(Instant.parse("2024-05-09T02:30:00Z"));
        StateStore store = new StateStore(dir);
        store.save(JobId.DATABASE_BACKUP, new JobState("2024-05-09T02:00:00Z", null, "aborted", "aborted by shutdown", 1L, "schedule"));
        store.save(JobId.BACKUP_ROTATION, new JobState("2024-05-09T02:10:00Z", null, "aborted", "aborted by shutdown", 1L, "manual"));
        Scheduler s = scheduler(job(JobId.DATABASE_BACKUP, "0 2 * * *"), job(JobId.BACKUP_ROTATION, "0 4 * * *"));
        s.start(true);
        assertThat(s.pending()).singleElement().satisfies(r -> {
            assertThat(r.job()).isEqualTo(JobId.DATABASE_BACKUP);
            assertThat(r.fireTime()).isEqualTo(Instant.parse("2024-05-09T02:00:00Z"));
        });
    }

    @Test
    void anInterruptedRunIsRecordedAsAbortedAndKeepsTheInterrupt() {
        JobRunner interrupted = job -> {
            throw new InterruptedException("stop");
        };
        Scheduler s = scheduler(interrupted, Duration.ZERO, job(JobId.DATABASE_BACKUP, "0 2 * * *"));
        s.start(true);
        clock.set(at("02:00:00"));
        s.tick();
        Scheduler.RunOutcome o = s.runNext();
        assertThat(Thread.interrupted()).as("interrupt status kept for the caller (and cleared here)").isTrue();
        assertThat(o.outcome()).isEqualTo("aborted");
        assertThat(new StateStore(dir).load().get("database_backup").lastOutcome()).as("state written despite the interrupt")
                .isEqualTo("aborted");
    }

    // ---- failures, manual runs, shutdown --------------------------------------------------------------------------

    @Test
    void aFailingJobIsRecordedAndTheNextJobStillRuns() {
        runner.fails(JobId.DATABASE_BACKUP, new IllegalStateException("database locked"));
        JobRunner withError = job -> {
            if (job == JobId.FULL_BACKUP) {
                throw new AssertionError("a bug");
            }
            return runner.run(job);
        };
        Scheduler s = scheduler(withError, Duration.ZERO, job(JobId.DATABASE_BACKUP, "0 2 * * *"),
                job(JobId.FULL_BACKUP, "0 2 * * *"), job(JobId.BACKUP_ROTATION, "0 2 * * *"));
        s.start(true);
        clock.set(at("02:00:00"));
        s.tick();
        List<Scheduler.RunOutcome> outcomes = s.runPending();
        assertThat(outcomes).extracting(Scheduler.RunOutcome::outcome).containsExactly("failure", "failure", "success");
        assertThat(outcomes.get(0).message()).isEqualTo("database locked");
        assertThat(outcomes.get(1).message()).contains("a bug");
        assertThat(s.running()).isNull();
        assertThat(new StateStore(dir).load()).containsOnlyKeys("database_backup", "full_backup", "backup_rotation");
    }

    @Test
    void aManualTriggerRunsNowAndIsRecordedAsManual() throws Exception {
        Scheduler s = scheduler(job(JobId.DATABASE_BACKUP, "0 2 * * *"));
        s.start(true);
        clock.set(at("11:11:00"));
        CompletableFuture<Scheduler.RunOutcome> f = s.trigger(JobId.STORAGE_BACKUP);
        s.runPending();
        assertThat(f.get().job()).isEqualTo(JobId.STORAGE_BACKUP);
        assertThat(new StateStore(dir).load().get("storage_backup"))
                .extracting(JobState::lastFireTime, JobState::trigger).containsExactly("2024-05-06T11:11:00Z", "manual");
    }

    @Test
    void afterShutdownNothingNewStarts() {
        Scheduler s = scheduler(job(JobId.DATABASE_BACKUP, "0 2 * * *"));
        s.start(true);
        CompletableFuture<Scheduler.RunOutcome> queued = s.trigger(JobId.DATABASE_BACKUP);
        s.shutdown();
        assertThat(queued).isCancelled();
        clock.set(at("02:00:00"));
        s.tick();
        assertThat(s.runPending()).isEmpty();
        assertThatThrownBy(() -> s.trigger(JobId.DATABASE_BACKUP)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> s.start(true)).isInstanceOf(IllegalStateException.class);
        assertThat(runner.calls).isEmpty();
    }

    @Test
    void aRunningJobFinishesAfterShutdownIsRequested() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        JobRunner blocking = job -> {
            started.countDown();
            release.await();
            return "done";
        };
        Scheduler s = scheduler(blocking, Duration.ZERO, job(JobId.DATABASE_BACKUP, "0 2 * * *"));
        s.start(true);
        s.trigger(JobId.DATABASE_BACKUP);
        s.trigger(JobId.BACKUP_ROTATION);
        CompletableFuture<Scheduler.RunOutcome> first = CompletableFuture.supplyAsync(s::runNext);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        s.shutdown();
        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS).outcome()).isEqualTo("success");
        assertThat(s.runPending()).as("the queued rotation was cancelled").isEmpty();
    }

    /** A ticker that notices the clock once a minute from {@code from} to {@code until}, running what is due. */
    private void tickEveryMinute(Scheduler s, Instant from, Instant until) {
        for (Instant t = from; !t.isAfter(until); t = t.plus(Duration.ofMinutes(1))) {
            clock.set(t);
            s.tick();
            s.runPending();
        }
    }

    /** The test driver: clock := next due time (unless a long run already moved it past); tick; run what is due. */
    private void drive(Scheduler s, Instant until) {
        for (int i = 0; i < 100_000; i++) {
            Instant due = s.nextDue();
            if (due == null || due.isAfter(until)) {
                return;
            }
            if (due.isAfter(clock.instant())) {
                clock.set(due);
            }
            s.tick();
            // what is due, as runPending() runs it, but a bounded number of runs: with an overlap let through, each
            // run queues the next (a fire time comes during every run) and runPending() would run the clock on for ever
            for (int runs = 0; s.runNext() != null; runs++) {
                if (runs == 1_000) {
                    throw new AssertionError("runs kept queuing runs, up to " + clock.instant());
                }
            }
        }
        throw new AssertionError("did not finish");
    }
}
