package dev.archivist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class CronCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = new CommandLine(new CronCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void printsJson() throws Exception {
        int exit = run("30 * * * *", "--zone", "America/New_York", "--from", "2024-03-10T01:45:00-05:00",
                "--count", "3", "--json");

        assertThat(exit).isZero();
        assertThat(err.toString()).isEmpty();
        ObjectMapper mapper = new ObjectMapper();
        JsonNode json = mapper.readTree(out.toString());
        assertThat(json).isEqualTo(mapper.readTree("{\"expression\": \"30 * * * *\", \"zone\": \"America/New_York\","
                + " \"next\": [\"2024-03-10T03:30:00-04:00\", \"2024-03-10T04:30:00-04:00\", \"2024-03-10T05:30:00-04:00\"]}"));
        assertThat(json.fieldNames()).toIterable().containsExactly("expression", "zone", "next");
    }

    @Test
    void printsLocalAndUtcOnePerLine() {
        int exit = run("@daily", "--zone", "Europe/Berlin", "--from", "2024-10-26T12:00:00+02:00", "--count", "2");

        assertThat(exit).isZero();
        assertThat(out.toString().lines()).containsExactly(
                "2024-10-27T00:00:00+02:00  (2024-10-26T22:00:00Z)",
                "2024-10-28T00:00:00+01:00  (2024-10-27T23:00:00Z)");
    }

    @Test
    void defaultsToFiveTimesFromNow() {
        assertThat(run("*/5 * * * *", "--zone", "UTC")).isZero();
        assertThat(out.toString().lines()).hasSize(5).allMatch(line -> line.matches(
                "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d[05]:00Z {2}\\(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d[05]:00Z\\)"));
    }

    @ParameterizedTest(name = "--from {0} -> {1}")
    @CsvSource({
            // without an offset an ambiguous time takes the earlier offset
            "2024-11-03T01:30, 2024-11-03T01:45:00-04:00",
            "2024-11-03T01:30:00-05:00, 2024-11-03T01:45:00-05:00",
            // a time in a gap is read as the gap's end (the JDK shifts it by the gap's length: 03:30, past 03:00)
            "2024-03-10T02:30, 2024-03-10T03:00:00-04:00",
            "2024-03-10T06:00:00Z, 2024-03-10T01:15:00-05:00",
            "2024-03-10T01:00-05:00[America/New_York], 2024-03-10T01:15:00-05:00",
            // RFC 3339's space between date and time (issue 5's table writes its references so), and a date alone
            "2024-11-03 01:30, 2024-11-03T01:45:00-04:00",
            "2024-11-03 01:30:00-05:00, 2024-11-03T01:45:00-05:00",
            "2024-03-10, 2024-03-10T00:15:00-05:00"})
    void readsFromInTheZone(String from, String expected) {
        assertThat(run("*/15 * * * *", "--zone", "America/New_York", "--from", from, "--count", "1")).isZero();
        assertThat(out.toString()).startsWith(expected + "  (");
    }

    /** From a time in the gap, the night's fixed-time run (at the gap's end, as the daemon runs it) comes first. */
    @org.junit.jupiter.api.Test
    void fromInsideTheGapListsTheRunTheDaemonMakesAtItsEnd() {
        assertThat(run("30 2 * * *", "--zone", "America/New_York", "--from", "2024-03-10T02:15", "--count", "1")).isZero();
        assertThat(out.toString()).startsWith("2024-03-10T03:00:00-04:00  (");
    }

    /** --zone reads a zone name in any case, as BACKUP_TIMEZONE does. */
    @ParameterizedTest(name = "--zone {0}")
    @CsvSource({"europe/berlin, Europe/Berlin", "EUROPE/BERLIN, Europe/Berlin", "utc, UTC", "america/new_york, America/New_York"})
    void readsZoneNamesInAnyCase(String zone, String id) throws Exception {
        assertThat(run("@daily", "--zone", zone, "--from", "2024-10-26T12:00:00Z", "--count", "1", "--json")).isZero();
        assertThat(new ObjectMapper().readTree(out.toString()).path("zone").asText()).isEqualTo(id);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            61 * * * *  | --count=1          | minute: '61' out of range 0-59
            * * * *     | --count=1          | expected 5 fields (minute hour day-of-month month day-of-week), got 4 in '* * * *'
            @reboot     | --count=1          | @reboot is not supported: jobs run at clock times only; run a backup at startup from your service manager instead
            0 0 30 2 *  | --count=1          | day-of-month: '30' never occurs in month '2'
            * * * * *   | --zone=Mars/Olympus | --zone: unknown time zone 'Mars/Olympus'
            * * * * *   | --zone=GMT+5       | --zone 'GMT+5': ambiguous: POSIX reads GMT+5 as the opposite of what it says, Java as written; give the offset alone (+05:00, -03:00) or an IANA name such as Europe/Berlin
            * * * * *   | --from=yesterday   | --from: cannot read 'yesterday' (expected ISO-8601 such as 2024-11-03T01:30:00-04:00 or 2024-11-03T01:30)
            * * * * *   | --count=0          | --count must be 1-100000, got 0
            * * * * *   | --count=100000000  | --count must be 1-100000, got 100000000
            """)
    void rejectsBadInputWithExitCode2(String expression, String option, String reason) {
        int exit = run(expression, option, "--json");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("archivist cron: " + reason + System.lineSeparator());
        // with --json the same reason is the JSON error document on stdout (no fire times)
        com.fasterxml.jackson.databind.JsonNode json = readJson(out.toString());
        assertThat(json.path("error").asText()).isEqualTo(reason);
        assertThat(json.path("exit_code").asInt()).isEqualTo(2);
        assertThat(json.has("next")).isFalse();
    }

    /** Fire times past year 999,999,999 (the end of java.time) are a usage error, not a stack trace. */
    @Test
    void fireTimesPastTheLastRepresentableYearAreAUsageError() {
        int exit = run("0 0 1 1 *", "--from=+999999999-12-31T00:00Z", "--count=3");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("archivist cron: --from: fire times run past the last representable year")
                .doesNotContain("\tat ");
        assertThat(out.toString()).isEmpty();
    }

    private static com.fasterxml.jackson.databind.JsonNode readJson(String text) {
        try {
            return dev.archivist.catalog.Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
