package dev.archivist.restore;

import dev.archivist.ArchivistException;
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
import java.sql.Connection;
import java.sql.SQLException;
import org.sqlite.SQLiteConnection;

/**
 * Database restore steps: decompress a checked backup to a temporary file, then copy it into the live database with
 * SQLite's backup API (in one step, inside one write transaction), so other connections see either the old or the new
 * database, and WAL/SHM files are handled by SQLite itself rather than replaced under it.
 */
public final class DatabaseRestorer {
    /** Pause between attempts while another connection holds the live database's write lock. */
    private static final int BUSY_SLEEP_MILLIS = 100;
    /** Attempts after the first busy wait (the connection's own 30 s busy timeout): about a minute more. */
    private static final int BUSY_RETRIES = 600;

    private DatabaseRestorer() {
    }

    /**
     * Decompresses a database backup's parts into {@code out} (created new, fsynced), ending with
     * {@link StopAwareInputStream.Stopped} at the next read once {@code stopping} says so; data that does not decompress
     * ends it with a {@link DamagedArchiveException}.
     */
    public static void decompress(Path dir, Manifest m, Path out, java.util.function.BooleanSupplier stopping)
            throws IOException {
        Compression codec = Compression.parseOrNull(m.compression());
        if (codec == null) {
            throw new ArchivistException("backup " + m.id() + ": unknown compression '" + m.compression() + "'");
        }
        InputStream decompressed;
        InputStream parts = PartStreams.open(dir, m.parts());
        try {
            decompressed = DamagedArchiveException.decompressor(codec, parts);
        } catch (IOException | RuntimeException e) {
            parts.close();
            throw e;
        }
        try (InputStream in = new StopAwareInputStream(decompressed, stopping);
             // owner-only, as every file Archivist writes: the live database's own mode is applied once it is checked
             OutputStream o = java.nio.channels.Channels.newOutputStream(Durable.createOwnerOnly(out))) {
            in.transferTo(new NamedWrites(o, out));
        }
        Durable.fsync(out);
    }

    /** Writes whose failure names the file ("No space left on device" alone does not say on which disk). */
    private static final class NamedWrites extends java.io.FilterOutputStream {
        private final Path file;

