package dev.archivist.restore;

import dev.archivist.ArchivistException;
import dev.archivist.archive.Codecs;
import dev.archivist.catalog.Durable;
import dev.archivist.catalog.Manifest;
import dev.archivist.config.Compression;
import dev.archivist.source.SqliteSnapshot;
import dev.archivist.verify.PartStreams;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import org.sqlite.SQLiteConnection;

/**
 * Database restore steps: decompress a checked backup to a temporary file, then copy it into the live database with
 * SQLite's backup API (in one step, inside one write transaction), so other connections see either the old or the new
 * database, and WAL/SHM files are handled by SQLite itself rather than replaced under it.
 */
public final class DatabaseRestorer {
    private DatabaseRestorer() {
    }

    /** Decompresses a database backup's parts into {@code out} (created new, fsynced). */
    public static void decompress(Path dir, Manifest m, Path out) throws IOException {
        Compression codec = Compression.parseOrNull(m.compression());
        if (codec == null) {
            throw new ArchivistException("backup " + m.id() + ": unknown compression '" + m.compression() + "'");
        }
        try (InputStream in = Codecs.decompressor(codec, PartStreams.open(dir, m.parts()));
             OutputStream o = Files.newOutputStream(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            in.transferTo(o);
        }
        Durable.fsync(out);
    }

    /** Copies {@code restored} into the live database {@code live} page by page through the backup API. */
    public static void intoLive(Path restored, Path live) {
        try (Connection conn = SqliteSnapshot.open(live, false)) {
            int rc = ((SQLiteConnection) conn).getDatabase().restore("main", restored.toString(), null, 100, 600, -1);
            if (rc != 0) {
                throw new ArchivistException("restoring into " + live + " failed with SQLite code " + rc);
            }
        } catch (SQLException e) {
            throw new ArchivistException("restoring into " + live + " failed: " + SqliteSnapshot.describe(e), e);
        }
    }
}
