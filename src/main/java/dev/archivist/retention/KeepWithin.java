package dev.archivist.retention;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A restic-style keep-within duration such as {@code 2y5m7d3h}: calendar years, months and days, then hours.
 * The cutoff is computed as restic computes it, with Go's {@code time.AddDate} in the planning zone: years, months and
 * days are subtracted from the date's fields at once and an overflowing day rolls over into the next month, so "1m"
 * back from 31 March is "31 February", which is 3 March (2 March in a leap year), and "1y" back from 29 February 2024 is
 * 1 March 2023; hours are then subtracted as elapsed time.
 */
public record KeepWithin(int years, int months, int days, int hours) {

    private static final Pattern PART = Pattern.compile("(\\d+)([ymdh])");

    public KeepWithin {
        if (years < 0 || months < 0 || days < 0 || hours < 0) {
            throw new IllegalArgumentException("keep-within parts must not be negative: " + years + "y" + months + "m"
                    + days + "d" + hours + "h");
        }
        if (years == 0 && months == 0 && days == 0 && hours == 0) {
            throw new IllegalArgumentException("keep-within duration must be longer than zero");
        }
    }

    /**
     * Parses {@code <n>y<n>m<n>d<n>h} with any non-empty subset of the units, each at most once, in any order
     * (as restic's {@code --keep-within}).
     *
     * @throws IllegalArgumentException naming the bad value when the text is not such a duration
     */
    public static KeepWithin parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("invalid keep-within duration '" + text + "': empty (expected e.g. 7d or 2y5m7d3h)");
        }
        String s = text.trim();
        int[] values = {-1, -1, -1, -1};
        Matcher m = PART.matcher(s);
        int at = 0;
        while (at < s.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException("invalid keep-within duration '" + text
                        + "': expected <number><unit> parts with units y, m, d, h (e.g. 7d or 2y5m7d3h)");
            }
            int slot = "ymdh".indexOf(m.group(2));
            if (values[slot] >= 0) {
                throw new IllegalArgumentException("invalid keep-within duration '" + text + "': unit '"
                        + m.group(2) + "' given twice");
            }
            try {
                values[slot] = Integer.parseInt(m.group(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid keep-within duration '" + text + "': number '"
                        + m.group(1) + "' too large", e);
            }
            at = m.end();
        }
        try {
            return new KeepWithin(Math.max(values[0], 0), Math.max(values[1], 0), Math.max(values[2], 0),
                    Math.max(values[3], 0));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid keep-within duration '" + text + "': " + e.getMessage(), e);
        }
    }

    /**
     * The instant this duration before {@code reference}, calendar units counted in {@code zone} (restic's cutoff);
     * {@link Instant#MIN} for a duration reaching back beyond the calendar's range (a billion years), which keeps all.
     */
    public Instant cutoff(Instant reference, ZoneId zone) {
        LocalDateTime local = LocalDateTime.ofInstant(reference, zone);
        try {
            // Go's AddDate: Date(year-y, month-m, day-d, ...) normalised; counting months from the 1st never clamps a day
            LocalDate date = LocalDate.of(local.getYear(), 1, 1)
                    .minusYears(years)
                    .plusMonths(local.getMonthValue() - 1L - months)
                    .plusDays(local.getDayOfMonth() - 1L - days);
            return resolveAsGo(LocalDateTime.of(date, local.toLocalTime()), zone).minusSeconds(hours * 3600L);
        } catch (DateTimeException e) {
            return Instant.MIN;
        }
    }

    /**
     * The instant of a local time as Go's {@code time.Date} resolves it: the offset in force at the local time read as
     * UTC, unless the instant that gives falls outside that offset's period; then the offset in force at that instant.
     * In a gap or an overlap this differs from {@link java.time.ZonedDateTime}'s choice (e.g. New York: 02:30 on the
     * spring-forward day is 01:30 EST, not 03:30 EDT; 01:30 on the fall-back day is 01:30 EDT).
     */
    private static Instant resolveAsGo(LocalDateTime local, ZoneId zone) {
        ZoneRules rules = zone.getRules();
        long asUtc = local.toEpochSecond(ZoneOffset.UTC);
        ZoneOffset guess = rules.getOffset(Instant.ofEpochSecond(asUtc));
        ZoneOffset offset = rules.getOffset(Instant.ofEpochSecond(asUtc - guess.getTotalSeconds()));
        return Instant.ofEpochSecond(asUtc - offset.getTotalSeconds(), local.getNano());
    }

    /** The canonical text, e.g. {@code 2y5m7d3h}; zero units are left out. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        if (years > 0) b.append(years).append('y');
        if (months > 0) b.append(months).append('m');
        if (days > 0) b.append(days).append('d');
        if (hours > 0) b.append(hours).append('h');
        return b.toString();
    }
}
