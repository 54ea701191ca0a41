package dev.archivist.cli;

import dev.archivist.archive.Sha256;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The demo's proof that a restore reproduced the data: row counts per table and every file's content hash. */
final class DemoComparison {
    private DemoComparison() {
    }

    /** Prints the comparison; true when both are identical. */
    static boolean print(PrintWriter out, Path db, Path restoredDb, Path storage, Path restoredStorage)
            throws IOException, SQLException {
        Map<String, Long> a = rowCounts(db);
        Map<String, Long> b = rowCounts(restoredDb);
        out.println("  database: " + (a.equals(b) ? "identical row counts " : "DIFFERENT row counts ") + b);
        Map<String, String> fa = tree(storage);
        Map<String, String> fb = tree(restoredStorage);
        long same = fa.entrySet().stream().filter(e -> e.getValue().equals(fb.get(e.getKey()))).count();
        out.println("  storage: " + same + " of " + fa.size() + " entries identical (content SHA-256, symlink targets)"
                + (fa.equals(fb) ? "" : " - DIFFERENT"));
        out.flush();
        return a.equals(b) && fa.equals(fb);
    }

    private static Map<String, Long> rowCounts(Path db) throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")) {
                while (rs.next()) {
                    counts.put(rs.getString(1), 0L);
                }
            }
            for (String table : counts.keySet()) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM \"" + table.replace("\"", "\"\"") + "\"")) {
                    rs.next();
                    counts.put(table, rs.getLong(1));
                }
            }
        }
        return counts;
    }

    private static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                String rel = root.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    entries.put(rel, "-> " + Files.readSymbolicLink(p));
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    entries.put(rel, Sha256.ofFile(p));
                }
            }
        }
        return entries;
    }
}
