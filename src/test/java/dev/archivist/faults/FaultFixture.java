package dev.archivist.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.BackupService;
import dev.archivist.BackupType;
import dev.archivist.catalog.Catalog;
import dev.archivist.catalog.Durable;
import dev.archivist.catalog.Manifest;
import dev.archivist.config.Settings;
import dev.archivist.config.SettingsLoader;
import dev.archivist.restore.RestoreFiles;
import dev.archivist.testing.CliProcess;
import dev.archivist.testing.TestDb;
import dev.archivist.verify.VerifyReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * One application sandbox for fault tests: {@code app.db} (WAL), {@code storage/}, {@code backups/}, the environment
 * for the CLI and the same configuration as {@link Settings} for the in-process facade, plus the oracles: content
 * hashes of the database rows and of the storage tree, and the "catalog is clean" check.
 */
final class FaultFixture {
    final Path root;
    final Path db;
    final Path storage;
    Path backups;
    final Map<String, String> env = new LinkedHashMap<>();

    FaultFixture(Path root) {
        this.root = root;
        this.db = root.resolve("app.db");
        this.storage = root.resolve("storage");
        this.backups = root.resolve("backups");
        env.put("DATABASE_URL", db.toString());
        env.put("STORAGE_PATH", storage.toString());
        env.put("BACKUP_DIR", backups.toString());
        env.put("JSON_LOGS", "false");
        env.put("LOG_LEVEL", "WARN");
        env.put("MAX_BACKUPS", "100");
    }

    FaultFixture set(String key, String value) {
        env.put(key, value);
        if (key.equals("BACKUP_DIR")) {
            backups = Path.of(value);
        }
        return this;
    }

    Settings settings() {
        return SettingsLoader.load(env, null, false, Map.of());
    }

    BackupService service() {
        return new BackupService(settings());
    }

    CliProcess cli() {
        return new CliProcess(root).env(env);
    }

    Catalog catalog() {
        return new Catalog(backups);
    }

    // ---- data -------------------------------------------------------------------------------------------------

    /** Creates the database with {@code rows} rows of {@code payload} bytes (names seeded by {@code version}). */
    FaultFixture database(int rows, int payload) throws Exception {
        TestDb.create(db, TestDb.Mode.WAL, rows, payload);
        return this;
    }

    /** Replaces the database's rows with another deterministic set (a second "version"). */
    void rewriteDatabase(int rows, int payload, long firstId) throws Exception {
        try (Connection c = TestDb.open(db); Statement st = c.createStatement()) {
            st.execute("DELETE FROM items");
            TestDb.insert(c, rows, payload, firstId);
        }
    }

    /**
     * Fills {@code storage} with {@code files} random files ({@code f0.bin}, ...) of {@code size} bytes each, which do
     * not compress: an archive of their total size, split into 1 MiB parts by {@code BACKUP_MAX_SIZE_MB=1}.
     */
    static void incompressibleFiles(Path storage, int files, int size) throws IOException {
        for (int i = 0; i < files; i++) {
            byte[] content = new byte[size];
            new Random(i).nextBytes(content);
            Files.write(storage.resolve("f" + i + ".bin"), content);
        }
    }

    /** Writes a storage tree: {@code files} files of about {@code size} bytes in a few folders, half random. */
    static void writeTree(Path dir, long seed, int files, int size) throws IOException {
        Random r = new Random(seed);
        Files.createDirectories(dir);
        for (int i = 0; i < files; i++) {
            Path f = dir.resolve("d" + (i % 4)).resolve("sub" + (i % 3)).resolve("file-" + seed + "-" + i + ".bin");
            Files.createDirectories(f.getParent());
            byte[] b = new byte[size / 2 + r.nextInt(size)];
            if (i % 2 == 0) {
                r.nextBytes(b);
            } else {
                for (int k = 0; k < b.length; k++) {
                    b[k] = (byte) ('a' + (k * 7 + i) % 26);
                }
            }
            Files.write(f, b);
        }
        Files.writeString(dir.resolve("README-" + seed + ".txt"), "version " + seed + "\n");
    }

    // ---- oracles ----------------------------------------------------------------------------------------------

