package dev.archivist.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.archivist.testing.LoggedMessages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scheduler's persisted state: one JSON file in the backup directory's state folder, replaced atomically. */
class StateStoreTest {
    @TempDir
    Path dir;

    static JobState state(String fire, String outcome) {
        return new JobState(fire, fire, outcome, "msg " + fire, 12L, Scheduler.SCHEDULE);
    }

    @Test
    void savedStatesAreReadableByANewStoreAfterARestart() throws Exception {
        new StateStore(dir).save(JobId.DATABASE_BACKUP, state("2024-05-06T02:00:00Z", "success"));
        new StateStore(dir).save(JobId.BACKUP_ROTATION, state("2024-05-06T04:00:00Z", "failure"));
        var loaded = new StateStore(dir).load();
        assertThat(loaded).containsOnlyKeys("database_backup", "backup_rotation");
        assertThat(loaded.get("database_backup")).isEqualTo(state("2024-05-06T02:00:00Z", "success"));
        assertThat(loaded.get("backup_rotation").lastOutcome()).isEqualTo("failure");

        JsonNode json = new ObjectMapper().readTree(dir.resolve("scheduler-state.json").toFile());
        assertThat(json.path("database_backup").path("last_fire_time").asText()).as("snake_case keys")
                .isEqualTo("2024-05-06T02:00:00Z");
        assertThat(json.path("database_backup").path("last_outcome").asText()).isEqualTo("success");
    }

