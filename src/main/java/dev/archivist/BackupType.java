package dev.archivist;

import java.util.Locale;

/** The three kinds of backup, with the folder and file-name prefix each uses under the backup directory. */
public enum BackupType {
    DATABASE("database", "db_backup"),
    STORAGE("storage", "storage_backup"),
    FULL("full", "full_backup");

    private final String folder;
    private final String prefix;

    BackupType(String folder, String prefix) {
        this.folder = folder;
        this.prefix = prefix;
    }

    /** Folder under the backup directory, also the name used in manifests and on the command line. */
    public String folder() {
        return folder;
    }

    /** File-name prefix of this type's backups, e.g. {@code db_backup}. */
    public String prefix() {
        return prefix;
    }

    /** Name as written in manifests and accepted on the command line. */
    public String wireName() {
        return folder;
    }

    /** Parses {@code database|storage|full} in any case. */
    public static BackupType parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (BackupType type : values()) {
            if (type.folder.equals(t)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown backup type '" + text + "' (expected database, storage or full)");
    }

    /** Parses a filter: {@code database|storage|full}, or {@code all} for none (null), in any case. */
    public static BackupType parseOrAll(String text) {
        if (text.trim().equalsIgnoreCase("all")) {
            return null;
        }
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown backup type '" + text
                    + "' (expected database, storage, full or all)");
        }
    }
}