        NamedWrites(OutputStream out, Path file) {
            super(out);
            this.file = file;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw new IOException("cannot write " + file + ": " + ArchivistException.reason(e), e);
            }
        }
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
     * Copies {@code restored} into the live database {@code live} through the backup API, in one step inside one write
     * transaction, and fails unless SQLite reports that step done (committed).
     *
     * <p>sqlite-jdbc's {@code restore} returns the error code of the <em>source</em> connection, so a copy that never
     * got the live database's write lock (another connection kept a write transaction open: SQLITE_BUSY after the
     * retries), or that SQLite refused (a WAL database and a backup of another page size: SQLITE_READONLY), came back
     * as 0 with the live database unchanged. Comparing page count and schema afterwards did not tell: a backup of the
     * same database usually has both equal to the live one's (such restores passed as done), and an application that
     * commits right after a real restore changes the page count (such restores failed as "did not take effect"). The
     * progress callback runs only after a step that returned SQLITE_OK or SQLITE_DONE; with all pages in one step,
     * {@code remaining == 0} there means SQLITE_DONE, which SQLite returns only once the destination has committed.
     *
     * <p>{@code live} is the live database's real path, opened refusing a link on it
     * ({@link SqliteSnapshot#openResolved}): a link swapped in there meanwhile fails the restore.
     */
    public static void intoLive(Path restored, Path live) {
        requireWritable(live);
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        try (Connection conn = SqliteSnapshot.openResolved(live)) {
            keepRollbackMode(restored, live);
            int rc = ((SQLiteConnection) conn).getDatabase().restore("main", restored.toString(),
                    (remaining, pageCount) -> {
                        if (remaining == 0) {
                            done.set(true);
                        }
                    }, BUSY_SLEEP_MILLIS, BUSY_RETRIES, -1);
            if (rc != 0) {
                throw new ArchivistException("restoring into " + live + " failed with SQLite code " + rc
                        + "; the live database was not changed");
            }
        } catch (SQLException e) {
            throw new ArchivistException("restoring into " + live + " failed: " + SqliteSnapshot.describe(e), e);
        }
        if (!done.get()) {
            throw new ArchivistException("restoring into " + live + " did not complete: " + whyNotCopied(restored, live)
                    + "; the live database was not changed");
        }
    }

    /**
     * Keeps a live database in rollback-journal mode in that mode: the backup API copies page 1 as it is and gives only
     * a WAL destination its mode back, so a backup taken in WAL mode turned such a database into a WAL one for good
     * (its readers then have to create -wal and -shm beside it, which a read-only user cannot, and WAL does not work on
     * a network file system). The restored copy, a scratch file, is put in rollback mode before it is copied.
     */
    private static void keepRollbackMode(Path restored, Path live) throws SQLException {
        if (SqliteSnapshot.headerWal(live).equals(java.util.Optional.of(false))
                && SqliteSnapshot.headerWal(restored).equals(java.util.Optional.of(true))) {
            try (Connection c = SqliteSnapshot.open(restored, false); java.sql.Statement st = c.createStatement();
                 java.sql.ResultSet rs = st.executeQuery("PRAGMA journal_mode=DELETE")) {
                if (!rs.next() || !"delete".equalsIgnoreCase(rs.getString(1))) {
                    throw new ArchivistException("cannot put the restored copy " + restored + " in the live database's"
                            + " rollback-journal mode; the live database was not changed");
                }
            }
        }
    }

    /** The likely reason SQLite did not finish copying into the live database. */
    private static String whyNotCopied(Path restored, Path live) {
        try {
            long livePageSize = pragma(live, "page_size");
            long backupPageSize = pragma(restored, "page_size");
            String mode = text(live, "PRAGMA journal_mode");
            if ("wal".equalsIgnoreCase(mode) && livePageSize != backupPageSize) {
                return "the live database is in WAL mode with a page size of " + livePageSize + " bytes and the backup's"
                        + " is " + backupPageSize + " (SQLite cannot copy between page sizes into a WAL database); stop"
                        + " the application and set PRAGMA journal_mode=DELETE on the live database, or restore with"
                        + " --target and put the file in place while the application is stopped";
            }
        } catch (SQLException | RuntimeException e) {
            // fall through to the other reasons
        }
        try {
            long free = Files.getFileStore(live.toAbsolutePath().getParent()).getUsableSpace();
            long size = Files.size(restored);
            if (free < spaceToCopy(restored, size)) {
                return "not enough free space beside the live database (" + free + " bytes free, the restored database"
                        + " has " + size + ", and SQLite needs about " + spaceToCopy(restored, size) + " beside it while"
                        + " it copies, with its -wal or journal)";
            }
        } catch (IOException | RuntimeException e) {
            // fall through to the usual reason
        }
        return "SQLite could not get the live database's write lock within about "
                + (BUSY_SLEEP_MILLIS * BUSY_RETRIES / 1000 + 30) + " s (another connection kept a transaction open:"
                + " a write one, or in rollback-journal mode a read one too), or could not write it; retry when the"
                + " application is idle or stopped";
    }

    /**
     * About what SQLite writes beside the live database to copy {@code size} bytes into it: the pages, a 24-byte -wal
     * frame header (or an 8-byte journal record) and 8 bytes of -shm per page, and 64 KiB of headers and rounding. A
     * disk with room for the pages alone failed the copy, which was then blamed on another connection's lock.
     */
    private static long spaceToCopy(Path restored, long size) {
        long pages = size / Math.max(512, SqliteSnapshot.headerPageSize(restored)) + 1;
        return size + pages * 32 + 64 * 1024;
    }

    private static long pragma(Path db, String name) throws SQLException {
        return Long.parseLong(text(db, "PRAGMA " + name));
    }

    private static String text(Path db, String sql) throws SQLException {
        try (Connection c = SqliteSnapshot.open(db, true); java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : "";
        }
    }
}
