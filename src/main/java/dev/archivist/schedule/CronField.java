package dev.archivist.schedule;

import java.util.List;
import java.util.Locale;

/** The five fields of a cron expression, in order, with their value ranges and names. */
enum CronField {
    MINUTE("minute", 0, 59, List.of()),
    HOUR("hour", 0, 23, List.of()),
    DAY_OF_MONTH("day-of-month", 1, 31, List.of()),
    MONTH("month", 1, 12,
            List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")),
    DAY_OF_WEEK("day-of-week", 0, 7, List.of("sun", "mon", "tue", "wed", "thu", "fri", "sat"));

    private final String label;
    private final int min;
    private final int max;
    /** Three-letter names; the first stands for {@link #min}. */
    private final List<String> names;

    CronField(String label, int min, int max, List<String> names) {
        this.label = label;
        this.min = min;
        this.max = max;
        this.names = names;
    }

    String label() {
        return label;
    }

    int min() {
        return min;
    }

    int max() {
        return max;
    }

    /** The value of a number or (case-insensitive) name token. */
    int value(String token) {
        if (isNumber(token)) {
            int value = token.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(token);
            if (value < min || value > max) {
                throw CronParseException.inField(this, "'" + token + "' out of range " + min + "-" + max);
            }
            return value;
        }
        int index = names.indexOf(token.toLowerCase(Locale.ROOT));
        if (index < 0) {
            String expected = names.isEmpty()
                    ? "a number " + min + "-" + max
                    : "a number " + min + "-" + max + " or a name " + names.get(0) + "-" + names.get(names.size() - 1);
            throw CronParseException.inField(this, "'" + token + "' is not " + expected);
        }
        return min + index;
    }

    /**
     * True for a non-empty run of ASCII digits. {@link Character#isDigit} and {@link Integer#parseInt} also take other
     * scripts' digits ({@code '\u0663'}, ARABIC-INDIC DIGIT THREE, reads as 3); cron reads only {@code 0-9}.
     */
    static boolean isNumber(String token) {
        return !token.isEmpty() && token.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** Maps a value to the bit that stands for it: day-of-week 7 is Sunday, like 0. */
    int normalize(int value) {
        return this == DAY_OF_WEEK && value == 7 ? 0 : value;
    }
}
