package dev.archivist.retention;

import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;

/** The time buckets of GFS retention, each naming the bucket a local time falls in (restic's bucket functions). */
enum GfsBucket {
    LAST("last"),
    HOURLY("hourly"),
    DAILY("daily"),
    WEEKLY("weekly"),
    MONTHLY("monthly"),
    YEARLY("yearly");

    private final String label;

    GfsBucket(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /** The bucket of a backup at local time {@code t}, {@code position} being its 1-based rank, newest first. */
    String key(ZonedDateTime t, int position) {
        return switch (this) {
            case LAST -> Integer.toString(position);
            case HOURLY -> String.format("%04d-%02d-%02d %02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour());
            case DAILY -> String.format("%04d-%02d-%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth());
            case WEEKLY -> String.format("%04d-W%02d", t.get(IsoFields.WEEK_BASED_YEAR), t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            case MONTHLY -> String.format("%04d-%02d", t.getYear(), t.getMonthValue());
            case YEARLY -> String.format("%04d", t.getYear());
        };
    }
}
