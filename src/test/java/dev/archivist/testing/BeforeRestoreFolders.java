package dev.archivist.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.archivist.catalog.Json;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The records of when each {@code before-restore} folder was moved aside ({@code BACKUP_DIR/.archivist/before-restore/}),
 * which rotation reads: a test sets them back to see what rotation does with a folder older than its grace period.
 */
public final class BeforeRestoreFolders {
    /** Older than the 7 days rotation keeps every such folder for. */
    public static final Duration PAST_GRACE = Duration.ofDays(8);

    private BeforeRestoreFolders() {
    }

    /** Records every before-restore folder of the catalog in {@code backupDir} as moved aside at {@code at}. */
    public static void movedAsideAt(Path backupDir, Instant at) throws IOException {
        Path records = backupDir.resolve(".archivist/before-restore");
        int found = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(records, "*.json")) {
            for (Path f : files) {
                ObjectNode n = (ObjectNode) Json.MAPPER.readTree(f.toFile());
                n.put("moved_aside_at", at.toString());
                Files.write(f, Json.MAPPER.writeValueAsBytes(n));
                found++;
            }
        }
        if (found == 0) {
            throw new IllegalStateException("no before-restore record in " + records);
        }
    }

    /** As {@link #movedAsideAt}, past the grace period. */
    public static void pastGrace(Path backupDir) throws IOException {
        movedAsideAt(backupDir, Instant.now().minus(PAST_GRACE));
    }
}
