package dev.archivist.cli;

import dev.archivist.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Warnings for the daemon's start: a database or storage folder an enabled job backs up that is not there yet. Not a
 * configuration error (an application may create its database after the daemon starts, in a container started
 * beside it), but without a word the first sign would be a failed job at its fire time, hours later.
 */
final class MissingSources {
    private MissingSources() {
    }

    /** One line per missing source an enabled job needs; empty when all are there. */
    static List<String> of(Settings settings) {
        Settings.ScheduleSettings s = settings.schedule();
        List<String> notes = new ArrayList<>();
        Path db = settings.databasePath();
        if ((s.database().enabled() || s.full().enabled()) && Files.notExists(db)) { // notExists: one that cannot be looked at is not called missing
            notes.add("the database " + db + " (DATABASE_URL) does not exist (yet): " + jobs(s.database(), "database", s.full())
                    + " will fail until it does");
        }
        Path storage = settings.storagePath();
        if ((s.storage().enabled() || s.full().enabled()) && Files.notExists(storage)) {
            notes.add("the storage folder " + storage + " (STORAGE_PATH) does not exist (yet): "
                    + jobs(s.storage(), "storage", s.full()) + " will fail until it does");
        }
        return notes;
    }

    private static String jobs(Settings.JobSettings own, String name, Settings.JobSettings full) {
        return own.enabled() && full.enabled() ? name + " and full backups"
                : own.enabled() ? name + " backups" : "full backups";
    }
}
