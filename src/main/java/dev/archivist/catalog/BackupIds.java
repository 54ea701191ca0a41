package dev.archivist.catalog;

import dev.archivist.BackupType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Issues backup ids: {@code <prefix>_<UTC yyyyMMdd'T'HHmmss.SSS'Z'>}, e.g. {@code db_backup_20261128T010203.456Z}.
 * Called under the backup-directory lock; the last issued stamp is persisted so ids are strictly increasing (sortable,
 * unique even within one millisecond or after the clock steps back) and never reused.
 */
public final class BackupIds {
    /** What an id looks like; anything else in a manifest (a hand-edited {@code ../../database/x}) is no id. */
    static final java.util.regex.Pattern ID_PATTERN =
            java.util.regex.Pattern.compile("(db_backup|storage_backup|full_backup)_\\d{8}T\\d{6}\\.\\d{3}Z");
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BackupIds.class);
    /** How far the clock may be behind the last id (a step back of the clock) before a backup says so. */
    private static final java.time.Duration AHEAD_WARNING = java.time.Duration.ofHours(1);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private BackupIds() {
    }

    /**
     * Allocates the next id of {@code type}; {@code stateDir} holds the {@code last-id} file and lies in the catalog
     * whose type folders {@code folder} names ({@code catalog/database}…).
     */
    public static String next(BackupType type, Clock clock, Path stateDir, Path folder) throws IOException {
        Path file = stateDir.resolve("last-id");
        long last = Files.exists(file) ? lastIssued(file) : -1L;
        if (last < 0) { // none, or damaged: the newest id in the catalog, so that a clock behind it reuses none
            last = newestStamp(stateDir.getParent());
        }
        long now = clock.millis();
        if (last - now > AHEAD_WARNING.toMillis()) {
            LOG.warn("the clock ({}) is {} h behind the newest backup id ({}): ids only increase, so this backup's id and"
                    + " time follow that one, as every backup's will until the clock passes it. If the clock was ahead"
                    + " when that backup was taken, its backups stay 'latest' and the newest for stats and rotation"
                    + " until then: remove those backups (archivist list shows them) and the file {} to go back to"
                    + " ids of the real time",
                    Instant.ofEpochMilli(now), (last - now) / 3_600_000, Instant.ofEpochMilli(last), file);
        }
        long millis = Math.max(now, last + 1);
        while (Files.exists(folder.resolve(idAt(type, millis) + ".json"))) {
            millis++; // a backup copied in from elsewhere, newer than last-id: never replaced by a new one
        }
        Durable.writeAtomically(file, Long.toString(millis).getBytes(StandardCharsets.UTF_8));
        return idAt(type, millis);
    }

    /**
     * The time of the newest id issued in the catalog whose state folder is {@code stateDir} ({@code last-id}, or a
     * newer manifest copied in), or the epoch when there is none. Ids only increase, so after a clock that was ahead
     * this time lies in the future: what is compared with backups' times (a folder moved aside "before" a backup)
     * must be taken on this scale, not the clock's.
     */
    public static Instant lastIssuedAt(Path stateDir) throws IOException {
        Path file = stateDir.resolve("last-id");
        long last = Files.exists(file) ? lastIssued(file) : -1L;
        return Instant.ofEpochMilli(Math.max(last, newestStamp(stateDir.getParent())));
    }

    private static String idAt(BackupType type, long millis) {
        return type.prefix() + "_" + STAMP.format(Instant.ofEpochMilli(millis));
    }

    /** The stamp in {@code last-id}, or -1 for a damaged file (emptied, overwritten), which must not stop every backup. */
    private static long lastIssued(Path file) throws IOException {
        if (Files.isDirectory(file)) { // read, it says "Is a directory" without naming it; a new id cannot be written
            throw new IOException(file + " is a folder, not the file of the last backup id: remove it (ids go on after"
                    + " the newest backup in the catalog)");
        }
        // bytes that are no UTF-8 (a bad block, garbage) are damage as much as any other text, not a reason to fail
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            LOG.warn("ignoring the damaged {} ('{}'): backup ids go on after the newest in the catalog", file,
                    text.length() <= 40 ? text : text.substring(0, 37) + "...");
            return -1L;
        }
    }

    /** The newest stamp of the backups in the catalog's type folders (their manifests {@code <id>.json}), or 0. */
    private static long newestStamp(Path catalog) throws IOException {
        java.util.regex.Pattern manifest = java.util.regex.Pattern.compile("(" + ID_PATTERN.pattern() + ")\\.json");
        long newest = 0L;
        for (BackupType t : BackupType.values()) {
            Path dir = catalog.resolve(t.folder());
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (java.util.stream.Stream<Path> files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    java.util.regex.Matcher m = manifest.matcher(f.getFileName().toString());
                    if (m.matches()) {
                        try {
                            newest = Math.max(newest, instantOf(m.group(1)).toEpochMilli());
                        } catch (java.time.DateTimeException e) {
                            // a name of the right shape with an impossible date (month 13) is no id of ours
                        }
                    }
                }
            }
        }
        return newest;
    }

    /** Whether {@code id} is a well-formed id of a backup of {@code type}. */
    public static boolean isId(String id, BackupType type) {
        return id != null && ID_PATTERN.matcher(id).matches() && id.startsWith(type.prefix() + "_");
    }

    /** Whether {@code id} is a well-formed id of a backup of any type. */
    public static boolean isId(String id) {
        return id != null && ID_PATTERN.matcher(id).matches();
    }

    /** The instant encoded in an id (for display and sorting checks). */
    public static Instant instantOf(String id) {
        String stamp = id.substring(id.lastIndexOf('_') + 1);
        return STAMP.parse(stamp, Instant::from);
    }
}
