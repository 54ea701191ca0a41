package dev.archivist.schedule;

/**
 * A cron expression that cannot be parsed. The message names the offending field and token,
 * e.g. {@code day-of-week: '8' out of range 0-7}.
 */
public final class CronParseException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public CronParseException(String message) {
        super(message);
    }

    static CronParseException inField(CronField field, String detail) {
        return new CronParseException(field.label() + ": " + detail);
    }
}
