package dev.archivist.storage;

import dev.archivist.testing.Trees;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.archivist.archive.IndexEntry;
import dev.archivist.archive.IndexReader;
import dev.archivist.testing.CliProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Storage trees, tree descriptions, stock-tool extraction and CLI runs shared by the storage/full backup tests of
 * issue 3 (service and CLI level; the archive layer has its own helpers in {@code dev.archivist.archive}).
 */
final class StorageFixtures {
    /** Strict JSON: trailing content after the document fails the parse (stdout must be pure JSON). */
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    static final String LONG_NAME = "l".repeat(120) + "-" + "n".repeat(90) + ".txt"; // 215 bytes
    static final String UNICODE_NAME = "Ünïcødé ✓ 日本語 😀.txt";
    static final String EXCLUDES = "**/*.tmp, cache/**";

    private StorageFixtures() {
    }

    /**
     * Every awkward case: an empty folder (and an empty nested one), empty files, names with spaces, Unicode
     * (including a character outside the BMP) and over 200 bytes, a path over 500 bytes, 40 levels of nesting,
     * symlinks inside, to a folder, dangling and pointing outside the root, an executable, a private file,
     * {@code randomMiB} MiB of incompressible data (so every codec writes that much), files matching
     * {@link #EXCLUDES} (which must not be stored), a FIFO and (where possible) a Unix socket, which are skipped.
     * Mtimes are set to distinct whole-second values.
     */
    static void buildAwkward(Path root, Path outside, double randomMiB) throws IOException {
        Random rnd = new Random(42);
        Files.createDirectories(root.resolve("empty-dir"));
        Files.createDirectories(root.resolve("nested/empty/inner"));
        Files.createFile(root.resolve("empty-file"));
        Files.createDirectories(root.resolve("docs"));
        Files.createFile(root.resolve("docs/empty.txt"));
        Files.writeString(root.resolve("docs/with space name.txt"), "spaces\n");
        Files.createDirectories(root.resolve("folder with  spaces "));
        Files.writeString(root.resolve("folder with  spaces /  leading and trailing  "), "blanks\n");
        Files.writeString(root.resolve("docs/" + UNICODE_NAME), "unicode\n");
        Files.writeString(root.resolve("docs/" + LONG_NAME), "long\n");
        Path longDir = Files.createDirectories(root.resolve("d".repeat(150) + "/" + "é".repeat(100)));
        Files.writeString(longDir.resolve("f".repeat(200) + ".bin"), "deep long\n");
        Path deep = root;
        for (int i = 0; i < 40; i++) {
            deep = deep.resolve("level" + i);
        }
        Files.createDirectories(deep);
        Files.writeString(deep.resolve("bottom.txt"), "bottom\n");
        byte[] big = new byte[(int) (randomMiB * 1024 * 1024) + 17];
        rnd.nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 20000; i++) {
            text.append("line ").append(i).append(" of some compressible text\n");
        }
        Files.writeString(root.resolve("docs/text.txt"), text);
        for (int i = 0; i < 60; i++) {
            byte[] b = new byte[rnd.nextInt(5000)];
            rnd.nextBytes(b);
            Files.write(Files.createDirectories(root.resolve("many/d" + (i % 6))).resolve("f" + i), b);
        }
        Path exe = root.resolve("run.sh");
        Files.writeString(exe, "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-x---"));
        Files.setPosixFilePermissions(root.resolve("docs/empty.txt"), PosixFilePermissions.fromString("rw-------"));
        Files.writeString(outside, "outside\n");
        Files.createSymbolicLink(root.resolve("link-inside"), Path.of("docs/text.txt"));
        Files.createSymbolicLink(root.resolve("link-outside"), outside);
        Files.createSymbolicLink(root.resolve("link-dangling"), Path.of("../nowhere/at all"));
        Files.createSymbolicLink(root.resolve("link-to-dir"), Path.of("docs"));
        Files.createSymbolicLink(root.resolve("docs/link up ✓"), Path.of("../run.sh"));
        // excluded by EXCLUDES
        Files.writeString(root.resolve("top.tmp"), "excluded\n");
        Files.writeString(root.resolve("docs/draft.tmp"), "excluded\n");
        Files.writeString(deep.resolve("deep.tmp"), "excluded\n");
        Files.createDirectories(root.resolve("cache/sub"));
        Files.writeString(root.resolve("cache/a.bin"), "excluded\n");
        Files.writeString(root.resolve("cache/sub/b.bin"), "excluded\n");
        Files.writeString(root.resolve("docs/cache"), "not excluded: cache/** is relative to the root\n");
        setMtimes(root, 1_700_000_000L);
        // special files: skipped and recorded
        mkfifo(root.resolve("a-fifo"));
        unixSocket(root.resolve("a-socket"));
    }

    /** Paths (relative) the awkward tree's excludes remove: the {@code cache} folder itself stays, empty. */
    static boolean excluded(String rel) {
        return rel.endsWith(".tmp") || rel.startsWith("cache/");
    }

    /** Writes {@code mib} MiB of seeded random bytes (incompressible, as a video's) to {@code file}. */
    static void randomFile(Path file, int mib, long seed) throws IOException {
        try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(file))) {
            java.util.Random random = new java.util.Random(seed);
            byte[] block = new byte[1 << 20];
            for (int i = 0; i < mib; i++) {
                random.nextBytes(block);
                out.write(block);
            }
        }
    }

    static void mkfifo(Path p) throws IOException {
        try {
            sh("mkfifo " + q(p));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** Creates a Unix domain socket file (left bound: the channel is closed, the file stays). */
    static void unixSocket(Path p) throws IOException {
        try (ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.bind(UnixDomainSocketAddress.of(p));
        }
    }

    static void setMtimes(Path root, long epochSeconds) throws IOException {
        Trees.setMtimes(root, epochSeconds);
    }

    static TreeMap<String, String> describe(Path root) throws IOException {
        return Trees.describe(root);
    }

    static TreeMap<String, String> describe(Path root, java.util.function.Predicate<String> keep) throws IOException {
        return Trees.describe(root, keep);
    }

    static String sha256(byte[] data) {
        return Trees.sha256(data);
    }

    static String sha256(Path file) throws IOException {
        return Trees.sha256(file);
    }

    static String sh(String script) throws IOException, InterruptedException {
        return Trees.sh(script);
    }

    static String q(Object p) {
        return Trees.q(p);
    }

    /** The stock decompressor of a codec, reading stdin. */
    static String decompressCommand(String codec) {
        return switch (codec) {
            case "zstd" -> "zstd -d -c";
            case "gz" -> "gzip -d -c";
            case "xz" -> "xz -d -c";
            default -> "cat";
        };
    }

    /** {@code cat parts… | codec -d | tar -x -p -C out}: recovery with stock tools only. */
    static Path extractWithStockTools(List<Path> parts, String codec, Path out) throws Exception {
        Files.createDirectories(out);
        String cat = parts.stream().map(StorageFixtures::q).collect(Collectors.joining(" "));
        sh("set -o pipefail; cat " + cat + " | " + decompressCommand(codec) + " | tar -x -p -C " + q(out));
        return out;
    }

    /** The part files of a storage manifest, in manifest order. */
    static List<Path> partPaths(Path storageDir, JsonNode manifest) {
        List<Path> parts = new ArrayList<>();
        manifest.path("parts").forEach(p -> parts.add(storageDir.resolve(p.path("path").asText())));
        return parts;
    }

    /** The per-file index named by a storage manifest, by path. */
    static Map<String, IndexEntry> readIndex(Path storageDir, JsonNode manifest) throws IOException {
        Map<String, IndexEntry> byPath = new LinkedHashMap<>();
        try (IndexReader r = new IndexReader(storageDir.resolve(manifest.path("index").path("path").asText()))) {
            r.forEachRemaining(e -> byPath.put(e.path(), e));
        }
        return byPath;
    }

    /** A CLI subprocess with human-readable logs and quiet defaults for storage tests. */
    static CliProcess cli(Path workDir, Path storage, Path backups) {
        return new CliProcess(workDir)
                .env("STORAGE_PATH", storage.toString())
                .env("BACKUP_DIR", backups.toString())
                .env("DATABASE_URL", "sqlite:///" + workDir.resolve("app.db"))
                .env("JSON_LOGS", "false");
    }

    /**
     * A storage folder ({@code workDir/storage}) holding one 300 MiB incompressible {@code video.raw}, backed up once
     * into {@code workDir/backups}: long enough to read back that a signal lands while it is read. Returns the CLI.
     */
    static CliProcess backedUpVideo(Path workDir, long seed) throws Exception {
        Path storage = Files.createDirectories(workDir.resolve("storage"));
        randomFile(storage.resolve("video.raw"), 300, seed);
        CliProcess cli = cli(workDir, storage, workDir.resolve("backups"));
        CliProcess.Result backup = cli.run("backup", "storage", "--no-rotate");
        assertThat(backup.exitCode()).as(backup.describe()).isZero();
        return cli;
    }

    /** Every path (relative) below {@code dir}, with sizes, sorted; empty when {@code dir} does not exist. */
    static List<String> snapshot(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> {
                try {
                    return dir.relativize(p) + (Files.isRegularFile(p) ? " " + Files.size(p) + " " + sha256(p) : "");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sorted().collect(Collectors.toList());
        }
    }

    /** The manifest JSON written for an id in a type folder. */
    static JsonNode manifestFile(Path backups, String folder, String id) throws IOException {
        return JSON.readTree(backups.resolve(folder).resolve(id + ".json").toFile());
    }

    /** Tree description of a root keyed the same way for a map of expected entries. */
    static TreeMap<String, String> sorted(Map<String, String> m) {
        return new TreeMap<>(m);
    }

    /**
     * Runs the CLI (same JVM and class path as {@link CliProcess}) behind a wrapper command such as {@code setpriv …}
     * or {@code script …}, with a clean environment ({@code PATH}, {@code HOME}, {@code LANG} and {@code env}).
     * {@code toShell} turns the CLI's argv into the wrapper's argv.
     */
    static CliProcess.Result runWrapped(Path workDir, Map<String, String> env,
            java.util.function.Function<List<String>, List<String>> toShell, String... args) throws Exception {
        return runWrapped(workDir, env, "", toShell, args);
    }

    /** As {@link #runWrapped(Path, Map, java.util.function.Function, String...)}, with {@code input} on its stdin. */
    static CliProcess.Result runWrapped(Path workDir, Map<String, String> env, String input,
            java.util.function.Function<List<String>, List<String>> toShell, String... args) throws Exception {
        CliProcess process = new CliProcess(workDir).env(env);
        ProcessBuilder pb = process.builder(toShell.apply(process.command(args)));
        Path out = Files.createTempFile(workDir, "out", ".txt");
        Path err = Files.createTempFile(workDir, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        Process p = pb.start();
        try (java.io.OutputStream in = p.getOutputStream()) {
            in.write(input.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        if (!p.waitFor(3, java.util.concurrent.TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("wrapped CLI did not finish: " + pb.command());
        }
        CliProcess.Result r = new CliProcess.Result(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    /**
     * Runs the CLI as {@link #runWrapped} does; as root, without the capabilities {@code dropped} (such as
     * {@code -dac_override}, the one that lets root write whatever the permission bits say), so that permission bits
     * bind it as they bind any other user.
     */
    static CliProcess.Result runWithoutPermissionBypass(Path workDir, Map<String, String> env, String dropped,
            String... args) throws Exception {
        List<String> wrapper = CliProcess.withoutPermissionBypass(dropped);
        return runWrapped(workDir, env, cmd -> {
            List<String> full = new ArrayList<>(wrapper);
            full.addAll(cmd);
            return full;
        }, args);
    }

    /** Whether this process runs as root (uid 0): permission bits do not stop it reading. */
    static boolean runningAsRoot() {
        return CliProcess.runningAsRoot();
    }

    /** Whether {@code cmd} is on the PATH. */
    static boolean hasCommand(String cmd) {
        return dev.archivist.testing.TestDb.onPath(cmd);
    }
}
