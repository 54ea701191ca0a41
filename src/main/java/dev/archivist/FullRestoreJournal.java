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
 * before the storage swap, moved to the {@link Phase#DATABASE} phase once the swap is done (with the id of the
 * database's safety backup once that is taken), to {@link Phase#UNDO} when the database switch failed and the swap is
 * being undone, and removed once the restore ended either way. The next command holding the lock reads a journal left
 * behind and ends the restore ({@link InterruptedFullRestore}), so the live data is never left half old, half restored.
 */
final class FullRestoreJournal {
    /** How far a full restore had got. */
    enum Phase {
        /** The storage folder is being swapped; the database is untouched. */
        STORAGE,
        /** The storage folder was swapped; the database is being switched. */
        DATABASE,
        /** The database switch failed (the database is as it was): the storage swap is being undone. */
        UNDO
    }

    /**
     * What a journal records: the two backups restored, the live storage folder and where its previous tree went
     * ({@code aside} null when there was none), the phase, and the safety backup of the database once it is taken.
     */
    record Entry(String databaseBackup, String storageBackup, Path live, Path aside, Phase phase, String safetyBackup) {
        Entry inPhase(Phase next, String safety) {
            return new Entry(databaseBackup, storageBackup, live, aside, next, safety);
        }

        /** How messages name the restore: "an interrupted restore of &lt;storage id&gt; and &lt;database id&gt;". */
        String what() {
            return "an interrupted restore of " + storageBackup + " and " + databaseBackup;
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

    /**
     * Records the id of the database's safety backup, once it is committed (from inside a {@code Supplier}, hence
     * unchecked): a run that completes the restore after a crash reuses it rather than take another, of the switched
     * database, which rotation would keep as the newest {@code pre_restore} and drop this one.
     */
    static void recordSafetyBackup(Path stateDir, Entry e, String safetyBackupId) {
        try {
            write(stateDir, e.inPhase(Phase.DATABASE, safetyBackupId));
        } catch (IOException x) {
            throw new java.io.UncheckedIOException(x);
        }
    }

    /** The journal left by an unfinished full restore, or null; throws when it exists but cannot be read. */
    static Entry read(Path stateDir) throws IOException {
        Path f = file(stateDir);
        if (!Files.exists(f)) {
            return null;
        }
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(f.toFile());
        } catch (IOException e) { // truncated or not JSON: Jackson's own message names neither the file nor a way out
            throw unreadable(f, "not valid JSON", e);
        }
        if (n == null || !n.isObject()) {
            throw unreadable(f, n == null || n.isMissingNode() ? "empty" : "not a JSON object", null);
        }
        for (String field : java.util.List.of("database_backup", "storage_backup", "live", "phase")) {
            if (!n.path(field).isTextual() || n.path(field).asText().isEmpty()) {
                throw unreadable(f, "no " + field, null);
            }
        }
        String aside = n.path("aside").asText(null);
        Phase phase;
        try {
            phase = Phase.valueOf(n.path("phase").asText().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw unreadable(f, "unknown phase '" + n.path("phase").asText() + "'", e);
        }
        return new Entry(n.path("database_backup").asText(), n.path("storage_backup").asText(),
                Path.of(n.path("live").asText()), aside == null ? null : Path.of(aside), phase,
                n.path("safety_backup").asText(null));
    }

    /**
     * A journal that cannot be read: nothing can tell how far the restore had got, so nothing is changed, and the
     * message says what the live data may look like and how to go on.
     */
    private static IOException unreadable(Path f, String why, Exception cause) {
        return new IOException("the journal of an interrupted restore full, " + f + ", cannot be read (" + why + "),"
                + " so it is not known how far that restore got: the storage folder may hold the restored tree (its"
                + " previous tree kept as <storage>.before-restore-<id> beside it) while the database is not switched"
                + " yet. Nothing was changed. Check the live data, remove " + f + ", then run the restore full again to"
                + " have both restored (or move the before-restore folder back to keep both as they were); until the"
                + " file is removed, every command that takes the lock refuses to run", cause);
    }

    static void end(Path stateDir) throws IOException {
        Files.deleteIfExists(file(stateDir));
        Durable.fsyncDirectory(stateDir);
    }
}
