package dev.archivist.schedule;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.List;
import java.util.Objects;

/**
 * A Unix cron expression with the semantics of Vixie cron ({@code man 5 crontab}).
 *
 * <p>Five fields: minute (0-59), hour (0-23), day-of-month (1-31), month (1-12 or jan-dec) and
 * day-of-week (0-7 or sun-sat, 0 and 7 both Sunday). Each field is {@code *}, a number or name,
 * a range {@code a-b}, a step <code>*&#47;n</code> or {@code a-b/n}, or a comma list of these;
 * names are case-insensitive. The macros {@code @yearly @annually @monthly @weekly @daily
 * @midnight @hourly} stand for their usual fields; {@code @reboot} is rejected.
 *
 * <p><b>Day rule.</b> If both day-of-month and day-of-week are restricted (neither field starts
 * with {@code *}), a day matches when <em>either</em> matches ({@code 30 4 1,15 * 5}: the 1st,
 * the 15th and every Friday). If either field starts with {@code *}, both must match; so
 * <code>0 0 1 * *&#47;2</code> fires only on a 1st that falls on Sunday, Tuesday, Thursday or Saturday.
 *
 * <p><b>Daylight saving.</b> Times are evaluated on the wall clock of the zone given to
 * {@link #next(ZonedDateTime)}. A job whose minute and hour fields are both fixed (neither
 * starts with {@code *}, see {@link #isWallClock()}) runs once per matching local time: a time
 * skipped by a spring-forward gap runs at the end of the gap (the transition instant), and a
 * time repeated by a fall-back overlap runs only at its first occurrence. A wall-clock job (minute
 * or hour starts with {@code *}) follows the clock literally: times in a gap do not happen and
 * times in an overlap happen twice, once per offset.
 */
public final class CronExpression {

    private final String expression;
    private final CronTimetable timetable;
    private final boolean eitherDay;

    private CronExpression(String expression, CronTimetable timetable, boolean eitherDay) {
        this.expression = expression;
        this.timetable = timetable;
        this.eitherDay = eitherDay;
    }

    /**
     * Parses a five-field expression or a macro. Expressions that can never fire, such as
     * {@code 0 0 30 2 *}, are rejected here, so {@link #next} always finds a time.
     *
     * @throws CronParseException naming the field and token at fault
     */
    public static CronExpression parse(String expression) {
        String text = Objects.requireNonNull(expression, "expression").strip();
        String fields = text.startsWith("@") ? CronMacros.expand(text) : text;
        String[] tokens = fields.isEmpty() ? new String[0] : fields.split("\\s+");
        if (tokens.length != 5) {
            throw new CronParseException("expected 5 fields (minute hour day-of-month month day-of-week), got "
                    + tokens.length + " in '" + text + "'");
        }
        CronTimetable timetable = new CronTimetable(
                CronFieldParser.parse(CronField.MINUTE, tokens[0]),
                CronFieldParser.parse(CronField.HOUR, tokens[1]),
                CronFieldParser.parse(CronField.DAY_OF_MONTH, tokens[2]),
                CronFieldParser.parse(CronField.MONTH, tokens[3]),
                CronFieldParser.parse(CronField.DAY_OF_WEEK, tokens[4]));
        if (!timetable.canMatch()) {
            throw CronParseException.inField(CronField.DAY_OF_MONTH,
                    "'" + tokens[2] + "' never occurs in month '" + tokens[3] + "'");
        }
        return new CronExpression(text, timetable, !tokens[2].startsWith("*") && !tokens[4].startsWith("*"));
    }

    /**
     * True if both day fields are restricted, so that a day matches when either does (Vixie cron's rule; APScheduler,
     * which the original used, required both).
     */
    public boolean eitherDayMatches() {
        return eitherDay;
    }

    /** The expression as written (surrounding whitespace removed). */
    public String expression() {
        return expression;
    }

    /**
     * True if the minute or hour field starts with {@code *}: the job follows the wall clock
     * through daylight-saving changes (skips gap times, repeats overlap times).
     */
    public boolean isWallClock() {
        return timetable.wallClock();
    }

    /** The first fire time strictly after {@code after}, in its zone. */
    public ZonedDateTime next(ZonedDateTime after) {
        ZoneId zone = after.getZone();
        ZoneRules rules = zone.getRules();
        Instant limit = after.toInstant();
        Instant best = null;
        // Local times are scanned in order; instants grow with them except the second pass of an
        // overlap, so the scan starts at the overlap's start and stops at the first local time whose
        // earliest instant is past the limit: no later local time can fire earlier than that.
        LocalDateTime local = scanStart(after.toLocalDateTime(), rules);
        while (true) {
            LocalDateTime candidate = timetable.nextAtOrAfter(local).orElseThrow(() ->
                    new IllegalStateException("cron expression '" + expression + "' has no fire time after " + after));
            List<Instant> instants = instants(candidate, rules);
            for (Instant instant : instants) {
                if (instant.isAfter(limit) && (best == null || instant.isBefore(best))) {
                    best = instant;
                }
            }
            if (!instants.isEmpty() && instants.get(0).isAfter(limit)) {
                return best.atZone(zone);
            }
            local = candidate.plusMinutes(1);
        }
    }

    /** The first fire time strictly after {@code after}, evaluated on the wall clock of {@code zone}. */
    public Instant next(Instant after, ZoneId zone) {
        return next(after.atZone(zone)).toInstant();
    }

    private static LocalDateTime scanStart(LocalDateTime after, ZoneRules rules) {
        LocalDateTime minute = after.truncatedTo(ChronoUnit.MINUTES);
        ZoneOffsetTransition transition = rules.getTransition(minute);
        return transition != null && transition.isOverlap() ? transition.getDateTimeAfter() : minute.plusMinutes(1);
    }

    /** The instants at which a matching local time fires under the DST policy, earliest first. */
    private List<Instant> instants(LocalDateTime local, ZoneRules rules) {
        List<ZoneOffset> offsets = rules.getValidOffsets(local);
        if (offsets.isEmpty()) {
            return isWallClock() ? List.of() : List.of(rules.getTransition(local).getInstant());
        }
        // in an overlap the first offset is the earlier one (the one ZonedDateTime.ofLocal prefers)
        Instant first = local.toInstant(offsets.get(0));
        return offsets.size() == 1 || !isWallClock() ? List.of(first) : List.of(first, local.toInstant(offsets.get(1)));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CronExpression that && expression.equals(that.expression);
    }

    @Override
    public int hashCode() {
        return expression.hashCode();
    }

    @Override
    public String toString() {
        return expression;
    }
}
