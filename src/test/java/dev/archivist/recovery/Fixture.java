package dev.archivist.recovery;

import dev.archivist.BackupService;
import dev.archivist.catalog.Manifest;
import dev.archivist.cli.Main;
import dev.archivist.config.ConfigKey;
import dev.archivist.config.Settings;
import dev.archivist.config.SettingsLoader;
import dev.archivist.testing.CliProcess;
import dev.archivist.testing.TestDb;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import picocli.CommandLine;

/**
 * One application to back up and restore, in a temporary folder: {@code app.db}, {@code storage/}, {@code backups/},
 * with the configuration as variables; the facade, the CLI in this JVM ({@link #cli}) or as a process ({@link #process}),
 * and exact snapshots of the data (every row; every file's type, content, mode, mtime and symlink target).
 */
final class Fixture {
    final Path root;
    final Path db;
    final Path storage;
    final Path backups;
    final Map<String, String> vars = new LinkedHashMap<>();

    Fixture(Path root) {
        this.root = root;
        this.db = root.resolve("app.db");
        this.storage = root.resolve("storage");
        this.backups = root.resolve("backups");
        vars.put("DATABASE_URL", db.toString());
        vars.put("STORAGE_PATH", storage.toString());
        vars.put("BACKUP_DIR", backups.toString());
        vars.put("JSON_LOGS", "false");
        vars.put("LOG_LEVEL", "WARN");
        vars.put("BACKUP_LOCK_TIMEOUT_SECONDS", "5");
    }

    Fixture set(String name, String value) {
        vars.put(name, value);
        return this;
    }

    Settings settings() {
        Map<ConfigKey, String> flags = new EnumMap<>(ConfigKey.class);
        vars.forEach((k, v) -> flags.put(ConfigKey.valueOf(k), v));
        return SettingsLoader.load(Map.of(), root.resolve("no-such.env"), false, flags);
    }

    BackupService service() {
        return new BackupService(settings(), Clock.systemUTC(), n -> { });
    }

    /** Result of a CLI run. */
    record Run(int exitCode, String stdout, String stderr) {
        String describe() {
            return "exit " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }

    /** Runs the CLI in this JVM; the configuration goes in as {@code --set} flags (the highest precedence). */
    Run cli(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        vars.forEach((k, v) -> {
            all.add("--set");
            all.add(k + "=" + v);
        });
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    /** The CLI as a separate JVM with exactly these variables as its environment. */
    CliProcess process() {
        return new CliProcess(root).env(vars);
    }

    // ---------------------------------------------------------------- data

    /** Damages {@code file} as a bad block would: one bit of its middle byte flipped. */
    static void flipAByte(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file, bytes);
    }

    /** A database with {@code rows} rows (WAL mode). */
    Fixture database(int rows) throws Exception {
        TestDb.create(db, TestDb.Mode.WAL, rows, 200);
        return this;
    }

