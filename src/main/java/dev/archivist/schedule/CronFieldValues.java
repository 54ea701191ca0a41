package dev.archivist.schedule;

/**
 * The values one cron field allows, as a bit set, and whether the field was written starting
 * with {@code *} (which matters for the day-of-month/day-of-week rule and the DST policy).
 */
record CronFieldValues(long bits, boolean star) {

    boolean contains(int value) {
        return (bits >>> value & 1L) != 0;
    }

    /** The smallest allowed value at or above {@code from}, or -1 if there is none. */
    int next(int from) {
        if (from > 63) {
            return -1;
        }
        long rest = bits & (-1L << from);
        return rest == 0 ? -1 : Long.numberOfTrailingZeros(rest);
    }
}
