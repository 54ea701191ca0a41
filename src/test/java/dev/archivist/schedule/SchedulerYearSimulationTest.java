package dev.archivist.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.config.Settings;
import dev.archivist.config.SettingsLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 5 acceptance: a simulated year of the default schedule, driven by a settable clock (clock := nextDue(); tick();
 * runPending()), gives exactly one database backup per day, one full backup per Sunday and one rotation per day in
 * Europe/Berlin and America/New_York: none doubled or missing, including the DST days (SEED-SPEC defect 8: Sunday is
 * weekday 0).
 */
class SchedulerYearSimulationTest {
    @TempDir
    Path dir;

    /**
     * The state directory: on tmpfs when the machine has one, because a simulated year persists ~1,100 runs and each
     * save fsyncs (seconds on a real disk); the store's atomic write itself is tested in {@link StateStoreTest}.
     */
    private Path stateDir() throws java.io.IOException {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            Path d = Files.createTempDirectory(shm, "archivist-year-");
            cleanup.add(d);
            return d;
        }
        return dir;
    }

    private final List<Path> cleanup = new java.util.ArrayList<>();

    @AfterEach
    void removeTmpfsDirs() throws java.io.IOException {
        for (Path d : cleanup) {
            dev.archivist.catalog.Durable.deleteTree(d);
        }
    }

    static List<Job> defaultJobs() {
        Settings defaults = SettingsLoader.load(Map.of(), null, false, Map.of());
        return BackupScheduler.jobsOf(defaults);
    }

    @Test
    void theDefaultJobsAreTheOriginalsIdsNamesSchedulesAndFlags() {
        List<Job> jobs = defaultJobs();
        assertThat(jobs).extracting(j -> j.id().id())
                .containsExactly("database_backup", "storage_backup", "full_backup", "backup_rotation");
        assertThat(jobs).extracting(j -> j.id().displayName())
                .containsExactly("Database Backup", "Storage Backup", "Full Backup", "Backup Rotation");
        assertThat(jobs).extracting(j -> j.cron().expression())
                .containsExactly("0 2 * * *", "0 3 * * 0", "0 3 * * 0", "0 4 * * *");
        assertThat(jobs).extracting(Job::enabled).containsExactly(true, false, true, true);
        Settings defaults = SettingsLoader.load(Map.of(), null, false, Map.of());
        assertThat(defaults.schedule().misfireGrace()).isEqualTo(Duration.ofSeconds(300));
        assertThat(defaults.schedule().catchUp()).isTrue();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "Europe/Berlin,    2023",
            "Europe/Berlin,    2024",
            "America/New_York, 2023",
            "America/New_York, 2024",
    })
    void aYearOfTheDefaultScheduleRunsEveryJobExactlyAsOftenAsItShould(String zoneName, int year) throws Exception {
        ZoneId zone = ZoneId.of(zoneName);
        Instant begin = LocalDate.of(year, 1, 1).atStartOfDay(zone).toInstant();
        Instant end = LocalDate.of(year + 1, 1, 1).atStartOfDay(zone).toInstant();
        MutableClock clock = new MutableClock(begin);
        RecordingRunner runner = new RecordingRunner(clock).takes(JobId.FULL_BACKUP, Duration.ofMinutes(20))
                .takes(JobId.DATABASE_BACKUP, Duration.ofMinutes(3));
        Scheduler scheduler = new Scheduler(defaultJobs(), zone, clock, Duration.ofSeconds(300), Duration.ZERO, runner,
                new StateStore(stateDir()), 1);
        scheduler.start(true);

        int steps = 0;
        while (scheduler.nextDue().isBefore(end)) {
            clock.set(scheduler.nextDue());
            scheduler.tick();
            scheduler.runPending();
            assertThat(++steps).as("the simulation terminates").isLessThan(10_000);
        }

        int days = LocalDate.of(year, 1, 1).lengthOfYear();
        long sundays = LocalDate.of(year, 1, 1).datesUntil(LocalDate.of(year + 1, 1, 1))
                .filter(d -> d.getDayOfWeek() == DayOfWeek.SUNDAY).count();
        assertThat(days).isEqualTo(year == 2024 ? 366 : 365);
        assertThat(sundays).isEqualTo(year == 2023 ? 53 : 52);

        Map<LocalDate, List<ZonedDateTime>> db = byLocalDay(runner.startsOf(JobId.DATABASE_BACKUP), zone);
        Map<LocalDate, List<ZonedDateTime>> full = byLocalDay(runner.startsOf(JobId.FULL_BACKUP), zone);
        Map<LocalDate, List<ZonedDateTime>> rotation = byLocalDay(runner.startsOf(JobId.BACKUP_ROTATION), zone);

        assertThat(runner.startsOf(JobId.DATABASE_BACKUP)).hasSize(days);
        assertThat(db).hasSize(days).allSatisfy((day, runs) -> assertThat(runs).as("database backups on %s", day).hasSize(1));
        assertThat(runner.startsOf(JobId.BACKUP_ROTATION)).hasSize(days);
        assertThat(rotation).hasSize(days).allSatisfy((day, runs) -> assertThat(runs).as("rotations on %s", day).hasSize(1));
        assertThat(runner.startsOf(JobId.FULL_BACKUP)).hasSize((int) sundays);
        assertThat(full).hasSize((int) sundays).allSatisfy((day, runs) -> {
            assertThat(day.getDayOfWeek()).isEqualTo(DayOfWeek.SUNDAY);
            assertThat(runs).hasSize(1);
        });
        assertThat(runner.startsOf(JobId.STORAGE_BACKUP)).as("disabled by default").isEmpty();

        // At the scheduled wall-clock time; on the spring-forward day 02:00 does not exist and runs at 03:00.
        LocalDate springForward = transitionDay(zone, year, true);
        db.forEach((day, runs) -> assertThat(runs.get(0).toLocalTime()).as("database backup on %s", day)
                .isEqualTo(day.equals(springForward) ? LocalTime.of(3, 0) : LocalTime.of(2, 0)));
        // Full backup at 03:00; on the Sunday of spring forward it waits (one at a time) behind the database backup.
        full.forEach((day, runs) -> assertThat(runs.get(0).toLocalTime()).as("full backup on %s", day)
                .isEqualTo(day.equals(springForward) ? LocalTime.of(3, 3) : LocalTime.of(3, 0)));
        rotation.forEach((day, runs) -> assertThat(runs.get(0).toLocalTime()).isEqualTo(LocalTime.of(4, 0)));

        // Fall back: 02:00 (Berlin) / 01:00-02:00 (New York) repeat; each job still ran once that day.
        LocalDate fallBack = transitionDay(zone, year, false);
        assertThat(db.get(fallBack)).hasSize(1);
        assertThat(rotation.get(fallBack)).hasSize(1);
        assertThat(full.get(fallBack)).as("DST ends on a Sunday").hasSize(1);
        assertThat(full.get(springForward)).as("DST starts on a Sunday").hasSize(1);
    }

    private static Map<LocalDate, List<ZonedDateTime>> byLocalDay(List<Instant> runs, ZoneId zone) {
        return runs.stream().map(t -> t.atZone(zone))
                .collect(Collectors.groupingBy(ZonedDateTime::toLocalDate, TreeMap::new, Collectors.toList()));
    }

    private static LocalDate transitionDay(ZoneId zone, int year, boolean spring) {
        return LocalDate.of(year, 1, 1).datesUntil(LocalDate.of(year + 1, 1, 1))
                .filter(d -> {
                    Duration length = Duration.between(d.atStartOfDay(zone), d.plusDays(1).atStartOfDay(zone));
                    return spring ? length.toHours() == 23 : length.toHours() == 25;
                })
                .findFirst().orElseThrow();
    }
}
