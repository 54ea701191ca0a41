package dev.archivist.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;

/**
 * The validated, immutable configuration handed to the library by the CLI or daemon entry point. The library never
 * reads the environment itself.
 *
 * @param databaseUrl     the value of DATABASE_URL for display, its password and secret parameters masked (a host
 *                        that logs its settings must not log the secret; {@code databasePath} is what is opened)
 * @param databasePath    the SQLite file it names
 * @param compressionLevel the effective level (the codec's default when BACKUP_COMPRESSION_LEVEL is empty)
 * @param restoreOutsideSymlinks restore symlinks whose target is absolute or outside the folder as they are
 */
public record Settings(
        String databaseUrl,
        Path databasePath,
        Path storagePath,
        Path backupDir,
        Compression compression,
        int compressionLevel,
        ZoneId zone,
        Duration lockTimeout,
        ArchiveSettings archive,
        RetentionSettings retention,
        ScheduleSettings schedule,
        boolean jsonLogs,
        String logLevel,
        boolean restoreOutsideSymlinks) {

    public Settings {
        databaseUrl = Redactor.redactValue(ConfigKey.DATABASE_URL.name(), databaseUrl);
    }

    /** Storage-archive settings. */
    public record ArchiveSettings(boolean autoSplit, long maxSizeBytes, long chunkSizeBytes, List<String> excludes) {
        public ArchiveSettings {
            excludes = List.copyOf(excludes);
        }
    }

    /**
     * Retention settings: {@code maxBackups} unless any {@code keep*} is set (null = not set), as restic's
     * {@code forget --keep-*}.
     */
    public record RetentionSettings(int maxBackups, Integer keepLast, Integer keepHourly, Integer keepDaily,
                                    Integer keepWeekly, Integer keepMonthly, Integer keepYearly, String keepWithin) {
    }

    /** One scheduled job's cron expression and enable flag. */
    public record JobSettings(String cron, boolean enabled) {
    }

    /** The daemon's four jobs and its timing options. */
    public record ScheduleSettings(JobSettings database, JobSettings storage, JobSettings full, JobSettings rotation,
                                   Duration misfireGrace, boolean catchUp, Duration jitter, Duration shutdownTimeout) {
    }

    /** Returns a copy with another backup directory (used by tests and the demo). */
    public Settings withBackupDir(Path dir) {
        java.util.Objects.requireNonNull(dir, "dir must not be null");
        return new Settings(databaseUrl, databasePath, storagePath, dir, compression, compressionLevel, zone,
                lockTimeout, archive, retention, schedule, jsonLogs, logLevel, restoreOutsideSymlinks);
    }

    /** Returns a copy with another codec at its default level. */
    public Settings withCompression(Compression codec) {
        java.util.Objects.requireNonNull(codec, "codec must not be null");
        return new Settings(databaseUrl, databasePath, storagePath, backupDir, codec, codec.defaultLevel(), zone,
                lockTimeout, archive, retention, schedule, jsonLogs, logLevel, restoreOutsideSymlinks);
    }
}
