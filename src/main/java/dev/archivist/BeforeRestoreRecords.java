package dev.archivist;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.archivist.catalog.Durable;
import dev.archivist.catalog.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * When each {@code <storage>.before-restore-<id>} folder was moved aside, kept in {@code .archivist/before-restore/}
 * (never inside the folder itself, which holds the user's old tree untouched).
 */
final class BeforeRestoreRecords {
    private BeforeRestoreRecords() {
    }

    /** The record of {@code folder}, to name it. */
    static Path file(Path stateDir, Path folder) {
        return stateDir.resolve("before-restore").resolve(folder.getFileName() + ".json");
    }

    static void record(Path stateDir, Path folder, Instant at) throws IOException {
        Durable.ensureDirectory(stateDir.resolve("before-restore"));
        ObjectNode n = Json.MAPPER.createObjectNode().put("path", folder.toString()).put("moved_aside_at", at.toString());
        Durable.writeAtomically(file(stateDir, folder), Json.MAPPER.writeValueAsBytes(n));
    }

    /** The recorded time, or null when the folder is not ours. */
    static Instant movedAsideAt(Path stateDir, Path folder) {
        Path f = file(stateDir, folder);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            return Instant.parse(Json.MAPPER.readTree(f.toFile()).path("moved_aside_at").asText());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static void forget(Path stateDir, Path folder) throws IOException {
        Files.deleteIfExists(file(stateDir, folder));
    }
}
