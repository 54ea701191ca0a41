package dev.archivist.retention;

import java.time.Instant;
import java.time.ZoneId;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A restic-style keep-within duration such as {@code 2y5m7d3h}: calendar years, months and days, then hours.
 * Calendar units are subtracted in the planning zone, so "1m" back from 31 March is 28/29 February.
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

    /** The instant this duration before {@code reference}, calendar units counted in {@code zone}. */
    public Instant cutoff(Instant reference, ZoneId zone) {
        return reference.atZone(zone)
                .minusYears(years).minusMonths(months).minusDays(days)
                .minusHours(hours)
                .toInstant();
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
