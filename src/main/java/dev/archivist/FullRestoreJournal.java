package dev.archivist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.archivist.catalog.Durable;
import dev.archivist.catalog.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The journal of a {@code restore full} in progress, {@code .archivist/restore-full.json}: it spans the storage swap
 * and the database switch, the two steps a crash (SIGKILL, power cut) could otherwise separate. Written durably
 * before the storage swap, moved to the {@link Phase#DATABASE} phase just before the database is touched, removed
 * once both are switched or the swap is undone. The next command holding the lock reads a journal left behind and
 * ends the restore one way or the other, so the live data is never left half old, half restored.
 */
final class FullRestoreJournal {
    /** How far a full restore had got. */
    enum Phase {
        /** The storage folder may have been swapped; the database is untouched: the next run undoes the swap. */
        STORAGE,
        /** The storage folder was swapped; the database may have been switched: the next run completes the switch. */
        DATABASE
    }

    /**
     * What a journal records: the two backups restored, the live storage folder and where its previous tree went
     * ({@code aside} null when there was none), the phase, and the safety backup of the database once it is taken.
     */
    record Entry(String databaseBackup, String storageBackup, Path live, Path aside, Phase phase, String safetyBackup) {
        Entry inPhase(Phase next, String safety) {
            return new Entry(databaseBackup, storageBackup, live, aside, next, safety);
        }
    }

    private FullRestoreJournal() {
    }

    static Path file(Path stateDir) {
        return stateDir.resolve("restore-full.json");
    }

    static void write(Path stateDir, Entry e) throws IOException {
        ObjectNode n = Json.MAPPER.createObjectNode()
                .put("database_backup", e.databaseBackup())
                .put("storage_backup", e.storageBackup())
                .put("live", e.live().toString())
                .put("aside", e.aside() == null ? null : e.aside().toString())
                .put("phase", e.phase().name().toLowerCase(java.util.Locale.ROOT))
                .put("safety_backup", e.safetyBackup());
        Durable.writeAtomically(file(stateDir), Json.MAPPER.writeValueAsBytes(n));
    }

    /** The journal left by an unfinished full restore, or null; throws when it exists but cannot be read. */
    static Entry read(Path stateDir) throws IOException {
        Path f = file(stateDir);
        if (!Files.exists(f)) {
            return null;
        }
        JsonNode n = Json.MAPPER.readTree(f.toFile());
        String aside = n.path("aside").asText(null);
        try {
            return new Entry(n.path("database_backup").asText(), n.path("storage_backup").asText(),
                    Path.of(n.path("live").asText()), aside == null ? null : Path.of(aside),
                    Phase.valueOf(n.path("phase").asText().toUpperCase(java.util.Locale.ROOT)),
                    n.path("safety_backup").asText(null));
        } catch (IllegalArgumentException e) {
            throw new IOException("unreadable full-restore journal " + f + ": " + e.getMessage(), e);
        }
    }

    static void end(Path stateDir) throws IOException {
        Files.deleteIfExists(file(stateDir));
        Durable.fsyncDirectory(stateDir);
    }
}
