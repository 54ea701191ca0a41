package dev.archivist.schedule;

/**
 * Parses one field of a cron expression: {@code *}, numbers, names, lists {@code a,b},
 * ranges {@code a-b} and steps <code>*&#47;n</code>, {@code a-b/n} or {@code a/n} (from a to the field's end).
 */
final class CronFieldParser {

    private CronFieldParser() {
    }

    static CronFieldValues parse(CronField field, String token) {
        long bits = 0;
        for (String element : token.split(",", -1)) {
            bits |= parseElement(field, element);
        }
        return new CronFieldValues(bits, token.startsWith("*"));
    }

    private static long parseElement(CronField field, String element) {
        if (element.isEmpty()) {
            throw CronParseException.inField(field, "empty list element");
        }
        int slash = element.indexOf('/');
        String range = slash < 0 ? element : element.substring(0, slash);
        int step = slash < 0 ? 1 : step(field, element.substring(slash + 1));
        int low;
        int high;
        if (range.equals("*")) {
            low = field.min();
            high = field.max();
        } else {
            int dash = range.indexOf('-');
            if (dash < 0) {
                low = field.value(range);
                // a/n runs from a to the field's end, as APScheduler (the original's parser) and cronie read it
                high = slash >= 0 ? field.max() : low;
            } else if (dash == 0 || dash == range.length() - 1) {
                throw CronParseException.inField(field, "'" + range + "' is not a range (write 'a-b')");
            } else {
                low = field.value(range.substring(0, dash));
                high = field.value(range.substring(dash + 1));
                if (field == CronField.DAY_OF_WEEK && high == 0 && low > 0) {
                    high = 7; // sat-sun, mon-sun: Sunday ends the range as 7 (APScheduler read them so; crontab writes 6-7)
                }
                if (low > high) {
                    throw CronParseException.inField(field, "'" + range + "' starts after it ends");
                }
            }
        }
        long bits = 0;
        for (int value = low; value <= high; value += step) {
            bits |= 1L << field.normalize(value);
        }
        return bits;
    }

    private static int step(CronField field, String text) {
        int span = field.max() - field.min() + 1;
        boolean digits = text.length() <= 9 && CronField.isNumber(text);
        int step = digits ? Integer.parseInt(text) : 0;
        if (step < 1 || step > span) {
            throw CronParseException.inField(field, "step '" + text + "' out of range 1-" + span);
        }
        return step;
    }
}
