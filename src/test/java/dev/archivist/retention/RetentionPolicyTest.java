package dev.archivist.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RetentionPolicyTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "7d,        0, 0, 7, 0, 7d",
            "2y5m7d3h,  2, 5, 7, 3, 2y5m7d3h",
            "3h,        0, 0, 0, 3, 3h",
            "1y,        1, 0, 0, 0, 1y",
            "7d2y,      2, 0, 7, 0, 2y7d",
            "' 48h ',   0, 0, 0, 48, 48h",
            "0y6m,      0, 6, 0, 0, 6m",
    })
    void parsesResticDurations(String text, int y, int m, int d, int h, String canonical) {
        KeepWithin within = RetentionPolicy.parseKeepWithin(text);

        assertThat(within).isEqualTo(new KeepWithin(y, m, d, h));
        assertThat(within).hasToString(canonical);
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", " ", "7", "d", "7x", "7D", "-1d", "1.5d", "7d 3h", "7dd", "7d7d", "0d", "0y0h", "P7D",
            "99999999999d", "7days"})
    void rejectsInvalidDurationsNamingTheValue(String text) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> RetentionPolicy.parseKeepWithin(text))
                .withMessageContaining("'" + text + "'");
    }

    @Test
    void cutoffSubtractsCalendarUnitsInTheZone() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        Instant reference = Instant.parse("2026-10-25T12:00:00Z"); // 13:00 CET, the day DST ended

        // one calendar day back is 13:00 CEST on 24 October = 11:00 UTC: 25 hours earlier
        assertThat(KeepWithin.parse("1d").cutoff(reference, berlin)).isEqualTo(Instant.parse("2026-10-24T11:00:00Z"));
        assertThat(KeepWithin.parse("24h").cutoff(reference, berlin)).isEqualTo(Instant.parse("2026-10-24T12:00:00Z"));
        assertThat(KeepWithin.parse("1y1m").cutoff(reference, ZoneId.of("UTC"))).isEqualTo(Instant.parse("2025-09-25T12:00:00Z"));
    }

    /**
     * The cutoff restic computes, {@code newest.AddDate(-y, -m, -d).Add(-h hours)} in the zone: an overflowing day rolls
     * into the next month, and a local time in a DST gap or overlap resolves as Go's {@code time.Date} does. Expected
     * values printed by Go 1.19's time package; the planner's results with them agree with {@code restic forget}.
     */
    @ParameterizedTest(name = "{2} before {0} in {1}")
    @CsvSource({
            "2026-03-31T12:00:00Z, UTC,              1m,   2026-03-03T12:00:00Z", // "31 February"
            "2024-03-31T12:00:00Z, UTC,              1m,   2024-03-02T12:00:00Z", // leap year
            "2026-03-31T12:00:00Z, UTC,              1m1d, 2026-03-02T12:00:00Z", // units at once, then normalised
            "2026-03-31T12:00:00Z, UTC,              1m2h, 2026-03-03T10:00:00Z",
            "2026-05-31T12:00:00Z, UTC,              3m,   2026-03-03T12:00:00Z",
            "2026-01-31T12:00:00Z, UTC,              2m,   2025-12-01T12:00:00Z", // "31 November"
            "2024-02-29T12:00:00Z, UTC,              1y,   2023-03-01T12:00:00Z",
            "2024-02-29T12:00:00Z, UTC,              1y1d, 2023-02-28T12:00:00Z",
            "2026-03-09T06:30:00Z, America/New_York, 1d,   2026-03-08T06:30:00Z", // 02:30 in the gap: 01:30 EST
            "2026-11-02T06:30:00Z, America/New_York, 1d,   2026-11-01T05:30:00Z", // 01:30 twice: the EDT one
            "2026-10-26T01:30:00Z, Europe/Berlin,    1d,   2026-10-25T01:30:00Z", // 02:30 twice: the CET one
            "2026-03-30T00:30:00Z, Europe/Berlin,    1d,   2026-03-29T01:30:00Z", // 02:30 in the gap: 03:30 CEST
            "2026-10-25T12:00:00Z, Europe/Berlin,    1y1m, 2025-09-25T11:00:00Z",
    })
    void cutoffIsResticsAddDate(String newest, String zone, String within, String cutoff) {
        assertThat(KeepWithin.parse(within).cutoff(Instant.parse(newest), ZoneId.of(zone)))
                .isEqualTo(Instant.parse(cutoff));
    }

    /**
     * A duration that reaches back beyond the calendar's range (about a billion years) keeps every backup: its cutoff
     * is the earliest instant, not a {@code DateTimeException} that failed every rotation with a stack trace.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"2147483647y", "999999999y2147483647m", "999999999y2147483647h", "2147483647y2147483647m2147483647d2147483647h"})
    void aDurationBeyondTheCalendarKeepsEverything(String within) {
        assertThat(KeepWithin.parse(within).cutoff(Instant.parse("2026-12-07T12:00:00Z"), ZoneId.of("Europe/Berlin")))
                .isEqualTo(Instant.MIN);
    }

    @Test
    void gfsWhenAnyKeepOptionIsSet() {
        RetentionPolicy plain = RetentionPolicy.ofMaxBackups(7);

        assertThat(plain.isGfs()).isFalse();
        assertThat(plain.withKeepLast(1).isGfs()).isTrue();
        assertThat(plain.withKeepHourly(1).isGfs()).isTrue();
        assertThat(plain.withKeepDaily(1).isGfs()).isTrue();
        assertThat(plain.withKeepWeekly(1).isGfs()).isTrue();
        assertThat(plain.withKeepMonthly(1).isGfs()).isTrue();
        assertThat(plain.withKeepYearly(-1).isGfs()).isTrue();
        assertThat(plain.withKeepWithin(KeepWithin.parse("1d")).isGfs()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, -7})
    void maxBackupsMustBePositive(int max) {
        assertThatIllegalArgumentException().isThrownBy(() -> RetentionPolicy.ofMaxBackups(max))
                .withMessageContaining("MAX_BACKUPS must be at least 1, got " + max);
    }

    @ParameterizedTest
    @ValueSource(ints = {-2, -100})
    void keepCountsArePositiveUnlimitedOrOff(int count) {
        assertThatIllegalArgumentException().isThrownBy(() -> RetentionPolicy.ofMaxBackups(7).withKeepDaily(count))
                .withMessageContaining("keep-daily must be 0 (off), at least 1, or -1 (unlimited), got " + count);
    }

    /** As restic's {@code --keep-daily 0}: the rule is off, as if it were not given. */
    @Test
    void aKeepCountOfZeroTurnsItsRuleOff() {
        RetentionPolicy plain = RetentionPolicy.ofMaxBackups(7);

        assertThat(plain.withKeepDaily(0)).isEqualTo(plain);
        assertThat(plain.withKeepDaily(0).isGfs()).isFalse();
        assertThat(plain.withKeepLast(3).withKeepHourly(0).keepHourly()).isEqualTo(OptionalInt.empty());
        assertThat(plain.withKeepLast(3).withKeepHourly(0).isGfs()).isTrue();
    }

    @Test
    void nullOptionalsMeanUnset() {
        RetentionPolicy policy = new RetentionPolicy(3, null, null, null, null, null, null, null);

        assertThat(policy.isGfs()).isFalse();
        assertThat(policy.keepDaily()).isEqualTo(OptionalInt.empty());
        assertThat(policy.keepWithin()).isEqualTo(Optional.empty());
    }
}
