package dev.archivist.retention;

import static dev.archivist.retention.RetentionFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZonedDateTime;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** GFS retention with restic's {@code forget --keep-*} semantics. */
class RetentionGfsTest {

    private static final RetentionPolicy BASE = RetentionPolicy.ofMaxBackups(1);
    private static final ZonedDateTime NOW_UTC = now("2027-06-01T00:00:00Z", UTC);

    /** Two database backups a day (06:00 "a", 18:00 "b") for five days, 2026-11-16 (Mon) .. 2026-11-20 (Fri). */
    private static List<RetentionCandidate> twicePerDay() {
        return Stream.of(16, 17, 18, 19, 20).flatMap(d -> Stream.of(
                db(d + "a", "2026-11-" + d + "T06:00:00Z"),
                db(d + "b", "2026-11-" + d + "T18:00:00Z"))).toList();
    }

    static Stream<Arguments> table() {
        List<RetentionCandidate> hours = List.of(
                db("h10a", "2026-11-20T10:05:00Z"), db("h10b", "2026-11-20T10:40:00Z"),
                db("h11a", "2026-11-20T11:10:00Z"), db("h11b", "2026-11-20T11:50:00Z"),
                db("h12a", "2026-11-20T12:20:00Z"));
        List<RetentionCandidate> yearEnd = List.of(
                db("dec28", "2026-12-28T12:00:00Z"), // Monday, 2026-W53
                db("dec31", "2026-12-31T12:00:00Z"), // Thursday, 2026-W53
                db("jan02", "2027-01-02T12:00:00Z"), // Saturday, still 2026-W53
                db("jan04", "2027-01-04T12:00:00Z")); // Monday, 2027-W01
        List<RetentionCandidate> months = List.of(
                db("sep", "2026-09-15T12:00:00Z"), db("oct1", "2026-10-01T12:00:00Z"), db("oct2", "2026-10-30T12:00:00Z"),
                db("nov1", "2026-11-02T12:00:00Z"), db("nov2", "2026-11-25T12:00:00Z"));
        List<RetentionCandidate> years = List.of(
                db("y24", "2024-06-01T12:00:00Z"), db("y25a", "2025-03-01T12:00:00Z"), db("y25b", "2025-12-31T12:00:00Z"),
                db("y26", "2026-01-01T12:00:00Z"));
        return Stream.of(
                Arguments.of("last 3", twicePerDay(), BASE.withKeepLast(3), ids("20b", "20a", "19b")),
                Arguments.of("last unlimited keeps all", dailyDbs(4), BASE.withKeepLast(-1), ids("d1", "d2", "d3", "d4")),
                Arguments.of("hourly 2: newest of the last two hours", hours, BASE.withKeepHourly(2), ids("h12a", "h11b")),
                Arguments.of("daily 3: newest of each of the last three days", twicePerDay(), BASE.withKeepDaily(3),
                        ids("20b", "19b", "18b")),
                Arguments.of("daily unlimited: newest of every day, and (as restic) the oldest", twicePerDay(),
                        BASE.withKeepDaily(-1), ids("20b", "19b", "18b", "17b", "16b", "16a")),
                Arguments.of("daily with counts left also keeps the oldest", twicePerDay(), BASE.withKeepDaily(9),
                        ids("20b", "19b", "18b", "17b", "16b", "16a")),
                Arguments.of("weekly: ISO week-based year across new year", yearEnd, BASE.withKeepWeekly(2),
                        ids("jan04", "jan02")),
                Arguments.of("yearly splits what weekly joins", yearEnd, BASE.withKeepYearly(2), ids("jan04", "dec31")),
                Arguments.of("monthly 2", months, BASE.withKeepMonthly(2), ids("nov2", "oct2")),
                Arguments.of("yearly 2", years, BASE.withKeepYearly(2), ids("y26", "y25b")),
                Arguments.of("rules add up", twicePerDay(), BASE.withKeepLast(1).withKeepDaily(2).withKeepWeekly(1),
                        ids("20b", "19b")),
                Arguments.of("last and daily combine", twicePerDay(), BASE.withKeepLast(2).withKeepDaily(3),
                        ids("20b", "20a", "19b", "18b")),
                Arguments.of("GFS replaces MAX_BACKUPS", dailyDbs(5), RetentionPolicy.ofMaxBackups(7).withKeepLast(2),
                        ids("d5", "d4")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void keepsWhatResticWouldKeep(String name, List<RetentionCandidate> backups, RetentionPolicy policy, Set<String> kept) {
        assertThat(keptIds(RetentionPlanner.plan(backups, policy, NOW_UTC))).isEqualTo(kept);
    }

    @Test
    void reasonsNameTheBucket() {
        RetentionPolicy policy = BASE.withKeepLast(2).withKeepDaily(2).withKeepWeekly(1).withKeepMonthly(1).withKeepYearly(1)
                .withKeepHourly(1);

        RetentionPlan plan = RetentionPlanner.plan(twicePerDay(), policy, NOW_UTC);

        assertThat(plan.decisionFor("20b").orElseThrow().reasons()).containsExactly(
                "last 1 of 2", "hourly 2026-11-20 18", "daily 2026-11-20", "weekly 2026-W47", "monthly 2026-11", "yearly 2026");
        assertThat(plan.decisionFor("20a").orElseThrow().reasons()).containsExactly("last 2 of 2");
        assertThat(plan.decisionFor("19b").orElseThrow().reasons()).containsExactly("daily 2026-11-19");
        assertThat(plan.decisionFor("19a").orElseThrow().reasons()).containsExactly("not matched by any keep rule");
        assertThat(plan.decisionFor("19a").orElseThrow().keep()).isFalse();
    }

    @Test
    void oldestKeptWhileCountsLeftSaysSo() {
        RetentionPlan plan = RetentionPlanner.plan(twicePerDay(), BASE.withKeepDaily(9), NOW_UTC);

        assertThat(plan.decisionFor("16a").orElseThrow().reasons()).containsExactly("daily 2026-11-16 (oldest)");
    }

    static Stream<Arguments> zones() {
        List<RetentionCandidate> backups = List.of(
                db("c", "2026-11-19T12:00:00Z"),
                db("a", "2026-11-20T20:00:00Z"),
                db("b", "2026-11-20T23:30:00Z")); // 2026-11-21 00:30 in Berlin
        return Stream.of(
                Arguments.of(UTC, backups, ids("b", "c"), "daily 2026-11-20"),
                Arguments.of(BERLIN, backups, ids("b", "a"), "daily 2026-11-21"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("zones")
    void dailyBucketsFollowTheBackupTimezone(java.time.ZoneId zone, List<RetentionCandidate> backups, Set<String> kept,
                                             String reasonOfB) {
        RetentionPlan plan = RetentionPlanner.plan(backups, BASE.withKeepDaily(2), NOW_UTC.withZoneSameInstant(zone));

        assertThat(keptIds(plan)).isEqualTo(kept);
        assertThat(plan.decisionFor("b").orElseThrow().reasons()).containsExactly(reasonOfB);
    }

    @Test
    void hourlyBucketsFollowTheBackupTimezoneAcrossDstEnd() {
        // 2026-10-25 in Berlin: 02:00-03:00 happens twice (00:xx UTC in CEST, 01:xx UTC in CET): one local hour
        List<RetentionCandidate> backups = List.of(
                db("cest", "2026-10-25T00:30:00Z"), db("cet", "2026-10-25T01:30:00Z"), db("before", "2026-10-24T23:30:00Z"));

        RetentionPlan berlin = RetentionPlanner.plan(backups, BASE.withKeepHourly(2), NOW_UTC.withZoneSameInstant(BERLIN));
        RetentionPlan utc = RetentionPlanner.plan(backups, BASE.withKeepHourly(2), NOW_UTC);

        assertThat(keptIds(berlin)).isEqualTo(ids("cet", "before"));
        assertThat(berlin.decisionFor("cet").orElseThrow().reasons()).containsExactly("hourly 2026-10-25 02");
        assertThat(keptIds(utc)).isEqualTo(ids("cet", "cest"));
    }

    static Stream<Arguments> within() {
        return Stream.of(
                // d10 = 2026-11-10T02:00Z is the newest; 2d back is exactly d8, which is not "newer than"
                Arguments.of("2d from the newest backup, not from now", dailyDbs(10), "2026-11-30T00:00:00Z", "2d",
                        ids("d10", "d9")),
                Arguments.of("2d1h reaches d8", dailyDbs(10), "2026-11-30T00:00:00Z", "2d1h", ids("d10", "d9", "d8")),
                Arguments.of("1m", dailyDbs(10), "2026-11-30T00:00:00Z", "1m", ids("d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "d9", "d10")),
                Arguments.of("future backups are kept but do not move the reference",
                        List.of(db("old", "2026-11-01T00:00:00Z"), db("latest", "2026-11-05T00:00:00Z"),
                                db("future", "2026-12-24T00:00:00Z")),
                        "2026-11-06T00:00:00Z", "5d", ids("old", "latest", "future")),
                Arguments.of("only future backups: measured from now",
                        List.of(db("f1", "2026-12-01T00:00:00Z"), db("f2", "2026-12-02T00:00:00Z")),
                        "2026-11-06T00:00:00Z", "1h", ids("f1", "f2")),
                // restic subtracts with Go's AddDate: 31 March - 1 month = "31 February" = 3 March (restic 0.14 agrees)
                Arguments.of("1m before 31 March is 3 March, as restic's AddDate, not 28 February",
                        List.of(db("feb28", "2026-02-28T12:00:01Z"), db("mar02", "2026-03-02T12:00:00Z"),
                                db("mar03", "2026-03-03T12:00:00Z"), db("mar03b", "2026-03-03T12:00:01Z"),
                                db("mar31", "2026-03-31T12:00:00Z")),
                        "2026-04-01T00:00:00Z", "1m", ids("mar03b", "mar31")),
                Arguments.of("1y before 29 February 2024 is 1 March 2023",
                        List.of(db("feb28", "2023-02-28T13:00:00Z"), db("mar01", "2023-03-01T12:00:01Z"),
                                db("leap", "2024-02-29T12:00:00Z")),
                        "2024-03-01T00:00:00Z", "1y", ids("mar01", "leap")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("within")
    void keepWithinMeasuresFromTheNewestBackup(String name, List<RetentionCandidate> backups, String now, String within,
                                               Set<String> kept) {
        RetentionPolicy policy = BASE.withKeepWithin(RetentionPolicy.parseKeepWithin(within));

        RetentionPlan plan = RetentionPlanner.plan(backups, policy, now(now, UTC));

        assertThat(keptIds(plan)).isEqualTo(kept);
        plan.keep().forEach(b -> assertThat(plan.decisionFor(b.id()).orElseThrow().reasons()).contains("within " + within));
    }
}
