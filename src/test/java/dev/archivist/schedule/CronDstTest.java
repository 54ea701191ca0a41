package dev.archivist.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The daylight-saving policy: fixed jobs run once per day, wall-clock jobs follow the clock. */
class CronDstTest {

    @ParameterizedTest(name = "{0} in {1} after {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            # New York: gap 02:00 -> 03:00, overlap 01:00-02:00
            30 2 * * *     | America/New_York    | 2024-03-10T00:00-05:00 | 2024-03-10T03:00-04:00
            30 2 * * *     | America/New_York    | 2024-03-10T03:00-04:00 | 2024-03-11T02:30-04:00
            0,30 2 * * *   | America/New_York    | 2024-03-10T03:00-04:00 | 2024-03-11T02:00-04:00
            */30 2 * * *   | America/New_York    | 2024-03-10T01:45-05:00 | 2024-03-11T02:00-04:00
            30 1 * * *     | America/New_York    | 2024-11-03T01:10-05:00 | 2024-11-04T01:30-05:00
            # Berlin: gap 02:00 -> 03:00, overlap 02:00-03:00
            30 2 * * *     | Europe/Berlin       | 2024-03-31T01:00+01:00 | 2024-03-31T03:00+02:00
            30 2 * * *     | Europe/Berlin       | 2024-10-27T00:00+02:00 | 2024-10-27T02:30+02:00
            30 2 * * *     | Europe/Berlin       | 2024-10-27T02:30+02:00 | 2024-10-28T02:30+01:00
            30 * * * *     | Europe/Berlin       | 2024-10-27T02:30+02:00 | 2024-10-27T02:30+01:00
            # Lord Howe: 30-minute shifts, gap 02:00 -> 02:30, overlap 01:30-02:00
            15 2 * * *     | Australia/Lord_Howe | 2024-10-06T00:00+10:30 | 2024-10-06T02:30+11:00
            15 * * * *     | Australia/Lord_Howe | 2024-10-06T01:20+10:30 | 2024-10-06T03:15+11:00
            45 1 * * *     | Australia/Lord_Howe | 2024-04-07T01:45+11:00 | 2024-04-08T01:45+10:30
            45 * * * *     | Australia/Lord_Howe | 2024-04-07T01:45+11:00 | 2024-04-07T01:45+10:30
            # Sao Paulo: midnight gap 00:00 -> 01:00, overlap 23:00-24:00 of the day before
            0 0 * * *      | America/Sao_Paulo   | 2018-11-03T12:00-03:00 | 2018-11-04T01:00-02:00
            0 * * * *      | America/Sao_Paulo   | 2018-11-03T23:30-03:00 | 2018-11-04T01:00-02:00
            30 23 * * *    | America/Sao_Paulo   | 2019-02-16T23:30-02:00 | 2019-02-17T23:30-03:00
            30 * * * *     | America/Sao_Paulo   | 2019-02-16T23:30-02:00 | 2019-02-16T23:30-03:00
            # Santiago: midnight gap, and an overlap that crosses midnight
            0 0 8 9 *      | America/Santiago    | 2024-09-01T00:00-04:00 | 2024-09-08T01:00-03:00
            30 23 * * 6    | America/Santiago    | 2024-04-06T23:30-03:00 | 2024-04-13T23:30-04:00
            */20 23 * * *  | America/Santiago    | 2024-04-06T23:50-03:00 | 2024-04-06T23:00-04:00
            # Tehran (DST until 2022): midnight gap and overlap, +03:30/+04:30
            0 0 22 3 *     | Asia/Tehran         | 2021-03-21T12:00+03:30 | 2021-03-22T01:00+04:30
            30 23 21 9 *   | Asia/Tehran         | 2021-09-21T23:30+04:30 | 2022-09-21T23:30+04:30
            30 23 21 9 *   | Asia/Tehran         | 2022-09-21T23:30+04:30 | 2023-09-21T23:30+03:30
            # Apia skipped 30 December 2011 entirely: every fixed job of that day runs once at its end
            0 12 * * *     | Pacific/Apia        | 2011-12-29T13:00-10:00 | 2011-12-31T00:00+14:00
            0 12 * * *     | Pacific/Apia        | 2011-12-31T00:00+14:00 | 2011-12-31T12:00+14:00
            0 * * * *      | Pacific/Apia        | 2011-12-29T23:30-10:00 | 2011-12-31T00:00+14:00
            # Troll: a two-hour shift, gap 01:00 -> 03:00
            0 2 * * *      | Antarctica/Troll    | 2024-03-31T00:00Z      | 2024-03-31T03:00+02:00
            """)
    void example(String expression, String zone, String after, String expected) {
        ZoneId zoneId = ZoneId.of(zone);
        ZonedDateTime next = CronExpression.parse(expression).next(OffsetDateTime.parse(after).atZoneSameInstant(zoneId));
        assertThat(next.toOffsetDateTime()).isEqualTo(OffsetDateTime.parse(expected));
    }

    static Stream<Arguments> transitions() {
        List<String> expressions = List.of("30 2 * * *", "0,30 2 * * *", "15,45 1 * * *", "0 0 * * *",
                "30 23 * * *", "0 1-3 * * *", "59 23 * * *", "0 12 * * *", "0 0 * * 0",
                "0,30 * * * *", "*/15 * * * *", "45 * * * *", "*/10 2 * * *", "0 */1 * * *", "* * * * *");
        Stream<String[]> zoneYears = Stream.of(new String[][] {
                {"America/New_York", "2024"}, {"Europe/Berlin", "2024"}, {"Australia/Lord_Howe", "2024"},
                {"America/Sao_Paulo", "2018"}, {"America/Santiago", "2024"}, {"Asia/Tehran", "2021"},
                {"Pacific/Apia", "2011"}, {"Antarctica/Troll", "2024"}});
        return zoneYears.flatMap(zoneYear -> {
            ZoneId zone = ZoneId.of(zoneYear[0]);
            Instant start = LocalDateTime.of(Integer.parseInt(zoneYear[1]), 1, 1, 0, 0).toInstant(ZoneOffset.UTC);
            List<Instant> instants = new ArrayList<>();
            for (ZoneOffsetTransition t = zone.getRules().nextTransition(start);
                 t != null && t.getInstant().isBefore(start.plus(Duration.ofDays(366)));
                 t = zone.getRules().nextTransition(t.getInstant())) {
                instants.add(t.getInstant());
            }
            return instants.stream().flatMap(t -> expressions.stream().map(e -> Arguments.of(e, zone, t)));
        });
    }

    /** Every fire time within a day either side of a transition agrees with the oracle. */
    @ParameterizedTest(name = "{0} in {1} around {2}")
    @MethodSource("transitions")
    void fireTimesAroundTransitionAgreeWithOracle(String expression, ZoneId zone, Instant transition) {
        CronExpression cron = CronExpression.parse(expression);
        CronDstOracle oracle = new CronDstOracle(local -> matchesInUtc(cron, local), cron.isWallClock(), zone);
        Instant from = transition.minus(Duration.ofHours(26));
        Instant to = transition.plus(Duration.ofHours(26));

        List<Instant> expected = new ArrayList<>();
        for (Instant i = from.plus(1, ChronoUnit.MINUTES); i.isBefore(to); i = i.plus(1, ChronoUnit.MINUTES)) {
            if (oracle.fires(i)) {
                expected.add(i);
            }
        }
        List<Instant> actual = new ArrayList<>();
        for (Instant i = cron.next(from, zone); i.isBefore(to); i = cron.next(i, zone)) {
            actual.add(i);
        }
        assertThat(actual).isEqualTo(expected);
    }

    /** Local-time matching, taken from UTC evaluation (which has no DST) and checked by the property test. */
    private static boolean matchesInUtc(CronExpression cron, LocalDateTime local) {
        return cron.next(local.minusMinutes(1).atZone(ZoneOffset.UTC)).toLocalDateTime().equals(local);
    }
}
