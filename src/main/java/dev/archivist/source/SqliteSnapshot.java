package dev.archivist.source;

import dev.archivist.ArchivistException;
import dev.archivist.catalog.Durable;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.sqlite.ProgressHandler;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteOpenMode;

/**
 * A consistent point-in-time copy of a live SQLite database through SQLite's online backup API, copying every page in
 * ONE step ({@code sqlite3_backup_step(-1)}).
 *
 * <p>Why the backup API and not {@code VACUUM INTO}: both read inside one read transaction, so both give a
 * consistent snapshot while the application keeps writing (in WAL mode writers are not blocked at all; in
 * rollback-journal mode they wait on their busy timeout for the length of the copy). The backup API copies pages as
 * they are, which is I/O-bound and about twice as fast as {@code VACUUM INTO} (which rebuilds every table and index),
 * and keeps page size, page count and the freelist identical to the original, so the copy is byte-for-byte what
 * SQLite would restore. One step rather than many is essential: with incremental steps, every write by another
 * connection restarts the copy, which never finishes under continuous writes.
 */
public final class SqliteSnapshot {
    /** How long a connection waits for another one's lock before SQLITE_BUSY. */
    private static final int BUSY_TIMEOUT_MILLIS = 30_000;
    private static final int BUSY_SLEEP_MILLIS = 100;
    private static final int BUSY_RETRIES = 600;
    private static final int HEADER = 100;
    private static final String MAGIC = "SQLite format 3\0";
    private static final int MIN_PAGE_SIZE = 512;
    private static final int MAX_PAGE_SIZE = 65536;

    private SqliteSnapshot() {
    }

    /** Facts about a snapshot. */
    public record Info(long pageSize, long pageCount, String sqliteVersion) {
    }

    /**
     * Fails, before anything is written (no lock, no catalog folder), when {@code source} is missing, not a file,
     * unreadable, or not a SQLite database: a file that does not start with SQLite's header (an empty file is an
     * empty database).
     */
    public static void checkSource(Path source) {
        LinkTrust.check(source, "database");
        if (!Files.exists(source)) {
            throw new ArchivistException("database " + source + " " + MissingSource.describe(source));
        }
        if (!Files.isRegularFile(source)) {
            throw new ArchivistException("database " + source + " is not a regular file");
        }
        if (!Files.isReadable(source)) {
            throw new ArchivistException("database " + source + " is not readable");
        }
        byte[] start = new byte[MAGIC.length()];
        int read;
        try {
            read = LockKeepingRead.readStart(source, start);
        } catch (java.io.IOException e) {
            throw new ArchivistException("database " + source + " cannot be read: " + ArchivistException.reason(e), e);
        }
        if (read > 0 && (read < start.length || !hasMagic(start))) {
            throw new ArchivistException("database " + source + ": not a SQLite database (it does not start with"
                    + " SQLite's header)");
        }
    }

