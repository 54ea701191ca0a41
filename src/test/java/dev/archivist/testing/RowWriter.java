package dev.archivist.testing;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * A stand-in for the live application: a separate process that inserts rows continuously into
 * {@code items(id, name, payload)}, one transaction per row, and appends the committed row count to a log after every
 * commit (the first line is the count before it started). Stops when the stop file appears. Exits 0 only if no
 * statement ever failed; any error is printed on stderr and gives exit 1.
 *
 * <p>Usage: {@code RowWriter DB JOURNAL_MODE(wal|delete) COUNT_LOG STOP_FILE [PAYLOAD_BYTES]} (200 bytes a row unless
 * given; rows larger than a page make every commit grow the file)
 */
public final class RowWriter {
    private RowWriter() {
    }

    public static void main(String[] args) throws Exception {
        Path db = Path.of(args[0]);
        String mode = args[1];
        Path log = Path.of(args[2]);
        Path stop = Path.of(args[3]);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                     StandardOpenOption.CREATE, StandardOpenOption.APPEND))) {
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA busy_timeout = 120000");
                st.execute("PRAGMA journal_mode = " + mode);
            }
            long count;
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM items")) {
                rs.next();
                count = rs.getLong(1);
            }
            out.println(count);
            out.flush();
            c.setAutoCommit(false);
            byte[] payload = new byte[args.length > 4 ? Integer.parseInt(args[4]) : 200];
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO items(name, payload) VALUES (?, ?)")) {
                while (!Files.exists(stop)) {
                    ps.setString(1, "live-" + count);
                    ps.setBytes(2, payload);
                    ps.executeUpdate();
                    c.commit();
                    count++;
                    out.println(count);
                    out.flush();
                }
            }
        } catch (Exception e) {
            System.err.println("writer failed: " + e);
            System.exit(1);
        }
        System.exit(0);
    }
}
