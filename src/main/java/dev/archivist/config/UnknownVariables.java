package dev.archivist.config;

import java.util.Map;
import java.util.Optional;

/**
 * Names in the {@code .env} file or the environment that look like Archivist's variables but are none of them:
 * {@code BACKUP_FULL_ENABLE=false} kept full backups on without a word. A name counts as ours when it starts with
 * {@code BACKUP_} or is within two edits of a variable's name ({@code MAX_BACKUP}, {@code DATABSE_URL}), or is a
 * name other tools use for one of them ({@code DATABASE_PATH}: the original read the database from
 * {@code DATABASE_URL} only, and a plain path is accepted there); the application's own variables share the file,
 * so these are warnings, never errors. Names are compared in capitals ({@code max_backups} is not read: names are
 * case-sensitive, as in the original).
 */
final class UnknownVariables {
    /** Names other tools and applications give the same settings, too far from ours for the edit distance. */
    private static final Map<String, ConfigKey> OTHER_NAMES = Map.ofEntries(
            Map.entry("DATABASE_PATH", ConfigKey.DATABASE_URL),
            Map.entry("DATABASE_FILE", ConfigKey.DATABASE_URL),
            Map.entry("DB_PATH", ConfigKey.DATABASE_URL),
            Map.entry("DB_FILE", ConfigKey.DATABASE_URL),
            Map.entry("DB_URL", ConfigKey.DATABASE_URL),
            Map.entry("SQLITE_PATH", ConfigKey.DATABASE_URL),
            Map.entry("SQLITE_DB", ConfigKey.DATABASE_URL),
            Map.entry("STORAGE_DIR", ConfigKey.STORAGE_PATH),
            Map.entry("STORAGE_FOLDER", ConfigKey.STORAGE_PATH),
            Map.entry("BACKUP_PATH", ConfigKey.BACKUP_DIR),
            Map.entry("BACKUP_FOLDER", ConfigKey.BACKUP_DIR),
            Map.entry("BACKUP_DIRECTORY", ConfigKey.BACKUP_DIR));

    /** The variable {@code bin/archivist} reads (cli/LauncherVariables) from the environment, before Java starts. */
    private static final String LAUNCHER_MAX_HEAP = "ARCHIVIST_MAX_HEAP";

    private UnknownVariables() {
    }

    /**
     * The warning for a launcher's variable written in the {@code .env} file ({@code where}: "in app.env"), where it is
     * never read: the heap is sized before Java starts. None when {@code environment} sets it, as the launcher reads it.
     */
    static Optional<String> launcherOnly(String name, String where, Map<String, String> environment) {
        if (!LAUNCHER_MAX_HEAP.equals(name) || environment.containsKey(name)) {
            return Optional.empty();
        }
        return Optional.of(name + " (" + where + ") is read by bin/archivist from the environment only, before Java"
                + " starts: ignored here; set it in the environment (systemd's Environment=, the crontab line)");
    }

    /** The warning for {@code name} ({@code where}: "in app.env"), when it looks like a variable and is none. */
    static Optional<String> check(String name, String where) {
        String upper = name.toUpperCase(java.util.Locale.ROOT); // names are case-sensitive: max_backups is not read
        ConfigKey otherName = OTHER_NAMES.get(upper);
        ConfigKey nearest = otherName;
        int best = otherName == null ? Integer.MAX_VALUE : 0;
        for (ConfigKey key : ConfigKey.values()) {
            if (key.name().equals(name)) {
                return Optional.empty();
            }
            // only a distance of two or less counts, and it is at least the difference in length: the environment's
            // other names (PATH, HOME, LS_COLORS…) are passed over without a distance, run interpreted at each start
            if (otherName == null && name.length() >= 6 && Math.abs(name.length() - key.name().length()) <= 2) {
                int d = distance(upper, key.name());
                if (d < best) {
                    best = d;
                    nearest = key;
                }
            }
        }
        boolean close = best <= 2;
        if (!close && !upper.startsWith("BACKUP_")) {
            return Optional.empty();
        }
        return Optional.of(name + " (" + where + ") is not a variable Archivist reads: ignored"
                + (close ? "; did you mean " + nearest.name() + "?" : ""));
    }

    /**
     * Levenshtein distance (insertions, deletions, substitutions). Twenty lines here rather than commons-text for one
     * call on a few dozen short names.
     */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }
}
