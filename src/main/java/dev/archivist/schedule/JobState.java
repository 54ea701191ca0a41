package dev.archivist.schedule;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * What the scheduler remembers of a job across restarts: the last fire time it ran for, when that run ended, its
 * outcome ({@code success}, {@code failure}, {@code aborted}), a one-line message, how long it took and what started it
 * ({@code schedule}, {@code catch_up} or {@code manual}; null in files written before the field existed).
 *
 * <p>Catch-up after downtime starts from {@code lastFireTime}: the next cron fire time after it that has passed runs
 * once. A scheduled run that was {@code aborted} by a shutdown did not do its work, so its own fire time counts as
 * missed and runs again on the next start.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobState(String lastFireTime, String lastEndTime, String lastOutcome, String lastMessage, Long lastDurationMs,
                       String trigger) {

    /** Whether the run this state records must run again (an aborted scheduled or catch-up run). */
    boolean needsRerun() {
        return Scheduler.ABORTED.equals(lastOutcome) && !Scheduler.MANUAL.equals(trigger);
    }
}
