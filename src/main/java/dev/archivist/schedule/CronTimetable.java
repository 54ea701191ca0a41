package dev.archivist.schedule;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Month;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Optional;

/**
 * The parsed fields of a cron expression, matched against local (wall-clock) date-times.
 * Searches field by field: whole months are skipped, then days, then hours and minutes.
 */
final class CronTimetable {

    /** Weekdays and dates repeat every 400 Gregorian years: a possible date occurs within them. */
    private static final int HORIZON_YEARS = 400;

    private final CronFieldValues minutes;
    private final CronFieldValues hours;
    private final CronFieldValues daysOfMonth;
    private final CronFieldValues months;
    private final CronFieldValues daysOfWeek;

    CronTimetable(CronFieldValues minutes, CronFieldValues hours, CronFieldValues daysOfMonth,
                  CronFieldValues months, CronFieldValues daysOfWeek) {
        this.minutes = minutes;
        this.hours = hours;
        this.daysOfMonth = daysOfMonth;
        this.months = months;
        this.daysOfWeek = daysOfWeek;
    }

    /** True if the minute or the hour field starts with {@code *}. */
    boolean wallClock() {
        return minutes.star() || hours.star();
    }

    /**
     * False if no date can ever match: both day fields must match and no allowed day-of-month
     * exists in any allowed month. Weekdays need no check, as over the 400-year cycle every date,
     * 29 February included, falls on every weekday.
     */
    boolean canMatch() {
        if (!daysOfMonth.star() && !daysOfWeek.star()) {
            return true;
        }
        int firstDay = daysOfMonth.next(1);
        return Arrays.stream(Month.values()).anyMatch(m -> months.contains(m.getValue()) && firstDay <= m.maxLength());
    }

    /** The first matching whole minute at or after {@code from}; empty only if the fields cannot match. */
    Optional<LocalDateTime> nextAtOrAfter(LocalDateTime from) {
        LocalDateTime start = from.truncatedTo(ChronoUnit.MINUTES);
        if (start.isBefore(from)) {
            start = start.plusMinutes(1);
        }
        LocalDate date = start.toLocalDate();
        LocalTime earliest = start.toLocalTime();
        LocalDate horizon = date.plusYears(HORIZON_YEARS);
        while (!date.isAfter(horizon)) {
            if (!months.contains(date.getMonthValue())) {
                date = date.withDayOfMonth(1).plusMonths(1);
                earliest = LocalTime.MIDNIGHT;
                continue;
            }
            if (dayMatches(date)) {
                Optional<LocalTime> time = timeAtOrAfter(earliest);
                if (time.isPresent()) {
                    return Optional.of(date.atTime(time.get()));
                }
            }
            date = date.plusDays(1);
            earliest = LocalTime.MIDNIGHT;
        }
        return Optional.empty();
    }

    /**
     * Vixie's day rule: when both day fields are restricted (neither starts with {@code *}) a day
     * matches if either does; otherwise both must match.
     */
    private boolean dayMatches(LocalDate date) {
        boolean dayOfMonth = daysOfMonth.contains(date.getDayOfMonth());
        boolean dayOfWeek = daysOfWeek.contains(date.getDayOfWeek().getValue() % 7);
        return daysOfMonth.star() || daysOfWeek.star() ? dayOfMonth && dayOfWeek : dayOfMonth || dayOfWeek;
    }

    private Optional<LocalTime> timeAtOrAfter(LocalTime earliest) {
        for (int hour = hours.next(earliest.getHour()); hour >= 0; hour = hours.next(hour + 1)) {
            int minute = minutes.next(hour == earliest.getHour() ? earliest.getMinute() : 0);
            if (minute >= 0) {
                return Optional.of(LocalTime.of(hour, minute));
            }
        }
        return Optional.empty();
    }
}
