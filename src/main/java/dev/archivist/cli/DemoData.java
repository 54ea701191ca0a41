package dev.archivist.cli;

import dev.archivist.catalog.Durable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;

/** Creates the demo's sample application: a WAL-mode SQLite database with a few tables and a storage folder. */
final class DemoData {
    private DemoData() {
    }

    static void create(Path db, Path storage) throws IOException, SQLException {
        Durable.createDirectories(db.getParent());
        Random random = new Random(42);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("PRAGMA journal_mode=WAL");
            st.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT UNIQUE, created_at TEXT)");
            st.execute("CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), title TEXT, body TEXT)");
            st.execute("CREATE TABLE uploads (id INTEGER PRIMARY KEY, post_id INTEGER REFERENCES posts(id), path TEXT, size INTEGER)");
            st.execute("CREATE INDEX posts_by_user ON posts(user_id)");
            c.setAutoCommit(false);
            try (PreparedStatement u = c.prepareStatement("INSERT INTO users(name, email, created_at) VALUES (?,?,datetime('now'))");
                 PreparedStatement p = c.prepareStatement("INSERT INTO posts(user_id, title, body) VALUES (?,?,?)");
                 PreparedStatement f = c.prepareStatement("INSERT INTO uploads(post_id, path, size) VALUES (?,?,?)")) {
                for (int i = 1; i <= 1000; i++) {
                    u.setString(1, "user " + i);
                    u.setString(2, "user" + i + "@example.org");
                    u.addBatch();
                }
                u.executeBatch();
                for (int i = 1; i <= 3000; i++) {
                    p.setInt(1, 1 + random.nextInt(1000));
                    p.setString(2, "post " + i);
                    p.setString(3, "lorem ipsum ".repeat(1 + random.nextInt(40)));
                    p.addBatch();
                }
                p.executeBatch();
                for (int i = 1; i <= 2000; i++) {
                    f.setInt(1, 1 + random.nextInt(3000));
                    f.setString(2, "photos/" + (i % 20) + "/img-" + i + ".jpg");
                    f.setInt(3, 1000 + random.nextInt(100_000));
                    f.addBatch();
                }
                f.executeBatch();
            }
            c.commit();
        }
        Durable.ensureDirectory(storage);
        for (int d = 0; d < 5; d++) {
            Path dir = storage.resolve("photos/album-" + d);
            Durable.createDirectories(dir);
            for (int i = 0; i < 20; i++) {
                byte[] bytes = new byte[4096 + random.nextInt(32_768)];
                random.nextBytes(bytes);
                Files.write(dir.resolve("img-" + i + ".jpg"), bytes);
            }
        }
        Path docs = storage.resolve("documents");
        Durable.createDirectories(docs);
        for (int i = 0; i < 30; i++) {
            Files.writeString(docs.resolve("report " + i + ".txt"), ("Quarterly report " + i + "\n").repeat(200), StandardCharsets.UTF_8);
        }
        Files.writeString(docs.resolve("résumé-ünïcode.txt"), "unicode name\n", StandardCharsets.UTF_8);
        Files.createSymbolicLink(storage.resolve("latest-report.txt"), Path.of("documents/report 29.txt"));
    }
}
