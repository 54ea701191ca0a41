package dev.archivist.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.archivist.testing.CliProcess;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code archivist schedule [--json]} (the original's print_schedule() and get_next_run_times()): each job's id, name,
 * cron, enabled flag, next fire times in the configured zone and in UTC, and the persisted last fire time and outcome.
 */
class ScheduleCommandTest {
    @TempDir
    Path dir;

    @Test
    void scheduleShowsEveryJobWithNextTimesLocalAndUtcAndTheLastRun() throws Exception {
        Path backups = dir.resolve("backups");
        new StateStore(backups.resolve(".archivist")).save(JobId.DATABASE_BACKUP, new JobState("2024-05-06T00:00:00Z",
                "2024-05-06T00:00:04Z", "failure", "database locked", 4000L, "schedule"));
        CliProcess cli = new CliProcess(dir).env(Map.of("BACKUP_DIR", backups.toString(), "BACKUP_TIMEZONE", "America/New_York",
                "BACKUP_ROTATION_SCHEDULE", "@hourly", "JSON_LOGS", "false"));

        CliProcess.Result r = cli.run("schedule", "--json", "--count", "2");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        JsonNode root = new ObjectMapper().readTree(r.stdout());
        assertThat(root.path("zone").asText()).isEqualTo("America/New_York");
        JsonNode jobs = root.path("jobs");
        assertThat(jobs).extracting(j -> j.path("id").asText())
                .containsExactly("database_backup", "storage_backup", "full_backup", "backup_rotation");
        assertThat(jobs).extracting(j -> j.path("name").asText())
                .containsExactly("Database Backup", "Storage Backup", "Full Backup", "Backup Rotation");
        assertThat(jobs).extracting(j -> j.path("cron").asText()).containsExactly("0 2 * * *", "0 3 * * 0", "0 3 * * 0", "@hourly");
        assertThat(jobs).extracting(j -> j.path("enabled").asBoolean()).containsExactly(true, false, true, true);

        JsonNode db = jobs.get(0);
        assertThat(db.path("next")).hasSize(2);
        assertThat(db.path("next_utc")).hasSize(2);
        for (int i = 0; i < 2; i++) {
            OffsetDateTime local = OffsetDateTime.parse(db.path("next").get(i).asText());
            Instant utc = Instant.parse(db.path("next_utc").get(i).asText());
            assertThat(local.toInstant()).isEqualTo(utc);
            assertThat(local.atZoneSameInstant(ZoneId.of("America/New_York")).getHour()).isEqualTo(2);
            assertThat(local.getOffset()).isEqualTo(ZoneId.of("America/New_York").getRules().getOffset(utc));
            assertThat(utc).isAfter(Instant.now());
        }
        assertThat(db.path("last_fire_time").asText()).isEqualTo("2024-05-06T00:00:00Z");
        assertThat(db.path("last_outcome").asText()).isEqualTo("failure");
        assertThat(db.path("last_message").asText()).isEqualTo("database locked");
        assertThat(jobs.get(1).path("next")).as("disabled: no next fire time").isEmpty();
        assertThat(jobs.get(1).path("last_outcome").isNull()).isTrue();

        CliProcess.Result text = cli.run("schedule");
        assertThat(text.exitCode()).as(text.describe()).isZero();
        assertThat(text.stdout()).contains("zone America/New_York", "database_backup", "Database Backup", "'0 2 * * *'",
                "enabled", "disabled", "last fire 2024-05-06T00:00:00Z (schedule): failure - database locked")
                .doesNotContain("BACKUP_JITTER_SECONDS");
        assertThat(root.path("jitter_seconds").asLong()).isZero();

        // a state file edited by hand: what cannot be known is said, not printed as "null"
        new StateStore(backups.resolve(".archivist")).save(JobId.BACKUP_ROTATION, new JobState("2024-05-07T00:00:00Z",
                null, null, null, null, null));
        assertThat(cli.run("schedule").stdout()).contains("last fire 2024-05-07T00:00:00Z: outcome unknown")
                .doesNotContain("null");

        // a jitter delays each run after the fire times shown: said, so that nobody waits for a run at the minute
        CliProcess jittered = new CliProcess(dir).env(Map.of("BACKUP_DIR", backups.toString(), "BACKUP_JITTER_SECONDS",
                "600", "JSON_LOGS", "false"));
        assertThat(jittered.run("schedule").stdout())
                .contains("each run starts up to 600 s after its fire time, BACKUP_JITTER_SECONDS");
        assertThat(new ObjectMapper().readTree(jittered.run("schedule", "--json").stdout()).path("jitter_seconds")
                .asLong()).isEqualTo(600);
    }
}
