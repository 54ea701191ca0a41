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

    /**
     * The .env file is read like the environment, so a TZ it sets is the system zone of an empty BACKUP_TIMEZONE for
     * run, schedule and cron (the JVM reads only its own environment's TZ, and jobs fired in the JVM's zone); the
     * environment's TZ still wins over it, and one Java cannot read is named in a warning as from the environment.
     */
    @Test
    void aTzSetInTheEnvFileIsTheSystemZoneUnlessTheEnvironmentSetsOne() throws Exception {
        Files.writeString(dir.resolve(".env"), "TZ=America/New_York\nJSON_LOGS=false\nBACKUP_DIR=" + dir.resolve("backups") + "\n");
        ObjectMapper json = new ObjectMapper();
        CliProcess.Result schedule = new CliProcess(dir).run("schedule", "--json", "--count", "1");
        assertThat(schedule.exitCode()).as(schedule.describe()).isZero();
        assertThat(json.readTree(schedule.stdout()).path("zone").asText()).isEqualTo("America/New_York");
        for (String[] args : new String[][] {{"cron", "0 2 * * *", "--json"}, {"cron", "0 2 * * *", "--zone", "", "--json"}}) {
            CliProcess.Result cron = new CliProcess(dir).run(args);
            assertThat(cron.exitCode()).as(cron.describe()).isZero();
            assertThat(json.readTree(cron.stdout()).path("zone").asText()).as(String.join(" ", args))
                    .isEqualTo("America/New_York");
        }
        CliProcess.Result envWins = new CliProcess(dir).env("TZ", "Asia/Tokyo").run("schedule", "--json", "--count", "1");
        assertThat(json.readTree(envWins.stdout()).path("zone").asText()).as(envWins.describe()).isEqualTo("Asia/Tokyo");

        CliProcess.Running daemon = new CliProcess(dir).start("run");
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Files.readString(daemon.stdoutFile()).contains("Schedule (zone") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        daemon.signal("TERM");
        CliProcess.Result run = daemon.await(java.time.Duration.ofSeconds(60));
        assertThat(run.stdout()).as(run.describe()).contains("Schedule (zone America/New_York)");

        Files.writeString(dir.resolve(".env"), "TZ=Europe/Berln\nJSON_LOGS=false\nBACKUP_DIR=" + dir.resolve("backups") + "\n");
        CliProcess.Result bad = new CliProcess(dir).run("schedule", "--count", "1");
        assertThat(bad.exitCode()).as(bad.describe()).isZero();
        assertThat(bad.stderr()).as(bad.describe()).contains("TZ='Europe/Berln' in the .env file is no time zone Java knows")
                .contains("set BACKUP_TIMEZONE");
    }
}
