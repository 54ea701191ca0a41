package dev.archivist.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The pax records formatted as bytes: each states its own length, and times are exact decimals. */
class PaxRecordsTest {

    @Test
    void eachRecordStatesItsOwnLengthAcrossTheDigitBoundaries() {
        PaxRecords r = new PaxRecords();
        for (int valueLength = 0; valueLength < 1200; valueLength++) {
            r.clear();
            String value = "v".repeat(valueLength);
            r.add("path", value);
            String record = new String(r.bytes(), 0, r.length(), StandardCharsets.UTF_8);
            int space = record.indexOf(' ');
            assertThat(Integer.parseInt(record.substring(0, space))).as(record).isEqualTo(r.length());
            assertThat(record.substring(space)).isEqualTo(" path=" + value + "\n");
        }
    }

    @Test
    void theLengthCountsBytesNotCharacters() {
        PaxRecords r = new PaxRecords();
        r.add("path", "日本語/é"); // 12 bytes: 9 + 1 + 2
        assertThat(new String(r.bytes(), 0, r.length(), StandardCharsets.UTF_8)).isEqualTo("21 path=日本語/é\n");
        assertThat(r.length()).isEqualTo(21);
    }

    @Test
    void recordsFollowOneAnotherAndClearStartsAgain() {
        PaxRecords r = new PaxRecords();
        assertThat(r.isEmpty()).isTrue();
        r.add("uid", 4_000_000_000L);
        r.addSeconds("mtime", 1_700_000_000L, 999_876_543);
        r.add("uname", "x".repeat(600)); // outgrows the first buffer
        String all = new String(r.bytes(), 0, r.length(), StandardCharsets.US_ASCII);
        assertThat(all).startsWith("18 uid=4000000000\n30 mtime=1700000000.999876543\n611 uname=xxx").endsWith("x\n");
        r.clear();
        assertThat(r.isEmpty()).isTrue();
        r.addSeconds("mtime", 5, 0);
        assertThat(new String(r.bytes(), 0, r.length(), StandardCharsets.US_ASCII)).isEqualTo("11 mtime=5\n");
    }

    @Test
    void decimalSecondsCountTheFractionAwayFromZero() {
        assertThat(PaxRecords.decimalSeconds(12, 500_000_000)).isEqualTo("12.5");
        assertThat(PaxRecords.decimalSeconds(12, 1)).isEqualTo("12.000000001");
        assertThat(PaxRecords.decimalSeconds(-2, 500_000_000)).isEqualTo("-1.5"); // Instant -1.5 s
        assertThat(PaxRecords.decimalSeconds(-1, 750_000_000)).isEqualTo("-0.25");
        assertThat(PaxRecords.decimalSeconds(-3, 0)).isEqualTo("-3");
        assertThat(PaxRecords.decimalSeconds(Long.MIN_VALUE, 0)).isEqualTo("-9223372036854775808");
        assertThat(PaxRecords.decimalSeconds(Long.MAX_VALUE, 999_999_999)).isEqualTo("9223372036854775807.999999999");
    }

    @Property(tries = 2000)
    void decimalSecondsIsTheExactTime(@ForAll long seconds, @ForAll @IntRange(max = 999_999_999) int nanos) {
        BigDecimal exact = BigDecimal.valueOf(seconds).add(BigDecimal.valueOf(nanos, 9));
        String expected = exact.signum() == 0 ? "0" : exact.stripTrailingZeros().toPlainString();
        assertThat(PaxRecords.decimalSeconds(seconds, nanos)).isEqualTo(expected);
    }
}
