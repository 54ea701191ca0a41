package dev.archivist.schedule;

import java.util.Locale;

/** The daemon's four jobs, with the original's ids and names, in the order {@code run --once} runs them. */
public enum JobId {
    DATABASE_BACKUP("database_backup", "Database Backup", "database"),
    STORAGE_BACKUP("storage_backup", "Storage Backup", "storage"),
    FULL_BACKUP("full_backup", "Full Backup", "full"),
    BACKUP_ROTATION("backup_rotation", "Backup Rotation", "rotation");

    private final String id;
    private final String displayName;
    private final String triggerName;

    JobId(String id, String displayName, String triggerName) {
        this.id = id;
        this.displayName = displayName;
        this.triggerName = triggerName;
    }

    public String id() {
        return id;
    }

    public String displayName() {
        return displayName;
    }

    /** The name {@code trigger(type)} accepts: database, storage, full or rotation. */
    public String triggerName() {
        return triggerName;
    }

    /** Parses a trigger type ({@code database|storage|full|rotation}) or a job id; unknown is an error. */
    public static JobId parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        for (JobId j : values()) {
            if (j.triggerName.equals(t) || j.id.equals(t)) {
                return j;
            }
        }
        throw new IllegalArgumentException("unknown job type '" + text + "' (expected database, storage, full or rotation)");
    }
}