    /**
     * Copies {@code source} (a live database) into a new file {@code dest}. The copy is driven from the destination
     * connection ({@code sqlite3_backup} with the live database as source), so the destination can run with
     * {@code synchronous=OFF} and {@code journal_mode=OFF}: it is a scratch file that is compressed and deleted, and
     * syncing or journalling its 500 MiB would only cost time (about a third of the copy).
     */
    public static Info copy(Path source, Path dest) {
        checkSource(source);
        Path real;
        Object identity;
        try { // the file the checked path leads to, and its identity (device and inode)
            real = LinkTrust.resolve(source, "database");
            identity = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (java.io.IOException e) {
            throw new ArchivistException("database " + source + " cannot be read: " + ArchivistException.reason(e), e);
        }
        try (Connection conn = open(real, false)) {
            // Touch the schema first: fails early and clearly on a file that is not SQLite.
            try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM sqlite_schema")) {
                rs.next();
            }
        } catch (SQLException e) {
            throw new ArchivistException("database " + source + ": " + describe(e, real), e);
        }
        createOwnerOnly(dest);
        try (Connection scratch = DriverManager.getConnection("jdbc:sqlite:" + dest); Statement st = scratch.createStatement()) {
            st.execute("PRAGMA synchronous = OFF");
            st.execute("PRAGMA journal_mode = OFF");
            // called after a step that copied (not after a failed write: checkComplete below names that)
            boolean[] copiedFromOther = {false};
            int rc = ((SQLiteConnection) scratch).getDatabase().restore("main", real.toString(),
                    (remaining, pages) -> copiedFromOther[0] |= identity != null && !holdsOpen(identity),
                    BUSY_SLEEP_MILLIS, BUSY_RETRIES, -1);
            if (rc != 0) {
                throw new ArchivistException("database " + source + ": SQLite backup failed with code " + rc);
            }
            if (copiedFromOther[0]) {
                // SQLite opens by path: a user who may write the database's folder swapped another file in at its
                // name between the check and that open (a link to a database only root may read, say)
                throw new ArchivistException("database " + source + " was replaced while it was copied: the file SQLite"
                        + " copied from is not the one checked; nothing was kept");
            }
        } catch (SQLException e) {
            throw new ArchivistException("database " + source + ": " + describe(e, real), e);
        }
        checkComplete(source, dest);
        return info(dest);
    }

    /**
     * Whether this process holds open the file of identity {@code key}, as SQLite holds the database it copies from
     * while the copy runs: an open by path lands where the name leads at that moment, which a check of it before
     * cannot vouch for. True where {@code /proc/self/fd} cannot be read (not checked there).
     */
    static boolean holdsOpen(Object key) {
        return LockKeepingRead.descriptorsOn(key) != 0;
    }

    /**
     * Creates the scratch file readable by its owner only before SQLite opens it: SQLite creates a new file with mode
     * 0666 less the umask (often world-readable) and gives its -wal and -shm the mode of the database file, and the
     * copy holds the whole database for as long as the backup runs (after a crash, until the next one).
     */
    private static void createOwnerOnly(Path dest) {
        try {
            Durable.createOwnerOnly(dest).close();
        } catch (java.io.IOException e) {
            throw new ArchivistException("cannot create the snapshot " + dest + ": "
                    + ArchivistException.reasonAbout(dest, e), e);
        }
    }

