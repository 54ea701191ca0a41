package dev.archivist.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link JobRunner} that records which job ran at which clock instant and, to simulate long jobs, can advance the
 * settable clock while a job "runs" (as if the job took that long).
 */
final class RecordingRunner implements JobRunner {
    /** One recorded run: the job and the clock's time when it started and ended. */
    record Call(JobId job, Instant started, Instant ended) {
    }

    private final MutableClock clock;
    private final Map<JobId, Duration> durations = new EnumMap<>(JobId.class);
    private final Map<JobId, Exception> failures = new EnumMap<>(JobId.class);
    final List<Call> calls = new ArrayList<>();

    RecordingRunner(MutableClock clock) {
        this.clock = clock;
    }

    /** Each run of {@code job} advances the clock by {@code d}. */
    RecordingRunner takes(JobId job, Duration d) {
        durations.put(job, d);
        return this;
    }

    /** Each run of {@code job} throws {@code e}. */
    RecordingRunner fails(JobId job, Exception e) {
        failures.put(job, e);
        return this;
    }

    @Override
    public String run(JobId job) throws Exception {
        Instant start = clock.instant();
        clock.advance(durations.getOrDefault(job, Duration.ZERO));
        calls.add(new Call(job, start, clock.instant()));
        if (failures.containsKey(job)) {
            throw failures.get(job);
        }
        return "ran " + job.id();
    }

    List<Instant> startsOf(JobId job) {
        return calls.stream().filter(c -> c.job() == job).map(Call::started).toList();
    }

    List<JobId> order() {
        return calls.stream().map(Call::job).toList();
    }
}
