package dev.archivist.retention;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * How many backups of each type to keep.
 *
 * <p>Without any keep-* option the newest {@code maxBackups} of each type are kept. When any keep-* option is set
 * ({@link #isGfs()}) the keep-* options replace {@code maxBackups}, with the meaning of restic's
 * {@code forget --keep-last/-hourly/-daily/-weekly/-monthly/-yearly/-within}. A keep-* count is positive,
 * {@link #UNLIMITED} (-1) to keep one backup for every bucket, or 0, which turns its rule off as in restic (the same as
 * leaving it out).
 */
public record RetentionPolicy(
        int maxBackups,
        OptionalInt keepLast,
        OptionalInt keepHourly,
        OptionalInt keepDaily,
        OptionalInt keepWeekly,
        OptionalInt keepMonthly,
        OptionalInt keepYearly,
        Optional<KeepWithin> keepWithin) {

    /** A keep-* count meaning "no limit", as restic's {@code -1}. */
    public static final int UNLIMITED = -1;

    public RetentionPolicy {
        if (maxBackups < 1) {
            throw new IllegalArgumentException("MAX_BACKUPS must be at least 1, got " + maxBackups);
        }
        keepLast = checked("keep-last", keepLast);
        keepHourly = checked("keep-hourly", keepHourly);
        keepDaily = checked("keep-daily", keepDaily);
        keepWeekly = checked("keep-weekly", keepWeekly);
        keepMonthly = checked("keep-monthly", keepMonthly);
        keepYearly = checked("keep-yearly", keepYearly);
        keepWithin = keepWithin == null ? Optional.empty() : keepWithin;
    }

    /** Keep the newest {@code maxBackups} of each type, no GFS. */
    public static RetentionPolicy ofMaxBackups(int maxBackups) {
        OptionalInt none = OptionalInt.empty();
        return new RetentionPolicy(maxBackups, none, none, none, none, none, none, Optional.empty());
    }

    /** Parses a restic-style keep-within duration such as {@code 2y5m7d3h}; see {@link KeepWithin#parse}. */
    public static KeepWithin parseKeepWithin(String text) {
        return KeepWithin.parse(text);
    }

    /** Whether any keep-* option is set; then they replace {@code maxBackups}. */
    public boolean isGfs() {
        return keepLast.isPresent() || keepHourly.isPresent() || keepDaily.isPresent() || keepWeekly.isPresent()
                || keepMonthly.isPresent() || keepYearly.isPresent() || keepWithin.isPresent();
    }

    public RetentionPolicy withKeepLast(int n) {
        return new RetentionPolicy(maxBackups, OptionalInt.of(n), keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly, keepWithin);
    }

    public RetentionPolicy withKeepHourly(int n) {
        return new RetentionPolicy(maxBackups, keepLast, OptionalInt.of(n), keepDaily, keepWeekly, keepMonthly, keepYearly, keepWithin);
    }

    public RetentionPolicy withKeepDaily(int n) {
        return new RetentionPolicy(maxBackups, keepLast, keepHourly, OptionalInt.of(n), keepWeekly, keepMonthly, keepYearly, keepWithin);
    }

    public RetentionPolicy withKeepWeekly(int n) {
        return new RetentionPolicy(maxBackups, keepLast, keepHourly, keepDaily, OptionalInt.of(n), keepMonthly, keepYearly, keepWithin);
    }

    public RetentionPolicy withKeepMonthly(int n) {
        return new RetentionPolicy(maxBackups, keepLast, keepHourly, keepDaily, keepWeekly, OptionalInt.of(n), keepYearly, keepWithin);
    }

    public RetentionPolicy withKeepYearly(int n) {
        return new RetentionPolicy(maxBackups, keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, OptionalInt.of(n), keepWithin);
    }

    public RetentionPolicy withKeepWithin(KeepWithin within) {
        return new RetentionPolicy(maxBackups, keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly, Optional.of(within));
    }

    private static OptionalInt checked(String name, OptionalInt count) {
        if (count == null) {
            return OptionalInt.empty();
        }
        if (count.isPresent() && count.getAsInt() < 0 && count.getAsInt() != UNLIMITED) {
            throw new IllegalArgumentException(name + " must be 0 (off), at least 1, or -1 (unlimited), got " + count.getAsInt());
        }
        return count.isPresent() && count.getAsInt() == 0 ? OptionalInt.empty() : count;
    }
}
