package dev.archivist.schedule;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * What the scheduler remembers of a job across restarts: the last fire time it ran for, when that run ended, its
 * outcome ({@code success}, {@code failure}, {@code aborted}), a one-line message, how long it took and what started it
 * ({@code schedule}, {@code catch_up} or {@code manual}; null in files written before the field existed), and the latest
 * fire time the daemon saw and let pass on purpose, or since when it has watched a job that never ran
 * ({@code seenThrough}).
 *
 * <p>Catch-up after downtime starts from the later of {@code lastFireTime} and {@code seenThrough}: the next cron fire
 * time after it that has passed runs once. A manual run that failed or was aborted covers no fire time: its record keeps
 * the earlier start of catch-up in {@code seenThrough}, and catch-up starts there ({@link #afterUnsuccessfulManual}). A scheduled run that was {@code aborted} by a shutdown did not do its work,
 * so its own fire time counts as missed and runs again on the next start.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobState(String lastFireTime, String lastEndTime, String lastOutcome, String lastMessage, Long lastDurationMs,
                       String trigger, String seenThrough) {

    /** A state without {@code seenThrough}, as files written before the field existed hold. */
    public JobState(String lastFireTime, String lastEndTime, String lastOutcome, String lastMessage, Long lastDurationMs,
                    String trigger) {
        this(lastFireTime, lastEndTime, lastOutcome, lastMessage, lastDurationMs, trigger, null);
    }

    /** A job the daemon has watched since {@code since} without running it yet. */
    static JobState watchedSince(java.time.Instant since) {
        return new JobState(null, null, null, null, null, null, since.toString());
    }

    /** This state with {@code seenThrough} set to {@code fire}. */
    JobState seenThrough(java.time.Instant fire) {
        return new JobState(lastFireTime, lastEndTime, lastOutcome, lastMessage, lastDurationMs, trigger, fire.toString());
    }

    /**
     * Where catch-up starts: the later of the last fire time run and the last one the daemon saw and let pass on
     * purpose (skipped as a run of the job was still going, or noticed too late); null when neither is known.
     */
    String catchUpFrom() {
        if (unsuccessfulManual() && seenThrough != null) { // its run time covers no fire time: see afterUnsuccessfulManual
            return seenThrough;
        }
        if (lastFireTime == null || seenThrough == null) {
            return lastFireTime != null ? lastFireTime : seenThrough;
        }
        try {
            return java.time.Instant.parse(seenThrough).isAfter(java.time.Instant.parse(lastFireTime)) ? seenThrough
                    : lastFireTime;
        } catch (java.time.format.DateTimeParseException e) {
            return lastFireTime;
        }
    }

    /** Whether this records a manual run that failed or was aborted. */
    private boolean unsuccessfulManual() {
        return Scheduler.MANUAL.equals(trigger) && lastOutcome != null && !Scheduler.SUCCESS.equals(lastOutcome);
    }

    /**
     * This record of a manual run that failed or was aborted, keeping where catch-up starts as {@code before} (the
     * job's state before the run) had it, in {@code seenThrough}: the run did none of the job's work, so a fire time
     * missed while the daemon was down is still caught up, and a scheduled run aborted by a shutdown still runs again.
     * A fire time let pass during the run ({@code seenThrough} already set) counts if later. With no state before,
     * the job counts as watched from the manual run on.
     */
    JobState afterUnsuccessfulManual(JobState before) {
        String from = lastFireTime;
        if (before != null && before.needsRerun()) {
            // just before the aborted fire time, so that the next fire time after it is that very one
            from = parsedOr(before.lastFireTime, java.time.Instant.parse(lastFireTime)).minusMillis(1).toString();
        } else if (before != null && before.catchUpFrom() != null) {
            from = before.catchUpFrom();
        }
        if (seenThrough != null && parsedOr(seenThrough, java.time.Instant.MIN)
                .isAfter(parsedOr(from, java.time.Instant.MIN))) {
            from = seenThrough;
        }
        return new JobState(lastFireTime, lastEndTime, lastOutcome, lastMessage, lastDurationMs, trigger, from);
    }

    private static java.time.Instant parsedOr(String instant, java.time.Instant otherwise) {
        try {
            return java.time.Instant.parse(instant);
        } catch (java.time.format.DateTimeParseException | NullPointerException e) {
            return otherwise;
        }
    }

    /**
     * Whether the run this state records must run again (an aborted scheduled or catch-up run), unless a start without
     * catch-up let its fire time pass on purpose.
     */
    boolean needsRerun() {
        if (!Scheduler.ABORTED.equals(lastOutcome) || Scheduler.MANUAL.equals(trigger) || lastFireTime == null) {
            return false; // without its fire time (unreadable in the state file) there is no run to repeat
        }
        try {
            return seenThrough == null || java.time.Instant.parse(seenThrough).isBefore(java.time.Instant.parse(lastFireTime));
        } catch (java.time.format.DateTimeParseException e) {
            return true;
        }
    }
}
