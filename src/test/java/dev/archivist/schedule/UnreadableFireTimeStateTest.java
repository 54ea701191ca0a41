package dev.archivist.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scheduler state whose fire time is a JSON string but no time ("yesterday", hand-edited) was read as it was: every
 * start warned again ("unreadable last fire time 'yesterday'; no catch-up") and the file was never repaired. With the
 * outcome of an aborted scheduled run, or a fire time that is no string at all, the daemon did not start: a
 * NullPointerException ("unexpected error", exit 1) at every start.
 */
class UnreadableFireTimeStateTest {
    private static final Instant NOW = Instant.parse("2024-05-09T10:00:00Z");

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("scheduler-state.json");
    }

    private Scheduler scheduler(RecordingRunner runner, Job... jobs) {
        return new Scheduler(List.of(jobs), ZoneOffset.UTC, new MutableClock(NOW), Duration.ofSeconds(300), Duration.ZERO,
                runner, new StateStore(dir), 42);
    }

    private static Job job(JobId id, String cron) {
        return new Job(id, CronExpression.parse(cron), true);
    }

    @Test
    void aFireTimeThatIsNoTimeReadsAsUnknown() throws Exception {
        Files.writeString(file(), "{\"database_backup\":{\"last_fire_time\":\"yesterday\",\"last_outcome\":\"success\","
                + "\"seen_through\":\"2024-05-06T02:00:00Z\",\"last_end_time\":\"later\"}}");
        JobState state = new StateStore(dir).load().get("database_backup");
        assertThat(state.lastFireTime()).isNull();
        assertThat(state.lastEndTime()).isNull();
        assertThat(state.lastOutcome()).isEqualTo("success");
        assertThat(state.catchUpFrom()).isEqualTo("2024-05-06T02:00:00Z");
    }

    @Test
    void anAbortedRunWhoseFireTimeCannotBeReadNeitherStopsTheStartNorStaysInTheFile() throws Exception {
        Files.writeString(file(), "{\"database_backup\":{\"last_fire_time\":\"yesterday\",\"last_outcome\":\"aborted\","
                + "\"trigger\":\"schedule\",\"seen_through\":\"2024-05-06T02:00:00Z\"},"
                + "\"backup_rotation\":{\"last_fire_time\":5,\"last_outcome\":\"aborted\",\"trigger\":\"schedule\","
                + "\"seen_through\":\"2024-05-09T04:00:00Z\"}}");
        RecordingRunner runner = new RecordingRunner(new MutableClock(NOW));
        Scheduler s = scheduler(runner, job(JobId.DATABASE_BACKUP, "0 2 * * *"), job(JobId.BACKUP_ROTATION, "0 4 * * *"));

        s.start(true);

        assertThat(s.pending()).as("caught up from the fire time seen last; the rotation missed nothing")
                .singleElement().satisfies(r -> {
                    assertThat(r.job()).isEqualTo(JobId.DATABASE_BACKUP);
                    assertThat(r.fireTime()).isEqualTo(Instant.parse("2024-05-09T02:00:00Z"));
                });
        JsonNode saved = new ObjectMapper().readTree(file().toFile());
        assertThat(saved.path("database_backup").path("last_fire_time").isNull()).as("repaired at the start: "
                + "the next start has nothing to report").isTrue();
        assertThat(saved.path("database_backup").path("seen_through").asText()).isEqualTo("2024-05-06T02:00:00Z");
        assertThat(saved.path("backup_rotation").path("last_fire_time").isNull()).isTrue();
        assertThat(saved.path("backup_rotation").path("seen_through").asText()).isEqualTo("2024-05-09T04:00:00Z");
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).as("the damaged file kept")
                    .anyMatch(n -> n.startsWith("scheduler-state.json.damaged-"));
        }
    }
}
