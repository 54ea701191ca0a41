package dev.archivist.schedule;

import dev.archivist.config.ConfigKey;
import dev.archivist.config.Settings;
import java.util.ArrayList;
import java.util.List;

/**
 * Warnings for the enabled schedules that restrict both day of month and day of week: Unix cron fires such a job on
 * a day either field matches, where APScheduler (the Python tool's scheduler) required both, so a "first Sunday of
 * the month" written {@code 0 3 1-7 * sun} for it now also fires on the 1st to the 7th. Told at the daemon's start
 * and by {@code archivist config}, so that a schedule carried over in the same {@code .env} is noticed.
 */
public final class DayRuleNotes {
    private DayRuleNotes() {
    }

    /** One warning per enabled job whose schedule fires on days either field matches. */
    public static List<String> of(Settings.ScheduleSettings schedule) {
        List<String> notes = new ArrayList<>();
        note(notes, ConfigKey.BACKUP_DATABASE_SCHEDULE, schedule.database());
        note(notes, ConfigKey.BACKUP_STORAGE_SCHEDULE, schedule.storage());
        note(notes, ConfigKey.BACKUP_FULL_SCHEDULE, schedule.full());
        note(notes, ConfigKey.BACKUP_ROTATION_SCHEDULE, schedule.rotation());
        return notes;
    }

    private static void note(List<String> notes, ConfigKey key, Settings.JobSettings job) {
        if (job.enabled() && CronExpression.parse(job.cron()).eitherDayMatches()) {
            notes.add(key.name() + "='" + job.cron() + "' restricts both the day of the month and the day of the week:"
                    + " it fires on every day that EITHER matches, as Unix cron does (APScheduler, which the Python tool"
                    + " used, required both); put '*' in one of them to fire on the other alone");
        }
    }
}
