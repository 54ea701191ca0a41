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
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private BackupIds() {
    }

    /** Allocates the next id of {@code type}; {@code stateDir} holds the {@code last-id} file. */
    public static String next(BackupType type, Clock clock, Path stateDir) throws IOException {
        Path file = stateDir.resolve("last-id");
        long last = Files.exists(file) ? Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).strip()) : 0L;
        long millis = Math.max(clock.millis(), last + 1);
        Durable.writeAtomically(file, Long.toString(millis).getBytes(StandardCharsets.UTF_8));
        return type.prefix() + "_" + STAMP.format(Instant.ofEpochMilli(millis));
    }

    /** The instant encoded in an id (for display and sorting checks). */
    public static Instant instantOf(String id) {
        String stamp = id.substring(id.lastIndexOf('_') + 1);
        return STAMP.parse(stamp, Instant::from);
    }
}
