package dev.archivist.catalog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * When each backup was last verified and whether it was clean, kept in {@code .archivist/verified/<id>.json} so that
 * verification never modifies a backup's own files.
 */
public final class VerificationRecords {
    private VerificationRecords() {
    }

    /** The record file of a backup. */
    public static Path file(Path stateDir, String id) {
        if (!BackupIds.isId(id)) {
            throw new IllegalArgumentException("not a backup id: '" + id + "'"); // never a path out of the folder
        }
        return stateDir.resolve("verified").resolve(id + ".json");
    }

    /** Records a verification result. */
    public static void record(Path stateDir, String id, Instant at, boolean clean, int problems) throws IOException {
        Durable.ensureDirectory(stateDir.resolve("verified"));
        ObjectNode node = Json.MAPPER.createObjectNode()
                .put("id", id).put("verified_at", at.toString()).put("clean", clean).put("problems", problems);
        Durable.writeAtomically(file(stateDir, id), Json.MAPPER.writeValueAsBytes(node));
    }

    /** The last result, or null when never verified. */
    public static Result read(Path stateDir, String id) {
        Path f = file(stateDir, id);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            var node = Json.MAPPER.readTree(f.toFile());
            return new Result(Instant.parse(node.path("verified_at").asText()), node.path("clean").asBoolean());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** A recorded verification outcome. */
    public record Result(Instant verifiedAt, boolean clean) {
    }
}
