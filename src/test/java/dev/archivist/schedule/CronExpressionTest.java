package dev.archivist.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronExpressionTest {

    @ParameterizedTest(name = "{0} in {1} after {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            */15 * * * *     | UTC              | 2024-01-01T10:07       | 2024-01-01T10:15
            */7 * * * *      | UTC              | 2024-01-01T10:57       | 2024-01-01T11:00
            0 1-5/2 * * *    | UTC              | 2024-01-01T01:30       | 2024-01-01T03:00
            5-59/20 * * * *  | UTC              | 2024-01-01T10:30       | 2024-01-01T10:45
            0 9 * * MON,FRI  | UTC              | 2024-01-02T00:00       | 2024-01-05T09:00
            0 0 1 jan,jul *  | UTC              | 2024-01-01T00:00       | 2024-07-01T00:00
            0 0 31 * *       | UTC              | 2024-01-31T00:00       | 2024-03-31T00:00
            0 0 29 2 *       | UTC              | 2024-03-01T00:00       | 2028-02-29T00:00
            0 0 * * 0        | UTC              | 2024-01-01T00:00       | 2024-01-07T00:00
            0 0 * * 7        | UTC              | 2024-01-01T00:00       | 2024-01-07T00:00
            0 0 * * 5-7      | UTC              | 2024-01-01T00:00       | 2024-01-05T00:00
            0 0 * * sat-sun  | UTC              | 2024-01-01T00:00       | 2024-01-06T00:00
            0 0 * * fri-sun  | UTC              | 2024-01-06T00:00       | 2024-01-07T00:00
            0 0 * * mon-sun  | UTC              | 2024-01-03T00:00       | 2024-01-04T00:00
            0 0 * * sat-0    | UTC              | 2024-01-06T00:00       | 2024-01-07T00:00
            30 4 1,15 * 5    | UTC              | 2024-01-02T00:00       | 2024-01-05T04:30
            0 0 1 * */2      | UTC              | 2024-01-02T00:00       | 2024-02-01T00:00
            @daily           | UTC              | 2024-01-01T12:00       | 2024-01-02T00:00
            @weekly          | UTC              | 2024-01-01T12:00       | 2024-01-07T00:00
            30 * * * *       | America/New_York | 2024-03-10T01:45-05:00 | 2024-03-10T03:30-04:00
            */30 * * * *     | America/New_York | 2024-03-10T01:45-05:00 | 2024-03-10T03:00-04:00
            30 1 * * *       | America/New_York | 2024-11-03T00:00-04:00 | 2024-11-03T01:30-04:00
            30 1 * * *       | America/New_York | 2024-11-03T01:30-04:00 | 2024-11-04T01:30-05:00
            30 * * * *       | America/New_York | 2024-11-03T01:30-04:00 | 2024-11-03T01:30-05:00
            */15 * * * *     | America/New_York | 2024-11-03T01:50-04:00 | 2024-11-03T01:00-05:00
            """)
    void conformance(String expression, String zone, String after, String expected) {
        ZoneId zoneId = ZoneId.of(zone);
        ZonedDateTime next = CronExpression.parse(expression).next(at(after, zoneId));
        assertThat(next.getZone()).isEqualTo(zoneId);
        assertThat(next.toOffsetDateTime()).isEqualTo(at(expected, zoneId).toOffsetDateTime());
    }

    private static ZonedDateTime at(String text, ZoneId zone) {
        return text.length() > 16
                ? OffsetDateTime.parse(text).atZoneSameInstant(zone)
                : LocalDateTime.parse(text).atZone(zone);
    }

    @Test
    void nextIsStrictlyAfterAndIgnoresSeconds() {
        CronExpression everyMinute = CronExpression.parse("* * * * *");
        ZonedDateTime onTheMinute = ZonedDateTime.of(2024, 1, 1, 10, 7, 0, 0, ZoneOffset.UTC);
        assertThat(everyMinute.next(onTheMinute)).isEqualTo(onTheMinute.plusMinutes(1));
        assertThat(everyMinute.next(onTheMinute.plusSeconds(59).plusNanos(1))).isEqualTo(onTheMinute.plusMinutes(1));
        assertThat(everyMinute.next(onTheMinute.minusNanos(1))).isEqualTo(onTheMinute);
    }

    @Test
    void instantConvenienceEvaluatesInTheGivenZone() {
        CronExpression nineAm = CronExpression.parse("0 9 * * *");
        Instant after = Instant.parse("2024-07-01T12:00:00Z");
        assertThat(nineAm.next(after, ZoneId.of("Europe/Berlin"))).isEqualTo(Instant.parse("2024-07-02T07:00:00Z"));
        assertThat(nineAm.next(after, ZoneOffset.UTC)).isEqualTo(Instant.parse("2024-07-02T09:00:00Z"));
    }

    @Test
    void leapDayIsFoundAcrossACenturyWithoutLeapYear() {
        ZonedDateTime after = ZonedDateTime.of(2096, 3, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        ZonedDateTime next = CronExpression.parse("0 0 29 2 *").next(after);
        assertThat(next).isEqualTo(ZonedDateTime.of(2104, 2, 29, 0, 0, 0, 0, ZoneOffset.UTC));
    }

    @Test
    void dayRuleIsOrWhenBothDayFieldsAreRestricted() {
        ZonedDateTime after = ZonedDateTime.of(2024, 1, 2, 0, 0, 0, 0, ZoneOffset.UTC); // a Tuesday
        assertThat(CronExpression.parse("0 0 13 * fri").next(after).getDayOfMonth()).isEqualTo(5);
        assertThat(CronExpression.parse("0 0 13 * *").next(after).getDayOfMonth()).isEqualTo(13);
        assertThat(CronExpression.parse("0 0 * * fri").next(after).getDayOfMonth()).isEqualTo(5);
        // a day-of-week field starting with '*' makes it an AND: the 13th on a Sunday (0) or Friday (5)
        assertThat(CronExpression.parse("0 0 13 * */5").next(after))
                .isEqualTo(ZonedDateTime.of(2024, 9, 13, 0, 0, 0, 0, ZoneOffset.UTC));
    }

    @Test
    void wallClockWhenMinuteOrHourStartsWithStar() {
        assertThat(CronExpression.parse("*/5 3 * * *").isWallClock()).isTrue();
        assertThat(CronExpression.parse("0 * * * *").isWallClock()).isTrue();
        assertThat(CronExpression.parse("@hourly").isWallClock()).isTrue();
        assertThat(CronExpression.parse("0-59 0-23 * * *").isWallClock()).isFalse();
        assertThat(CronExpression.parse("@daily").isWallClock()).isFalse();
    }

    @Test
    void keepsTheExpressionAsWritten() {
        CronExpression cron = CronExpression.parse("  0 9 * * MON-FRI \n");
        assertThat(cron.expression()).isEqualTo("0 9 * * MON-FRI");
        assertThat(cron).hasToString("0 9 * * MON-FRI").isEqualTo(CronExpression.parse("0 9 * * MON-FRI"));
        assertThat(cron.hashCode()).isEqualTo(CronExpression.parse("0 9 * * MON-FRI").hashCode());
    }
}
