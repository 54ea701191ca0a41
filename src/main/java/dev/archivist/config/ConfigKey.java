package dev.archivist.config;

/**
 * Every configuration variable Archivist reads, with its default and the values it accepts. This table is the
 * single place defaults live; the README's configuration reference mirrors it.
 */
public enum ConfigKey {
    DATABASE_URL("sqlite:///./app_data.db", "sqlite:///relative, sqlite:////absolute or a plain path"),
    STORAGE_PATH("./storage", "path of the storage folder"),
    BACKUP_DIR("./backups", "path of the backup directory"),
    BACKUP_COMPRESSION("zstd", "zstd, gz, xz, none"),
    BACKUP_COMPRESSION_LEVEL("", "zstd 1-19 (default 3), gz 1-9 (6), xz 0-9 (6); empty = codec default"),
    BACKUP_TIMEZONE("", "IANA zone such as Europe/Berlin; empty = system zone"),
    BACKUP_LOCK_TIMEOUT_SECONDS("60", "integer 0-86400: how long to wait for another process's lock"),
    MAX_BACKUPS("7", "integer 1-100000: backups kept per type by rotation"),
    BACKUP_AUTO_SPLIT("true", "boolean: split large storage archives into parts"),
    BACKUP_MAX_SIZE_MB("500", "integer >= 1: archives larger than this are split"),
    BACKUP_CHUNK_SIZE_MB("100", "integer >= 1 and <= BACKUP_MAX_SIZE_MB: size of each part"),
    BACKUP_STORAGE_EXCLUDE("", "comma-separated globs relative to the storage root (**/*.tmp, cache/**, **/*.{tmp,bak})"),
    BACKUP_DATABASE_SCHEDULE("0 2 * * *", "5-field Unix cron or @daily-style macro"),
    BACKUP_STORAGE_SCHEDULE("0 3 * * 0", "5-field Unix cron or macro"),
    BACKUP_FULL_SCHEDULE("0 3 * * 0", "5-field Unix cron or macro"),
    BACKUP_ROTATION_SCHEDULE("0 4 * * *", "5-field Unix cron or macro"),
    BACKUP_DATABASE_ENABLED("true", "boolean"),
    BACKUP_STORAGE_ENABLED("false", "boolean"),
    BACKUP_FULL_ENABLED("true", "boolean"),
    BACKUP_ROTATION_ENABLED("true", "boolean"),
    BACKUP_MISFIRE_GRACE_SECONDS("300", "integer 0-86400: how late a fire time may still run"),
    BACKUP_CATCH_UP("true", "boolean: run a job once on start if its fire time passed while down"),
    BACKUP_JITTER_SECONDS("0", "integer 0-3600: random delay added to each fire time"),
    BACKUP_SHUTDOWN_TIMEOUT_SECONDS("60", "integer 0-86400: how long SIGTERM waits for a running job"),
    BACKUP_KEEP_LAST("", "integer >= 1, -1 (unlimited) or 0 (off, as unset); any BACKUP_KEEP_* set replaces MAX_BACKUPS"),
    BACKUP_KEEP_HOURLY("", "integer >= 1, -1 (unlimited) or 0 (off)"),
    BACKUP_KEEP_DAILY("", "integer >= 1, -1 (unlimited) or 0 (off)"),
    BACKUP_KEEP_WEEKLY("", "integer >= 1, -1 (unlimited) or 0 (off)"),
    BACKUP_KEEP_MONTHLY("", "integer >= 1, -1 (unlimited) or 0 (off)"),
    BACKUP_KEEP_YEARLY("", "integer >= 1, -1 (unlimited) or 0 (off)"),
    BACKUP_KEEP_WITHIN("", "duration: years, months, days, hours, e.g. 7d, 2m, 1y6m, 36h"),
    RESTORE_OUTSIDE_SYMLINKS("false", "boolean: restore symlinks whose target is absolute or outside the restored folder as they are (never followed); false refuses such a restore"),
    LOG_LEVEL("INFO", "TRACE, DEBUG, INFO, WARN, ERROR (WARNING, CRITICAL as in Python)"),
    JSON_LOGS("true", "boolean: JSON log lines on stderr, else readable lines");

    private final String defaultValue;
    private final String accepted;

    ConfigKey(String defaultValue, String accepted) {
        this.defaultValue = defaultValue;
        this.accepted = accepted;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String accepted() {
        return accepted;
    }
}
