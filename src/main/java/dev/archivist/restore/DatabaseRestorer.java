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

    /**
     * Refuses, before anything changes, a live database that cannot be written: SQLite silently opens a file it may not
     * write (read-only mode, an immutable file, a read-only mount) read-only, and its backup API then reported success
     * while the live database kept its old content.
     */
    public static void requireWritable(Path live) {
        Path dir = live.toAbsolutePath().getParent();
        if (!Files.isWritable(live) || (dir != null && !Files.isWritable(dir))) {
            throw new ArchivistException("cannot restore into " + live + ": " + (Files.isWritable(live) ? "its folder " + dir
                    : "the file") + " is not writable (permissions, an immutable flag or a read-only mount); nothing was changed");
        }
    }

    /**
     * Copies {@code restored} into the live database {@code live} page by page through the backup API, then checks that
     * the live database now has the restored one's pages and schema (a write SQLite could not make must not pass as done).
     */
    public static void intoLive(Path restored, Path live) {
        requireWritable(live);
        try (Connection conn = SqliteSnapshot.open(live, false)) {
            int rc = ((SQLiteConnection) conn).getDatabase().restore("main", restored.toString(), null, 100, 600, -1);
            if (rc != 0) {
                throw new ArchivistException("restoring into " + live + " failed with SQLite code " + rc);
            }
        } catch (SQLException e) {
            throw new ArchivistException("restoring into " + live + " failed: " + SqliteSnapshot.describe(e), e);
        }
        String want = fingerprint(restored);
        String got = fingerprint(live);
        if (!want.equals(got)) {
            throw new ArchivistException("restoring into " + live + " did not take effect (live database: " + got
                    + ", backup: " + want + ")");
        }
    }

    /** Page count and schema of a database, read on a new connection. */
    private static String fingerprint(Path db) {
        try (Connection c = SqliteSnapshot.open(db, true); java.sql.Statement st = c.createStatement()) {
            long pages;
            try (java.sql.ResultSet rs = st.executeQuery("PRAGMA page_count")) {
                pages = rs.next() ? rs.getLong(1) : -1;
            }
            int schema;
            try (java.sql.ResultSet rs = st.executeQuery("SELECT group_concat(coalesce(sql, name), ';') FROM sqlite_master")) {
                schema = rs.next() ? String.valueOf(rs.getString(1)).hashCode() : 0;
            }
            return pages + " pages, schema " + Integer.toHexString(schema);
        } catch (SQLException e) {
            throw new ArchivistException("cannot read " + db + " after the restore: " + SqliteSnapshot.describe(e), e);
        }
    }
}
