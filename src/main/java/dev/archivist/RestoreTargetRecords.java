package dev.archivist;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.archivist.archive.Sha256;
import dev.archivist.catalog.Durable;
import dev.archivist.catalog.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Destinations of restores into a new place ({@code --target}), recorded in {@code .archivist/restore-targets/} while
 * such a restore runs. A killed one leaves its staging folder or temporary file beside a target nothing else knows
 * about; the next command holding the lock finds it through this record and removes it. (Leftovers beside the live
 * database and storage folder need no record: their places are configured.)
 */
final class RestoreTargetRecords {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RestoreTargetRecords.class);

    private RestoreTargetRecords() {
    }

    private static Path folder(Path stateDir) {
        return stateDir.resolve("restore-targets");
    }

    private static Path file(Path stateDir, Path destination) {
        byte[] name = destination.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8);
        return folder(stateDir).resolve(Sha256.of(name) + ".json");
    }

    /** A recorded restore: its destination, and the backup it restores (null in records of earlier versions). */
    record Recorded(Path path, String backupId) {
    }

    static void record(Path stateDir, Path destination, String backupId) throws IOException {
        Durable.ensureDirectory(folder(stateDir));
        ObjectNode n = Json.MAPPER.createObjectNode().put("path", destination.toAbsolutePath().normalize().toString())
                .put("backup_id", backupId);
        Durable.writeAtomically(file(stateDir, destination), Json.MAPPER.writeValueAsBytes(n));
    }

    static void forget(Path stateDir, Path destination) throws IOException {
        Files.deleteIfExists(file(stateDir, destination));
    }

    /** Names a record {@link #recorded} skips, and why. */
    private static void unreadable(Path record, String why) {
        LOG.warn("ignoring the record {} of a restore into a new place (--target) ({}): what a killed restore left"
                + " beside its target, a staging folder or temporary file, is not looked for; remove the record once"
                + " that is checked", record, why);
    }

    /**
     * Every recorded destination; a record that cannot be read, or names no destination, is skipped (and kept, for a
     * person to look at), named in a warning: the leftovers of its restore are not looked for.
     */
    static List<Recorded> recorded(Path stateDir) throws IOException {
        List<Recorded> out = new ArrayList<>();
        if (!Files.isDirectory(folder(stateDir))) {
            return out;
        }
        try (DirectoryStream<Path> records = Files.newDirectoryStream(folder(stateDir), "*.json")) {
            for (Path r : records) {
                try {
                    var node = Json.MAPPER.readTree(r.toFile());
                    String path = node == null ? "" : node.path("path").asText("");
                    if (!path.isEmpty()) {
                        out.add(new Recorded(Path.of(path), node.path("backup_id").asText(null)));
                    } else {
                        unreadable(r, "it names no path");
                    }
                } catch (IOException | RuntimeException e) {
                    unreadable(r, Json.readFailure(e)); // one line, not Jackson's several
                }
            }
        }
        return out;
    }
}
