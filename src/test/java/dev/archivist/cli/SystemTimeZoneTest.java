package dev.archivist.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.archivist.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An empty BACKUP_TIMEZONE means the system zone, as cron and {@code date} read it: also when {@code TZ} names a
 * zoneinfo file ({@code TZ=:/etc/localtime}, {@code TZ=/usr/share/zoneinfo/Europe/Berlin}), which the JVM alone turns
 * into a fixed offset without daylight saving.
 */
class SystemTimeZoneTest {
    private static final Path ZONEINFO = Path.of("/usr/share/zoneinfo");

    @TempDir
    Path dir;

    @Test
    void aTzNamingAZoneinfoFileGivesThatZoneWithItsDaylightSaving() throws Exception {
        Path berlin = ZONEINFO.resolve("Europe/Berlin");
        assumeTrue(Files.isRegularFile(berlin), "needs the system's zoneinfo files");

        for (String tz : new String[] {berlin.toString(), ":" + berlin}) {
            CliProcess.Result r = new CliProcess(dir).env("TZ", tz).env("JSON_LOGS", "false")
                    .run("cron", "0 2 * * *", "--from", "2027-06-30T12:00:00Z", "--count", "1", "--json");
            assertThat(r.exitCode()).as(r.describe()).isZero();
            JsonNode out = new ObjectMapper().readTree(r.stdout());
            assertThat(out.path("zone").asText()).as("TZ=" + tz).isEqualTo("Europe/Berlin");
            assertThat(out.path("next").get(0).asText()).as("02:00 summer time, not a fixed +01:00")
                    .isEqualTo("2027-07-01T02:00:00+02:00");
        }
    }

    @Test
    void tzColonLocaltimeFollowsTheLinkToItsZoneForTheDaemonsSchedule() throws Exception {
        Path newYork = ZONEINFO.resolve("America/New_York");
        assumeTrue(Files.isRegularFile(newYork), "needs the system's zoneinfo files");
        Path localtime = Files.createSymbolicLink(dir.resolve("localtime"), newYork);

        CliProcess.Result r = new CliProcess(dir).env("TZ", ":" + localtime).env("JSON_LOGS", "false")
                .env("BACKUP_DIR", dir.resolve("backups").toString()).run("schedule", "--json", "--count", "1");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(new ObjectMapper().readTree(r.stdout()).path("zone").asText()).isEqualTo("America/New_York");
    }

    @Test
    void valuesThatAreNoZoneinfoPathAreLeftToTheJvm() {
        assertThat(SystemTimeZone.fromPath(null)).isNull();
        assertThat(SystemTimeZone.fromPath("Europe/Berlin")).isNull();
        assertThat(SystemTimeZone.fromPath(":Europe/Berlin")).isNull();
        assertThat(SystemTimeZone.fromPath(dir.resolve("missing").toString())).isNull();
        assertThat(SystemTimeZone.fromPath(dir.toString())).isNull();
    }

    /** A TZ Java cannot read (a POSIX rule, a misspelt name) is said, where it silently gave a fixed offset or UTC. */
    @Test
    void aTzJavaCannotReadIsNamedInAWarningUnlessBackupTimezoneIsSet() throws Exception {
        for (String tz : new String[] {"CET-1CEST,M3.5.0,M10.5.0/3", "Europe/Berln"}) {
            CliProcess.Result r = new CliProcess(dir).env("TZ", tz).env("JSON_LOGS", "false")
                    .env("BACKUP_DIR", dir.resolve("backups").toString()).run("schedule", "--count", "1");
            assertThat(r.exitCode()).as(r.describe()).isZero();
            assertThat(r.stderr()).as(r.describe()).contains("TZ='" + tz + "' is ").contains("set BACKUP_TIMEZONE");
            CliProcess.Result set = new CliProcess(dir).env("TZ", tz).env("JSON_LOGS", "false")
                    .env("BACKUP_TIMEZONE", "Europe/Berlin").env("BACKUP_DIR", dir.resolve("backups").toString())
                    .run("schedule", "--count", "1");
            assertThat(set.stderr()).as(set.describe()).doesNotContain("TZ='");
        }
        CliProcess.Result named = new CliProcess(dir).env("TZ", "Europe/Berlin").env("JSON_LOGS", "false")
                .env("BACKUP_DIR", dir.resolve("backups").toString()).run("schedule", "--count", "1");
        assertThat(named.stderr()).as(named.describe()).doesNotContain("TZ='");
    }
}