    /** SHA-256 over every row of {@code items} in id order (what the application sees), or "missing". */
    static String dbHash(Path db) throws Exception {
        if (!Files.exists(db)) {
            return "missing";
        }
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (Connection c = TestDb.open(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, name, payload FROM items ORDER BY id")) {
            while (rs.next()) {
                md.update((rs.getLong(1) + "|" + rs.getString(2) + "|").getBytes(StandardCharsets.UTF_8));
                byte[] p = rs.getBytes(3);
                md.update(p == null ? new byte[0] : p);
                md.update((byte) '\n');
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** SHA-256 over a tree: each entry's relative path, type and content (or link target), in sorted order. */
    static String treeHash(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return "missing";
        }
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Map.Entry<String, String> e : snapshot(dir).entrySet()) {
            md.update((e.getKey() + "=" + e.getValue() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Relative path → "dir" | "link:&lt;target&gt;" | "file:&lt;sha256&gt;" | "other", without following links. */
    static TreeMap<String, String> snapshot(Path dir) throws IOException {
        TreeMap<String, String> out = new TreeMap<>();
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return out;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                String rel = dir.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    out.put(rel, "link:" + Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.put(rel, "dir");
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.put(rel, "file:" + TestDb.sha256(p));
                } else {
                    out.put(rel, "other");
                }
            }
        }
        return out;
    }

    /** Remembers which backups were already verified deeply, so each crash iteration only reads the new ones. */
    final Set<String> deeplyVerified = new HashSet<>();

    /**
     * Every listed backup verifies clean (deep for new ones, checksums for those already read), and every listed full
     * backup has both components.
     */
    List<Manifest> assertEveryListedBackupVerifies(String context) {
        BackupService service = service();
        List<Manifest> all = service.list(null);
        for (Manifest m : all) {
            boolean deep = deeplyVerified.add(m.id() + "/" + m.checksum());
            VerifyReport report = service.verify(m, deep);
            assertThat(report.problems()).as("listed backup %s must verify clean; %s", m.id(), context).isEmpty();
            if (m.type() == BackupType.FULL) {
                assertThat(service.catalog().componentsPresent(m)).as("full %s has its components; %s", m.id(), context).isTrue();
            }
        }
        return all;
    }

    /**
     * No leftovers: no {@code .tmp-*} anywhere in the backup directory, every file of a type folder is a readable
     * manifest or a file a manifest owns, and no {@code .archivist-restore-*} beside the database or storage folder.
     */
    /** No backup is marked as being written: a failed one ended its mark with the files it removed. */
    void assertNoInFlightMarks(String context) throws IOException {
        Path marks = catalog().stateDir().resolve("in-flight");
        if (Files.isDirectory(marks)) {
            try (var names = Files.list(marks)) {
                assertThat(names.map(p -> p.getFileName().toString())).as("in-flight marks; %s", context).isEmpty();
            }
        }
    }

    void assertNoLeftovers(String context) throws IOException {
        Catalog catalog = catalog();
        for (BackupType t : BackupType.values()) {
            Path dir = catalog.dir(t);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            Set<String> owned = new HashSet<>();
            Map<String, Manifest> byName = new HashMap<>();
            for (Manifest m : catalog.list(t)) {
                byName.put(Manifest.fileName(m.id()), m);
                owned.addAll(m.ownedFiles());
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path f : files) {
                    String n = f.getFileName().toString();
                    assertThat(n).as("leftover temporary file in %s; %s", dir, context).doesNotStartWith(Durable.TEMP_PREFIX);
                    assertThat(byName.containsKey(n) || owned.contains(n))
                            .as("file %s in %s belongs to no listed backup; %s", n, dir, context).isTrue();
                }
            }
        }
        try (var walk = Files.walk(catalog.stateDir())) {
            assertThat(walk.map(p -> p.getFileName().toString())).as("state folder temporaries; %s", context)
                    .noneMatch(n -> n.startsWith(Durable.TEMP_PREFIX));
        }
        try (DirectoryStream<Path> siblings = Files.newDirectoryStream(root)) {
            List<String> names = new ArrayList<>();
            siblings.forEach(p -> names.add(p.getFileName().toString()));
            assertThat(names).as("restore leftovers beside the live data; %s", context)
                    .noneMatch(n -> n.startsWith(RestoreFiles.PREFIX));
        }
    }
}