    /**
     * Driven from the destination, the backup API does not report a failed write to it (sqlite-jdbc returns the source's
     * error code), so a full disk would otherwise surface as a "corrupt" snapshot: compare the file with its header.
     */
    private static void checkComplete(Path source, Path dest) {
        byte[] h = new byte[HEADER];
        long size;
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(dest)) {
            size = ch.size();
            if (size == 0 && Files.size(source) == 0) {
                return; // an empty database copies to an empty file
            }
            ch.read(java.nio.ByteBuffer.wrap(h), 0);
        } catch (java.io.IOException e) {
            throw new ArchivistException("snapshot " + dest + " cannot be read back: " + e.getMessage(), e);
        }
        long pageSize = declaredPageSize(h);
        long pages = ((h[28] & 0xffL) << 24) | ((h[29] & 0xffL) << 16) | ((h[30] & 0xffL) << 8) | (h[31] & 0xffL);
        boolean header = hasMagic(h);
        if (size < HEADER || !header || size < pageSize * pages) {
            throw new ArchivistException("writing the snapshot " + dest + " failed: " + size + " bytes written"
                    + (header ? " of " + pageSize * pages : "") + " (no space left on device, or a file size limit)");
        }
    }

    /**
     * The page size a database file's header declares, or 0 when the file is empty, unreadable or has no valid
     * SQLite header (the copy then reports what is wrong).
     */
    public static int headerPageSize(Path db) {
        byte[] h = header(db);
        if (h == null) {
            return 0;
        }
        int size = declaredPageSize(h);
        return size >= MIN_PAGE_SIZE && size <= MAX_PAGE_SIZE && Integer.bitCount(size) == 1 ? size : 0;
    }

    /**
     * Whether a database file's header says WAL mode (its read and write format versions, bytes 18 and 19, are 2) or
     * rollback-journal mode (1): {@link Optional#empty()} when the file is empty, unreadable or has no SQLite header.
     */
    public static java.util.Optional<Boolean> headerWal(Path db) {
        byte[] h = header(db);
        if (h == null || h[18] != h[19] || h[18] < 1 || h[18] > 2) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(h[18] == 2);
    }

    /** The first 100 bytes of a database file, or null when it is shorter, unreadable or does not start with SQLite's. */
    private static byte[] header(Path db) {
        byte[] h = new byte[HEADER];
        try {
            if (LockKeepingRead.readStart(db, h) < HEADER) {
                return null;
            }
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
        return hasMagic(h) ? h : null;
    }

    private static boolean hasMagic(byte[] header) {
        return new String(header, 0, MAGIC.length(), java.nio.charset.StandardCharsets.ISO_8859_1).equals(MAGIC);
    }

    /** Bytes 16-17, big-endian; the value 1 stands for 65536. */
    private static int declaredPageSize(byte[] header) {
        int ps = ((header[16] & 0xff) << 8) | (header[17] & 0xff);
        return ps == 1 ? MAX_PAGE_SIZE : ps;
    }

    /** Page size, page count and library version of a copy nothing writes any more (see {@link #openCopy}). */
    public static Info info(Path db) {
        try (Connection conn = openCopy(db); Statement st = conn.createStatement()) {
            return new Info(single(st, "PRAGMA page_size"), single(st, "PRAGMA page_count"),
                    text(st, "SELECT sqlite_version()"));
        } catch (SQLException e) {
            throw new ArchivistException("snapshot " + db + ": " + describe(e), e);
        }
    }

    /**
     * Runs {@code PRAGMA quick_check} or {@code integrity_check} on a (non-live) database file; returns the problems,
     * empty when it is "ok".
     */
    public static List<String> check(Path db, boolean full) {
        return check(db, full, null);
    }

    /**
     * As {@link #check(Path, boolean)}, ended by SQLite ({@code SQLITE_INTERRUPT}) soon after {@code stop} says so (it
     * is asked every 10,000 steps of SQLite's machine, on the thread that runs the check): what it returns then is no
     * finding, which the caller tells apart by asking {@code stop} again. A null {@code stop} never ends it.
     */
    public static List<String> check(Path db, boolean full, BooleanSupplier stop) {
        try (Connection conn = openCopy(db)) {
            if (stop != null) {
                ProgressHandler.setHandler(conn, 10_000, new ProgressHandler() {
                    @Override
                    protected int progress() {
                        return stop.getAsBoolean() ? 1 : 0;
                    }
                });
            }
            return problems(conn, full);
        } catch (SQLException e) {
            return new ArrayList<>(List.of(describe(e)));
        }
    }

    /**
     * The damage {@link #check} (quick) finds in a live database, where a lock held by another connection all along
     * is no damage: the database is busy, not broken, and must not be taken for damaged (a restore replaces a damaged
     * live database without a safety copy). Nor is a disk too full for SQLite to open it ({@link #noRoomBeside}).
     */
    public static List<String> damage(Path db) {
        try {
            return problems(db, false);
        } catch (SQLException e) {
            return busy(e) || noRoomBeside(e, db) ? List.of() : List.of(describe(e));
        }
    }

    /**
     * Whether SQLite failed on {@code db} for want of room on its disk, which says nothing of the database: its -shm
     * could not grow (SQLITE_IOERR_SHMSIZE), a write found the disk full (SQLITE_FULL), or it could not make its -wal
     * or -shm (SQLITE_CANTOPEN) in a folder where no new file can be made (no inode left).
     */
    private static boolean noRoomBeside(SQLException e, Path db) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("SQLITE_FULL") || m.contains("SQLITE_IOERR_SHMSIZE")) {
            return true;
        }
        if (!m.contains("SQLITE_CANTOPEN") || db.toAbsolutePath().getParent() == null) {
            return false;
        }
        try {
            Files.delete(Files.createTempFile(db.toAbsolutePath().getParent(), ".archivist-room-", ".tmp"));
            return false;
        } catch (java.io.IOException probe) {
            return String.valueOf(probe.getMessage()).contains("No space left on device");
        }
    }

    /** Whether {@code t} or one of its causes is SQLite's "another connection holds the lock" (SQLITE_BUSY). */
    public static boolean busy(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException e && (String.valueOf(e.getMessage()).contains("SQLITE_BUSY")
                    || String.valueOf(e.getMessage()).contains("database is locked"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The damage {@code quick_check} finds for a dry run, which neither waits nor changes anything: a database another
     * connection keeps locked is not checked (busy is no damage), nor one with a hot journal, which a backup's
     * read-write open rolls back as SQLite does after an application's crash, but a read-only check cannot; when this
     * user could not roll it back either, the backup would fail: an ArchivistException says why. So it does for a
     * database the check cannot open for another reason than damage (a WAL database in a folder this user may not
     * write, where SQLite cannot make its -shm), which the backup could not read either: no damage of the database.
     */
    public static List<String> damageWithoutWaiting(Path db) {
        try {
            return problems(db, false, 0);
        } catch (SQLException e) {
            if (String.valueOf(e.getMessage()).contains("SQLITE_READONLY_ROLLBACK")) {
                hotJournalBlocker(db).ifPresent(why -> {
                    throw new ArchivistException("database " + db + ": " + why);
                });
                return List.of();
            }
            if (busy(e)) {
                return List.of();
            }
            String why = describe(e);
            if (why.startsWith("not a SQLite database") || why.startsWith("database is corrupt")) {
                return List.of(why);
            }
            throw new ArchivistException("database " + db + ": " + why);
        }
    }

    /**
     * Why the backup could not roll back the hot journal of {@code db}, if it could not: SQLite writes the database
     * file, then deletes the journal, so this user must be able to write both and their folder (else the backup
     * fails with SQLITE_READONLY_ROLLBACK, SQLITE_CANTOPEN or an I/O error on the delete).
     */
    private static java.util.Optional<String> hotJournalBlocker(Path db) {
        Path journal = db.resolveSibling(db.getFileName() + "-journal");
        for (Path p : List.of(db, journal, db.toAbsolutePath().getParent())) {
            if (!Files.isWritable(p)) {
                return java.util.Optional.of("a crashed writer left a hot journal, which the backup must roll back, but "
                        + p + " is not writable for this user (" + System.getProperty("user.name") + ")");
            }
        }
        return java.util.Optional.empty();
    }

    private static List<String> problems(Path db, boolean full) throws SQLException {
        return problems(db, full, BUSY_TIMEOUT_MILLIS);
    }

    private static List<String> problems(Path db, boolean full, int busyMillis) throws SQLException {
        try (Connection conn = open(db, true, busyMillis)) {
            return problems(conn, full);
        }
    }

    private static List<String> problems(Connection conn, boolean full) throws SQLException {
        List<String> problems = new ArrayList<>();
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery(full ? "PRAGMA integrity_check" : "PRAGMA quick_check")) {
            while (rs.next()) {
                String row = rs.getString(1);
                if (!"ok".equals(row)) {
                    // quick_check can return all its findings as one row of many lines: one problem per line
                    row.lines().filter(l -> !l.isBlank()).forEach(problems::add);
                }
            }
        }
        return problems;
    }

    /** Opens a database without ever creating it. */
    public static Connection open(Path db, boolean readOnly) throws SQLException {
        return open(db, readOnly, BUSY_TIMEOUT_MILLIS);
    }

    /** SQLite's {@code SQLITE_OPEN_NOFOLLOW} (3.31), which {@link SQLiteOpenMode} does not name. */
    private static final int OPEN_NOFOLLOW = 0x01000000;

    /**
     * Opens the existing database {@code db} read-write, refusing a link anywhere on its path
     * ({@code SQLITE_OPEN_NOFOLLOW}): for a live database whose path was resolved and checked before ({@code db} its
     * real path), in a folder another user may write, who could swap a link to another database in meanwhile.
     */
    public static Connection openResolved(Path db) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.resetOpenMode(SQLiteOpenMode.CREATE); // an existing file only
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        java.util.Properties props = config.toProperties();
        props.setProperty(SQLiteConfig.Pragma.OPEN_MODE.pragmaName,
                Integer.toString(config.getOpenModeFlags() | OPEN_NOFOLLOW));
        return DriverManager.getConnection("jdbc:sqlite:" + db, props);
    }

    /**
     * Opens a private copy that nothing writes any more (a backup's snapshot, a decompressed backup) read-only and
     * immutable: SQLite then makes no {@code -wal} or {@code -shm} beside it. A WAL-mode copy opened otherwise needs
     * two more inodes and 32 KiB of shared memory on its disk, which a nearly full one lacks: the check of a sound
     * backup failed for that, and verify and restore recorded the backup as damaged.
     */
    private static Connection openCopy(Path db) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.resetOpenMode(SQLiteOpenMode.CREATE);
        config.resetOpenMode(SQLiteOpenMode.READWRITE);
        config.setOpenMode(SQLiteOpenMode.READONLY);
        config.setOpenMode(SQLiteOpenMode.OPEN_URI);
        return DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath().toUri() + "?immutable=1", config.toProperties());
    }

    private static Connection open(Path db, boolean readOnly, int busyMillis) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.resetOpenMode(SQLiteOpenMode.CREATE);
        if (readOnly) {
            config.resetOpenMode(SQLiteOpenMode.READWRITE);
            config.setOpenMode(SQLiteOpenMode.READONLY);
        }
        config.setBusyTimeout(busyMillis);
        return DriverManager.getConnection("jdbc:sqlite:" + db, config.toProperties());
    }

    private static long single(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static String text(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : "";
        }
    }

    /**
     * As {@link #describe(SQLException)}, for a failure to open {@code db} that a folder where no new file can be made
     * (no inode left) explains: SQLite could not make its -wal or -shm there.
     */
    public static String describe(SQLException e, Path db) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("SQLITE_CANTOPEN") && noRoomBeside(e, db)) {
            return "no space left on device: no file can be made in " + db.toAbsolutePath().getParent()
                    + " for SQLite's -wal and -shm (no free inodes) (" + m + ")";
        }
        return describe(e);
    }

    /** Turns SQLite's error codes into words an operator understands. */
    public static String describe(SQLException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("SQLITE_NOTADB") || m.contains("not a database")) {
            return "not a SQLite database (" + m + ")";
        }
        if (m.contains("SQLITE_CORRUPT") || m.contains("malformed")) {
            return "database is corrupt (" + m + ")";
        }
        if (m.contains("SQLITE_CANTOPEN")) {
            return "cannot open (" + m + ")";
        }
        if (m.contains("SQLITE_FULL") || m.contains("SQLITE_IOERR_SHMSIZE")) { // the shared-memory file cannot grow
            return "no space left on device (" + m + ")";
        }
        if (busy(e)) {
            return "another connection kept the database locked for longer than Archivist waits (at least "
                    + BUSY_TIMEOUT_MILLIS / 1000 + " s: a long write transaction or an exclusive lock); try again when"
                    + " it is idle (" + m + ")";
        }
        return m;
    }
}
