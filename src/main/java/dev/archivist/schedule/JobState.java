package dev.archivist.schedule;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * What the scheduler remembers of a job across restarts: the last fire time it ran for, when that run ended, its
 * outcome ({@code success}, {@code failure}, {@code aborted}) and a one-line message.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record JobState(String lastFireTime, String lastEndTime, String lastOutcome, String lastMessage, Long lastDurationMs) {
}
