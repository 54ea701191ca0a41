package dev.archivist.schedule;

/** A scheduled job: which one, its cron expression, and whether it is enabled. */
public record Job(JobId id, CronExpression cron, boolean enabled) {
}
