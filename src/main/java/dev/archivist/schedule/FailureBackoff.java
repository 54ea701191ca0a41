package dev.archivist.schedule;

import java.time.Duration;

/**
 * How long a scheduler thread waits after a failure that it survives (a tick or a job runner that threw), so that a
 * failure that recurs at every turn (a class the JVM can no longer load, a bug) costs a log line per wait, not a hundred
 * a second: 1 s after the first failure, doubling up to a minute, back to nothing after a turn that succeeds.
 */
final class FailureBackoff {
    static final Duration FIRST = Duration.ofSeconds(1);
    static final Duration LONGEST = Duration.ofMinutes(1);

    private int failures;

    /** Records a failure; returns how long to wait before the next turn. */
    Duration failed() {
        failures = Math.min(failures + 1, 30);
        long millis = FIRST.toMillis() << Math.min(failures - 1, 16);
        return Duration.ofMillis(Math.min(millis, LONGEST.toMillis()));
    }

    /** A turn succeeded: the next failure waits {@link #FIRST} again. */
    void succeeded() {
        failures = 0;
    }

    /** How many failures in a row so far. */
    int failuresInARow() {
        return failures;
    }
}
