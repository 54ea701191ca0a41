package dev.archivist;

import dev.archivist.config.Settings;
import java.util.List;

/**
 * Warnings about where the configuration puts things, for start-up: {@code BACKUP_DIR} or the database inside
 * {@code STORAGE_PATH} (also equal to it) is a valid layout whose consequence shows only at restore time, when a restore
 * into the live storage folder is refused ({@link ReservedPaths}); said when the configuration is read instead.
 */
public final class LayoutNotes {
    private LayoutNotes() {
    }

    /** The notes for {@code settings}; empty for the usual layout (each outside the others). */
    public static List<String> of(Settings settings) {
        return ReservedPaths.of(settings).layoutNote(settings.storagePath()).stream().toList();
    }
}