    @Test
    void eachSaveReplacesTheFileByRenameNeverInPlace() throws Exception {
        StateStore store = new StateStore(dir);
        Path file = dir.resolve("scheduler-state.json");
        store.save(JobId.DATABASE_BACKUP, state("2024-05-06T02:00:00Z", "success"));
        Object inode = Files.getAttribute(file, "unix:ino");
        store.save(JobId.DATABASE_BACKUP, state("2024-05-07T02:00:00Z", "success"));
        assertThat(Files.getAttribute(file, "unix:ino")).as("a new file renamed over the old one (temp + rename)")
                .isNotEqualTo(inode);
        assertThat(Files.getPosixFilePermissions(file)).extracting(Object::toString)
                .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("scheduler-state.lock")).toList())
                    .containsExactly("scheduler-state.json");
        }
    }

    /**
     * A save the rename refuses (here a folder at the state file's name; an immutable file, {@code chattr +i}, is
     * refused the same way) fails, naming the reason, and leaves no temporary file: the daemon saves after every run,
     * so each one left a {@code .tmp-scheduler-state.json.*} beside the state until a backup swept them.
     */
    @Test
    void aSaveWhoseRenameIsRefusedLeavesNoTemporaryFile() throws Exception {
        Files.createDirectories(dir.resolve("scheduler-state.json/in-the-way"));
        StateStore store = new StateStore(dir);
        for (int i = 0; i < 3; i++) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.save(JobId.DATABASE_BACKUP,
                    state("2024-05-06T02:00:00Z", "success"))).isInstanceOf(java.io.IOException.class);
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("scheduler-state.lock")).toList())
                    .containsExactly("scheduler-state.json");
        }
    }

    @Test
    void aReaderNeverSeesAHalfWrittenFile() throws Exception {
        StateStore writer = new StateStore(dir);
        writer.save(JobId.DATABASE_BACKUP, state("2024-01-01T02:00:00Z", "success"));
        Path file = dir.resolve("scheduler-state.json");
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger reads = new AtomicInteger();
        CompletableFuture<List<String>> reader = CompletableFuture.supplyAsync(() -> {
            List<String> bad = new java.util.ArrayList<>();
            ObjectMapper mapper = new ObjectMapper();
            while (!done.get()) {
                try {
                    String text = Files.readString(file, StandardCharsets.UTF_8);
                    mapper.readTree(text).get("database_backup").get("last_fire_time").asText();
                    reads.incrementAndGet();
                } catch (Exception e) {
                    bad.add(e.toString());
                }
            }
            return bad;
        });
        for (int i = 0; i < 100; i++) {
            writer.save(i % 2 == 0 ? JobId.FULL_BACKUP : JobId.DATABASE_BACKUP,
                    state("2024-01-01T02:00:00Z".replace("01T", String.format("%02dT", 1 + i % 28)), "success"));
        }
        done.set(true);
        assertThat(reader.get()).isEmpty();
        assertThat(reads.get()).isPositive();
    }

    @Test
    void aMissingOrUnreadableFileReadsAsNoStateAndUnknownFieldsAreIgnored() throws Exception {
        assertThat(new StateStore(dir).load()).isEmpty();
        Files.writeString(dir.resolve("scheduler-state.json"), "{not json");
        assertThat(new StateStore(dir).load()).isEmpty();
        Files.writeString(dir.resolve("scheduler-state.json"),
                "{\"database_backup\":{\"last_fire_time\":\"2024-05-06T02:00:00Z\",\"last_outcome\":\"success\",\"added_later\":1}}");
        assertThat(new StateStore(dir).load().get("database_backup").lastFireTime()).isEqualTo("2024-05-06T02:00:00Z");
    }

    /**
     * A truncated file is named in one line of words: the warning gave Jackson's message, over two lines (a literal
     * {@code \n} in the log) and naming its own settings ({@code Source: REDACTED (`StreamReadFeature...` disabled)}).
     */
    @Test
    void aTruncatedFileIsNamedInOneLineOfWords() throws Exception {
        Path file = Files.writeString(dir.resolve("scheduler-state.json"), "{\"database_backup\": {\"last_fire_ti");
        List<String> messages = LoggedMessages.during(StateStore.class, () -> assertThat(new StateStore(dir).load()).isEmpty());
        assertThat(messages).singleElement()
                .satisfies(m -> assertThat(m).contains("the scheduler state " + file + " cannot be read (not valid JSON at line 1, column ")
                        .doesNotContain("StreamReadFeature").doesNotContain("REDACTED").doesNotContain("\n"));
    }

    /** A damaged file (truncated, hand-edited) reads as no state, and is kept aside, not replaced silently. */
    @Test
    void anUnreadableFileIsKeptAsideWhenTheStateIsNextSaved() throws Exception {
        Path file = dir.resolve("scheduler-state.json");
        StateStore store = new StateStore(dir);
        List<String> kept = new java.util.ArrayList<>();
        for (String damaged : new String[] {"garbage{", "null", "[1, 2]"}) {
            Files.writeString(file, damaged);
            assertThat(store.load()).as(damaged).isEmpty();
            store.save(JobId.DATABASE_BACKUP, state("2024-05-06T02:00:00Z", "success"));
            assertThat(new StateStore(dir).load()).containsOnlyKeys("database_backup");
            kept.add(damaged);
            try (var files = Files.list(dir)) {
                assertThat(files.filter(f -> f.getFileName().toString().startsWith("scheduler-state.json.damaged-"))
                        .map(f -> {
                            try {
                                return Files.readString(f);
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        })).as("each damaged file kept").containsExactlyInAnyOrderElementsOf(kept);
            }
            Thread.sleep(2); // the copies are named by the millisecond
        }
        store.save(JobId.BACKUP_ROTATION, state("2024-05-06T04:00:00Z", "success"));
        try (var files = Files.list(dir)) {
            assertThat(files.filter(f -> !f.getFileName().toString().startsWith("scheduler-state.lock")).count())
                    .as("a readable file is not moved aside").isEqualTo(1 + kept.size());
        }
        assertThat(new StateStore(dir).load()).containsOnlyKeys("database_backup", "backup_rotation");
    }

    /**
     * A bad value in one job's record (a hand-edited duration) costs that value only: every other job keeps its last
     * fire time, which catch-up needs, and the file is still reported and kept aside at the next save.
     */
    @Test
    void aBadFieldOfOneJobLosesOnlyThatField() throws Exception {
        Path file = dir.resolve("scheduler-state.json");
        Files.writeString(file, "{\"database_backup\":{\"last_fire_time\":\"2024-05-06T02:00:00Z\",\"last_outcome\":\"success\"},"
                + "\"full_backup\":{\"last_fire_time\":\"2024-05-05T03:00:00Z\",\"last_duration_ms\":\"1.5 s\"},"
                + "\"backup_rotation\":{\"last_fire_time\":20240506,\"seen_through\":\"2024-05-06T04:00:00Z\"},"
                + "\"storage_backup\":[1]}");
        StateStore store = new StateStore(dir);
        var loaded = store.load();
        assertThat(loaded).containsOnlyKeys("database_backup", "full_backup", "backup_rotation");
        assertThat(loaded.get("database_backup").lastFireTime()).isEqualTo("2024-05-06T02:00:00Z");
        assertThat(loaded.get("full_backup").lastFireTime()).isEqualTo("2024-05-05T03:00:00Z");
        assertThat(loaded.get("full_backup").lastDurationMs()).isNull();
        assertThat(loaded.get("backup_rotation").lastFireTime()).isNull();
        assertThat(loaded.get("backup_rotation").catchUpFrom()).isEqualTo("2024-05-06T04:00:00Z");

        store.save(JobId.STORAGE_BACKUP, state("2024-05-06T03:00:00Z", "success"));
        assertThat(new StateStore(dir).load()).containsOnlyKeys("database_backup", "full_backup", "backup_rotation",
                "storage_backup");
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).as("the damaged file kept")
                    .anyMatch(n -> n.startsWith("scheduler-state.json.damaged-"));
        }
    }

    /**
     * Two stores of one state folder (a daemon and {@code run --once}, two embedded schedulers) saving different jobs
     * at the same moment: each save reads the file, changes its job and writes the file, so without a lock between
     * them the later write undid the earlier one's update.
     */
    @Test
    void concurrentSavesOfTwoStoresLoseNoUpdate() throws Exception {
        StateStore daemon = new StateStore(dir);
        StateStore once = new StateStore(dir);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int round = 1; round <= 25; round++) {
                String fire = java.time.Instant.parse("2024-01-01T00:00:00Z").plusSeconds(round).toString();
                var barrier = new java.util.concurrent.CyclicBarrier(2);
                var a = pool.submit(() -> {
                    barrier.await();
                    daemon.save(JobId.DATABASE_BACKUP, state(fire, "success"));
                    return null;
                });
                var b = pool.submit(() -> {
                    barrier.await();
                    once.save(JobId.FULL_BACKUP, state(fire, "success"));
                    return null;
                });
                a.get();
                b.get();
                var loaded = new StateStore(dir).load();
                assertThat(loaded.get("database_backup").lastFireTime()).as("round %d", round).isEqualTo(fire);
                assertThat(loaded.get("full_backup").lastFireTime()).as("round %d", round).isEqualTo(fire);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
