package dev.archivist.recovery;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A stand-in for the application during a database restore: keeps one connection to the database open and reads it in
 * a loop until {@code stopFile} exists. Prints every new result ({@code rows=… marker=…}) and counts SQLITE_BUSY retries;
 * any other error prints {@code ERROR …} and exits 2. Run as a separate process by {@link LiveDatabaseRestoreTest}.
 */
public final class LoopingReader {
    private LoopingReader() {
    }

    public static void main(String[] args) throws Exception {
        Path db = Path.of(args[0]);
        Path stopFile = Path.of(args[1]);
        int busy = 0;
        long reads = 0;
        String last = null;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            while (!Files.exists(stopFile)) {
                try (ResultSet rs = st.executeQuery("SELECT count(*), (SELECT name FROM items WHERE id = 1), sum(length(payload)) FROM items")) {
                    rs.next();
                    String now = "rows=" + rs.getLong(1) + " first=" + rs.getString(2) + " bytes=" + rs.getLong(3);
                    reads++;
                    if (!now.equals(last)) {
                        System.out.println(now);
                        System.out.flush();
                        last = now;
                    }
                } catch (SQLException e) {
                    String m = String.valueOf(e.getMessage());
                    if (m.contains("SQLITE_BUSY") || m.contains("database is locked")) {
                        busy++;
                        Thread.sleep(5);
                        continue;
                    }
                    System.out.println("ERROR " + m);
                    System.out.flush();
                    System.exit(2);
                }
                Thread.sleep(2);
            }
        }
        System.out.println("done reads=" + reads + " busy=" + busy);
        System.out.flush();
    }
}
