package dev.archivist.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** Real SQLite databases for tests (sqlite-jdbc), and the stock {@code sqlite3}/{@code zstd}/... tools. */
public final class TestDb {
    private TestDb() {
    }

    /** Journal mode of a test database. */
    public enum Mode {
        WAL("wal"), ROLLBACK("delete");

        public final String pragma;

        Mode(String pragma) {
            this.pragma = pragma;
        }
    }

    /**
     * Creates {@code db} with a table {@code items(id INTEGER PRIMARY KEY, name TEXT, payload BLOB)}, an index on
     * {@code name} and {@code rows} deterministic rows of about {@code payloadBytes} bytes each.
     */
    public static Path create(Path db, Mode mode, int rows, int payloadBytes) throws SQLException {
        try (Connection c = open(db); Statement st = c.createStatement()) {
            st.execute("PRAGMA journal_mode=" + mode.pragma);
            st.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, payload BLOB)");
            st.execute("CREATE INDEX items_by_name ON items(name)");
            insert(c, rows, payloadBytes, 1);
        }
        return db;
    }

    /**
     * Quickly creates a biggish database with the stock {@code sqlite3}: {@code items(id, name, payload)} with
     * {@code mib} MiB of 4000-byte payloads, alternately random (incompressible) and zero (compressible), and an index.
     */
    public static Path createBig(Path db, Mode mode, int mib) throws IOException, InterruptedException {
        long rows = mib * 1024L * 1024L / 4100L;
        Tool t = sqlite3(db, "PRAGMA page_size=4096; PRAGMA journal_mode=" + mode.pragma + ";"
                + " CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT NOT NULL, payload BLOB);"
                + " WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < " + rows + ")"
                + " INSERT INTO items(name, payload) SELECT 'item-'||x, CASE WHEN x%2 THEN randomblob(4000) ELSE zeroblob(4000) END FROM c;"
                + " CREATE INDEX items_by_name ON items(name);");
        if (t.exitCode() != 0) {
            throw new AssertionError("sqlite3 could not create " + db + ": " + t.describe());
        }
        return db;
    }

    /** Inserts {@code rows} more rows in one transaction, names continuing at {@code firstId}. */
    public static void insert(Connection c, int rows, int payloadBytes, long firstId) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        Random random = new Random(firstId);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO items(name, payload) VALUES (?, ?)")) {
            for (int i = 0; i < rows; i++) {
                ps.setString(1, "item-" + (firstId + i) + "-" + Integer.toHexString(random.nextInt()));
                byte[] payload = new byte[payloadBytes];
                // half compressible text, half random bytes
                for (int b = 0; b < payloadBytes / 2; b++) {
                    payload[b] = (byte) ('a' + (b % 26));
                }
                byte[] noise = new byte[payloadBytes - payloadBytes / 2];
                random.nextBytes(noise);
                System.arraycopy(noise, 0, payload, payloadBytes / 2, noise.length);
                ps.setBytes(2, payload);
                ps.addBatch();
                if (i % 1000 == 999) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
        c.commit();
        c.setAutoCommit(auto);
    }

    public static Connection open(Path db) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + db);
    }

    /** {@code SELECT count(*) FROM table} through sqlite-jdbc. */
    public static long count(Path db, String table) throws SQLException {
        try (Connection c = open(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Result of an external tool. */
    public record Tool(int exitCode, String stdout, String stderr) {
        public String describe() {
            return "exit " + exitCode + ", stdout: " + stdout + ", stderr: " + stderr;
        }
    }

    /** Runs the stock {@code sqlite3} on {@code db} with one SQL text. */
    public static Tool sqlite3(Path db, String sql) throws IOException, InterruptedException {
        return tool(List.of("sqlite3", "-batch", db.toString(), sql));
    }

    /** Stock {@code sqlite3} {@code PRAGMA integrity_check} output, trimmed ("ok" when healthy). */
    public static String integrityCheck(Path db) throws IOException, InterruptedException {
        Tool t = sqlite3(db, "PRAGMA integrity_check;");
        return (t.stdout() + t.stderr()).strip();
    }

    /** Row count through the stock {@code sqlite3}. */
    public static long countWithSqlite3(Path db, String table) throws IOException, InterruptedException {
        Tool t = sqlite3(db, "SELECT count(*) FROM " + table + ";");
        if (t.exitCode() != 0) {
            throw new AssertionError("sqlite3 count failed: " + t.describe());
        }
        return Long.parseLong(t.stdout().strip());
    }

    /**
     * Decompresses a stored backup file with the stock tool of its codec ({@code zstd}, {@code gz}, {@code xz} or
     * {@code none}) into {@code out}.
     */
    public static Path decompressWithStockTool(Path stored, String compression, Path out) throws IOException, InterruptedException {
        List<String> cmd = switch (compression) {
            case "zstd" -> List.of("zstd", "-d", "-q", "-f", "-o", out.toString(), stored.toString());
            case "gz" -> List.of("sh", "-c", "gzip -dc \"$0\" > \"$1\"", stored.toString(), out.toString());
            case "xz" -> List.of("sh", "-c", "xz -dc \"$0\" > \"$1\"", stored.toString(), out.toString());
            case "none" -> List.of("cp", stored.toString(), out.toString());
            default -> throw new IllegalArgumentException(compression);
        };
        Tool t = tool(cmd);
        if (t.exitCode() != 0) {
            throw new AssertionError(cmd + " failed: " + t.describe());
        }
        return out;
    }

    /** Runs a command, waits up to 5 minutes, returns its output. */
    public static Tool tool(List<String> cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile("tool-out", ".txt");
        Path err = Files.createTempFile("tool-err", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError(cmd + " timed out");
            }
            return new Tool(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Whether a command is on the PATH. */
    public static boolean onPath(String command) {
        try {
            return tool(List.of("sh", "-c", "command -v " + command)).exitCode() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** SHA-256 of a file, hex (the product's own helper: tests compare with what it stores). */
    public static String sha256(Path file) throws IOException {
        return dev.archivist.archive.Sha256.ofFile(file);
    }

    /**
     * Corrupts a database in place the way a bad disk would: overwrites one whole b-tree page in the middle of the file
     * (not page 1, so the header stays valid) with deterministic garbage. The caller should confirm with
     * {@link #sqlite3} that {@code PRAGMA quick_check} now fails.
     */
    public static void corruptMiddlePage(Path db) throws IOException {
        long pageSize;
        byte[] header = new byte[100];
        try (var ch = java.nio.channels.FileChannel.open(db, java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
            ch.read(java.nio.ByteBuffer.wrap(header), 0);
            int ps = ((header[16] & 0xff) << 8) | (header[17] & 0xff);
            pageSize = ps == 1 ? 65536 : ps;
            long pages = ch.size() / pageSize;
            long page = Math.max(2, pages / 2); // 0-based page index; page 1 (index 0) keeps the header intact
            byte[] garbage = new byte[(int) pageSize];
            new Random(7).nextBytes(garbage);
            ch.write(java.nio.ByteBuffer.wrap(garbage), page * pageSize);
            ch.force(true);
        }
    }

    /** Lists every file (recursively) under {@code dir}, relative, sorted; empty when {@code dir} is missing. */
    public static List<String> files(Path dir) throws IOException {
        List<String> result = new ArrayList<>();
        if (!Files.exists(dir)) {
            return result;
        }
        for (int attempt = 1; ; attempt++) {
            try (var walk = Files.walk(dir)) {
                walk.filter(Files::isRegularFile).forEach(p -> result.add(dir.relativize(p).toString()));
                break;
            } catch (UncheckedIOException e) {
                // a file renamed or removed between the listing and its stat (a backup running beside): walk again
                if (!(e.getCause() instanceof NoSuchFileException) || attempt == 20) {
                    throw e;
                }
                result.clear();
            }
        }
        result.sort(null);
        return result;
    }
}