    /**
     * A varied storage tree: nested folders, empty files and folders, odd names, several modes, fixed mtimes with
     * sub-second parts, symlinks to files and folders (and a dangling one), and {@code randomBytes} of incompressible
     * data spread over a few files.
     */
    Fixture storage(long seed, long randomBytes) throws IOException {
        Random r = new Random(seed);
        Files.createDirectories(storage);
        String[] dirs = {"photos/2024/summer", "photos/2025", "documents", "documents/deep/er/still", "empty dir", "ünïcødé ✓"};
        for (String d : dirs) {
            Files.createDirectories(storage.resolve(d));
        }
        String[] modes = {"rw-r--r--", "rw-------", "rwxr-xr-x", "r--r--r--", "rw-rw-r--"};
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String d = dirs[r.nextInt(dirs.length - 1)];
            Path f = storage.resolve(d).resolve("file " + i + (i % 3 == 0 ? ".txt" : ".bin"));
            int size = i == 0 ? 0 : r.nextInt(i % 5 == 0 ? 70_000 : 3000);
            byte[] data = new byte[size];
            if (i % 2 == 0) {
                r.nextBytes(data);
            } else {
                for (int b = 0; b < size; b++) {
                    data[b] = (byte) ('a' + (b * 7 + i) % 26);
                }
            }
            Files.write(f, data);
            files.add(f);
        }
        Files.writeString(storage.resolve("ünïcødé ✓").resolve("naïve café.txt"), "hello ✓\n");
        files.add(storage.resolve("ünïcødé ✓").resolve("naïve café.txt"));
        long remaining = randomBytes;
        int n = 0;
        while (remaining > 0) {
            int size = (int) Math.min(remaining, 1_300_000);
            byte[] data = new byte[size];
            r.nextBytes(data);
            Path f = storage.resolve("photos/2025").resolve("IMG_" + n++ + ".raw");
            Files.write(f, data);
            files.add(f);
            remaining -= size;
        }
        for (Path f : files) {
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(modes[r.nextInt(modes.length)]));
            Files.setLastModifiedTime(f, FileTime.fromMillis(1_600_000_000_000L + r.nextInt(1_000_000_000) * 1000L + r.nextInt(1000)));
        }
        Files.createSymbolicLink(storage.resolve("latest.txt"), storage.relativize(files.get(3)));
        Files.createSymbolicLink(storage.resolve("documents/photos-link"), Path.of("../photos"));
        Files.createSymbolicLink(storage.resolve("dangling"), Path.of("not-there/any-more"));
        for (String d : new String[] {"photos/2024/summer", "documents/deep/er/still", "empty dir"}) {
            Files.setPosixFilePermissions(storage.resolve(d), PosixFilePermissions.fromString("rwxr-x---"));
            Files.setLastModifiedTime(storage.resolve(d), FileTime.fromMillis(1_500_000_000_123L));
        }
        return this;
    }

    // ---------------------------------------------------------------- snapshots

    /** The live data at one moment: the rows of {@code items} in the database, and the storage tree ({@link Fixture#tree}). */
    record Generation(long rows, Map<String, String> tree) {
        static Generation of(Fixture f) throws Exception {
            return new Generation(TestDb.count(f.db, "items"), Fixture.tree(f.storage));
        }
    }

    /**
     * Every entry under {@code dir} (not {@code dir} itself): relative path → type, mode, mtime (ms), and SHA-256 of
     * the content or the symlink target. Folder mtimes are included.
     */
    static Map<String, String> tree(Path dir) throws IOException {
        Map<String, String> result = new TreeMap<>();
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return result;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                if (!d.equals(dir)) {
                    result.put(dir.relativize(d).toString(), describe(d));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (!d.equals(dir)) {
                    result.put(dir.relativize(d).toString(), describe(d)); // after the children were read
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                result.put(dir.relativize(f).toString(), describe(f));
                return FileVisitResult.CONTINUE;
            }
        });
        return result;
    }

    static String describe(Path p) throws IOException {
        if (Files.isSymbolicLink(p)) {
            return "symlink -> " + Files.readSymbolicLink(p);
        }
        String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
        long mtime = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis();
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            return "dir " + mode + " " + mtime;
        }
        return "file " + mode + " " + mtime + " " + Files.size(p) + " " + TestDb.sha256(p);
    }

    /** Every row of every table, in primary-key order, as text. */
    static List<String> rows(Path database) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = TestDb.open(database); Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String t : tables) {
                try (ResultSet rs = st.executeQuery("SELECT * FROM \"" + t + "\" ORDER BY rowid")) {
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        StringBuilder sb = new StringBuilder(t);
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            Object v = rs.getObject(i);
                            sb.append('|').append(v instanceof byte[] b ? HexFormat.of().formatHex(b) : String.valueOf(v));
                        }
                        rows.add(sb.toString());
                    }
                }
            }
        }
        return rows;
    }

    /** SHA-256 of every file under the backup directory except the lock and state folder. */
    Map<String, String> backupFiles() throws IOException {
        Map<String, String> result = new TreeMap<>();
        for (String t : List.of("database", "storage", "full")) {
            Path d = backups.resolve(t);
            if (Files.isDirectory(d)) {
                try (var s = Files.list(d)) {
                    for (Path f : s.toList()) {
                        result.put(t + "/" + f.getFileName(), TestDb.sha256(f) + " " + Files.getLastModifiedTime(f).toMillis());
                    }
                }
            }
        }
        return result;
    }

    /**
     * Waits, while {@code run} is alive and for at most two minutes, until a name in {@code dir} matches {@code name}
     * (a restore's staging folder, the folder its swap set aside): the moment a test signals it.
     */
    static void awaitName(dev.archivist.testing.CliProcess.Running run, Path dir,
            java.util.function.Predicate<String> name) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (run.process().isAlive() && System.nanoTime() < deadline && names(dir).stream().noneMatch(name)) {
            Thread.sleep(1);
        }
    }

    /** Names in a folder. */
    static List<String> names(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static Manifest readManifest(Path file) throws IOException {
        return Manifest.read(file);
    }

    static String text(Path f) throws IOException {
        return Files.readString(f, StandardCharsets.UTF_8);
    }
}
