package dev.archivist.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.archivist.catalog.Json;
import dev.archivist.testing.TestDb;
import dev.archivist.testing.Trees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/archivist} as cron and systemd run it: with an environment that has no locale at all. Java takes the
 * encoding of file names from the locale, so without the launcher's UTF-8 default a storage folder with
 * {@code résumé.txt} would come out with that file skipped as unreadable. Runs only when the jar is already built and
 * fresh ({@code .ci/run} builds it first), so the test never starts a nested Maven build.
 */
class LauncherTest {
    static final Path LAUNCHER = Path.of("bin", "archivist").toAbsolutePath();
    static final Path JAR = Path.of("target", "archivist.jar");

    @TempDir
    Path dir;

    @Test
    void backsUpUnicodeNamesWithoutAnyLocaleInTheEnvironment() throws Exception {
        assumeTrue(jarIsFresh(), "target/archivist.jar is missing or older than the sources");
        Path storage = Files.createDirectories(dir.resolve("storage/café"));
        Files.writeString(storage.resolve("résumé-ñ.txt"), "bonjour", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("storage/日本語.txt"), "こんにちは", StandardCharsets.UTF_8);
        Path db = TestDb.create(dir.resolve("app.db"), TestDb.Mode.WAL, 10, 10);

        ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "backup", "full", "--json", "--no-rotate")
                .directory(dir.toFile()).redirectError(dir.resolve("err.txt").toFile());
        Map<String, String> env = pb.environment();
        String path = env.get("PATH");
        env.clear();
        env.put("PATH", path);
        env.put("HOME", dir.toString());
        env.put("DATABASE_URL", db.toString());
        env.put("STORAGE_PATH", dir.resolve("storage").toString());
        env.put("BACKUP_DIR", dir.resolve("backups").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as("stderr: %s", Files.readString(dir.resolve("err.txt"))).isZero();

        JsonNode storageManifest = Json.MAPPER.readTree(out).path("storage");
        Path manifestFile = Files.list(dir.resolve("backups/storage")).filter(f -> f.toString().endsWith(".json"))
                .findFirst().orElseThrow();
        JsonNode m = storageManifest.has("file_count") ? storageManifest : Json.MAPPER.readTree(manifestFile.toFile());
        assertThat(m.path("file_count").asInt()).isEqualTo(2);
        assertThat(m.path("skipped")).isEmpty();
    }

    /**
     * xz's encoder is pure Java and needs ~680 MiB of heap at level 9: the launcher lets the heap grow to the JVM's own
     * limit (a fixed 128 MiB made every xz backup of a few MiB fail). With a hard limit too small for it, the backup
     * fails with one line naming ARCHIVIST_MAX_HEAP, no stack trace, and leaves no partial file.
     */
    @Test
    void xzAtLevelNineFitsAndAHeapTooSmallFailsCleanly() throws Exception {
        assumeTrue(jarIsFresh(), "target/archivist.jar is missing or older than the sources");
        Path storage = Files.createDirectories(dir.resolve("storage"));
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 4; i++) {
            byte[] b = new byte[1 << 20];
            random.nextBytes(b);
            Files.write(storage.resolve("photo" + i + ".jpg"), b);
        }
        Process ok = xzBackup(storage, "ok", null);
        String okErr = new String(ok.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ok.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(ok.exitValue()).as(okErr).isZero();
        assertThat(Files.list(dir.resolve("ok/storage")).map(f -> f.getFileName().toString()))
                .anyMatch(n -> n.endsWith(".tar.xz")).anyMatch(n -> n.endsWith(".json"));

        Process small = xzBackup(storage, "small", "48m");
        String err = new String(small.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(small.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(small.exitValue()).as(err).isEqualTo(1);
        assertThat(err).contains("out of memory").contains("ARCHIVIST_MAX_HEAP").doesNotContain("\tat ");
        try (Stream<Path> left = Files.list(dir.resolve("small/storage"))) {
            assertThat(left).as("no partial file").isEmpty();
        }
    }

    /** A small ARCHIVIST_MAX_HEAP keeps --json output JSON: the JVM's warning about the young generation never comes. */
    @Test
    void aSmallHeapLimitKeepsJsonOutputJson() throws Exception {
        assumeTrue(jarIsFresh(), "target/archivist.jar is missing or older than the sources");
        for (String heap : java.util.List.of("32m", "64m", "2g")) {
            ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "list", "--json").directory(dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("BACKUP_DIR", dir.resolve("none").toString());
            pb.environment().put("ARCHIVIST_MAX_HEAP", heap);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(p.exitValue()).as(heap + ": " + out).isZero();
            assertThat(out.strip()).as(heap).isEqualTo("[ ]");
        }
    }

    /**
     * A bad ARCHIVIST_MAX_HEAP is a configuration problem as any other: named with its value among the others, exit 2,
     * and --json output stays one JSON document (the JVM given it would refuse to start, in its own words, some of
     * them on stdout).
     */
    @Test
    void aBadHeapLimitIsReportedWithTheOtherProblems() throws Exception {
        assumeTrue(jarIsFresh(), "target/archivist.jar is missing or older than the sources");
        for (String heap : java.util.List.of("bogus", "0", " 512m", "10k", "31m", "17t", "2 g")) {
            ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "list", "--json").directory(dir.toFile());
            pb.environment().put("BACKUP_DIR", dir.resolve("none").toString());
            pb.environment().put("MAX_BACKUPS", "many");
            pb.environment().put("ARCHIVIST_MAX_HEAP", heap);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(p.exitValue()).as(heap + ": " + out + err).isEqualTo(2);
            JsonNode doc = Json.MAPPER.readTree(out);
            assertThat(doc.path("problems")).extracting(JsonNode::asText).as(heap)
                    .anyMatch(t -> t.startsWith("ARCHIVIST_MAX_HEAP='" + heap + "': not a heap size"))
                    .anyMatch(t -> t.startsWith("MAX_BACKUPS='many'"));
            assertThat(err).as(heap).doesNotContain("Error occurred during initialization of VM").doesNotContain("\tat ");
        }
    }

    private Process xzBackup(Path storage, String backups, String maxHeap) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "backup", "storage", "--no-rotate")
                .directory(dir.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Map<String, String> env = pb.environment();
        env.put("STORAGE_PATH", storage.toString());
        env.put("BACKUP_DIR", dir.resolve(backups).toString());
        env.put("BACKUP_COMPRESSION", "xz");
        env.put("BACKUP_COMPRESSION_LEVEL", "9");
        env.put("LOG_LEVEL", "WARN");
        env.remove("ARCHIVIST_MAX_HEAP");
        if (maxHeap != null) {
            env.put("ARCHIVIST_MAX_HEAP", maxHeap);
        }
        return pb.start();
    }

    /**
     * The jar's manifest opens the JDK's file attributes to it (source/JdkUnixAttributes): an mtime after 2262 keeps
     * its nanoseconds, which the JDK's own conversion cuts to microseconds.
     */
    @Test
    void theJarManifestOpensTheJdkFileAttributes() throws Exception {
        assumeTrue(jarIsFresh(), "target/archivist.jar is missing or older than the sources");
        Path storage = Files.createDirectories(dir.resolve("storage"));
        Path file = Files.writeString(storage.resolve("far-future.txt"), "x");
        // JDK 17's setLastModifiedTime clamps a time after 2262: set by touch, as the README's restore notes say
        Trees.sh("touch -h -d '2300-01-01 00:00:00.123456789 UTC' " + Trees.q(file));
        assertThat(Trees.sh("stat -c %Y " + Trees.q(file)).strip()).isEqualTo("10413792000");
        ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "backup", "storage", "--no-rotate")
                .directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("STORAGE_PATH", storage.toString());
        pb.environment().put("BACKUP_DIR", dir.resolve("backups").toString());
        pb.environment().put("BACKUP_COMPRESSION", "none");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        try (Stream<Path> files = Files.list(dir.resolve("backups/storage"))) {
            Path tar = files.filter(f -> f.toString().endsWith(".tar")).findFirst().orElseThrow();
            assertThat(new String(Files.readAllBytes(tar), StandardCharsets.ISO_8859_1))
                    .contains("mtime=10413792000.123456789\n");
        }
    }

    /** pom.xml builds picocli from its sources for Java 17, so that the launcher's CDS archive can hold it. */
    @Test
    void picocliIsLoadedFromTheClassDataSharingArchive() throws Exception {
        try (java.io.InputStream in = picocli.CommandLine.class.getResourceAsStream("CommandLine.class")) {
            byte[] head = in.readNBytes(8);
            int major = ((head[6] & 0xff) << 8) | (head[7] & 0xff);
            assertThat(major).as("class file major version").isGreaterThanOrEqualTo(61);
        }
        assumeTrue(jarIsFresh(), "target/archivist.jar is missing or older than the sources");
        ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "--version").redirectErrorStream(true);
        pb.environment().put("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("picocli.CommandLine source: shared objects file");
    }

    /**
     * JSON log lines are the default, and the demo (from which the archive is dumped) logs as text: the dump's training
     * run puts the JSON encoder into the archive too (cli/ClassDataTraining).
     */
    @Test
    void theJsonLogEncoderIsLoadedFromTheClassDataSharingArchive() throws Exception {
        assumeTrue(jarIsFresh(), "target/archivist.jar is missing or older than the sources");
        ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "list").redirectErrorStream(true)
                .directory(dir.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(name -> name.startsWith("BACKUP_") || name.equals("JSON_LOGS"));
        env.put("BACKUP_DIR", dir.resolve("backups").toString());
        env.put("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("net.logstash.logback.encoder.LogstashEncoder source: shared objects file")
                .contains("net.logstash.logback.mask.MaskingJsonGeneratorDecorator source: shared objects file");
    }

    /** Installed as a symlink on the PATH ({@code /usr/local/bin/archivist}), run from another folder, it still runs. */
    /**
     * Run from a working directory that was deleted ({@code cd d; rmdir ../d}), Java cannot start and printed its
     * stack trace on stdout: the launcher says so in one line on stderr, with exit 2, and as JSON with {@code --json}.
     */
    @Test
    void aDeletedWorkingDirectoryIsOneLineAndJsonNotAJvmStackTrace() throws Exception {
        assumeTrue(jarIsFresh(), "target/archivist.jar is missing or older than the sources");
        Path gone = Files.createDirectories(dir.resolve("gone"));
        for (String json : new String[] {"--json", "--json=true", ""}) {
            ProcessBuilder pb = new ProcessBuilder("bash", "-c", "cd \"$1\" && rmdir \"$1\" && exec \"$2\" list $3", "sh",
                    gone.toString(), LAUNCHER.toString(), json).directory(dir.toFile())
                    .redirectError(dir.resolve("err.txt").toFile());
            pb.environment().put("BACKUP_DIR", dir.resolve("backups").toString());
            Files.createDirectories(gone);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
            String err = Files.readString(dir.resolve("err.txt"));
            assertThat(p.exitValue()).as("stdout: %s%nstderr: %s", out, err).isEqualTo(2);
            assertThat(err).contains("archivist: the working directory no longer exists").doesNotContain("java.lang");
            if (json.isEmpty()) {
                assertThat(out).isEmpty();
            } else {
                JsonNode j = Json.MAPPER.readTree(out);
                assertThat(j.path("exit_code").asInt()).isEqualTo(2);
                assertThat(j.path("error").asText()).startsWith("the working directory no longer exists");
            }
        }
    }

    /**
     * A user whose umask takes the owner's bits ({@code umask 277}) is the first to run a freshly built jar: the
     * launcher unpacks the JNI libraries beside it, and {@code jar xf} made each folder read-only to its owner, so that
     * nothing was unpacked; zstd-jni then unpacked its library into {@code /tmp} the same way and could not either,
     * and every backup failed with "zstd cannot be used here". Run on a copy of the launcher and the jar (its own
     * {@code target/}), without the capabilities that let root ignore permission bits.
     */
    @Test
    void unpacksItsLibrariesUnderAUmaskThatTakesTheOwnersBits() throws Exception {
        assumeTrue(jarIsFresh(), "target/archivist.jar is missing or older than the sources");
        Path copy = dir.resolve("archivist");
        Files.createDirectories(copy.resolve("bin"));
        Files.createDirectories(copy.resolve("target"));
        Files.copy(LAUNCHER, copy.resolve("bin/archivist"), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(JAR, copy.resolve("target/archivist.jar"), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        Files.createFile(copy.resolve("target/archivist.jsa.failed")); // no class-data training: not what is tested
        Path storage = Files.createDirectories(dir.resolve("storage"));
        Files.writeString(storage.resolve("a.txt"), "alpha");
        Path db = TestDb.create(dir.resolve("app.db"), TestDb.Mode.WAL, 10, 10);

        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("sh", "-c",
                "umask 277 && exec \"$@\"", "sh"));
        cmd.addAll(dev.archivist.testing.CliProcess.withoutPermissionBypass("-dac_override,-dac_read_search"));
        cmd.addAll(java.util.List.of(copy.resolve("bin/archivist").toString(), "backup", "full", "--no-rotate"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("HOME", dir.toString());
        pb.environment().put("DATABASE_URL", db.toString());
        pb.environment().put("STORAGE_PATH", storage.toString());
        pb.environment().put("BACKUP_DIR", dir.resolve("backups").toString());
        pb.environment().put("JSON_LOGS", "false");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        try (Stream<Path> natives = Files.list(copy.resolve("target"))) {
            assertThat(natives.map(f -> f.getFileName().toString())).anyMatch(n -> n.startsWith("native-"));
        }
    }

    @Test
    void runsThroughASymlinkFromAnotherFolder() throws Exception {
        assumeTrue(jarIsFresh(), "target/archivist.jar is missing or older than the sources");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("archivist"), Files.createSymbolicLink(dir.resolve("chained"), LAUNCHER));
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "archivist --version").directory(dir.toFile())
                .redirectErrorStream(true); // found on the PATH, as a shell finds it
        pb.environment().put("PATH", bin + ":" + pb.environment().get("PATH"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).startsWith("archivist ").doesNotContain("building");
    }

    /**
     * {@code JAVA_HOME} names the Java that runs (as for mvn), and a Java of another version than the one that made the
     * class-data archive starts without a word on stdout (Java 25 printed two lines about the archive there, which
     * broke {@code --json}) and without native-access warnings on stderr. Needs a second Java under /usr/lib/jvm.
     */
    @Test
    void anotherJavaInJavaHomeRunsWithCleanOutput() throws Exception {
        assumeTrue(jarIsFresh(), "target/archivist.jar is missing or older than the sources");
        Path other = otherJava();
        assumeTrue(other != null, "no Java of another version under /usr/lib/jvm");
        ProcessBuilder first = new ProcessBuilder(LAUNCHER.toString(), "--version").redirectErrorStream(true);
        first.environment().remove("JAVA_HOME");
        Process made = first.start(); // the archive, made by this machine's default Java if not there yet
        made.getInputStream().readAllBytes();
        assertThat(made.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(Path.of("target", "archivist.jsa")).exists();

        Path storage = Files.createDirectories(dir.resolve("storage"));
        Files.writeString(storage.resolve("a.txt"), "a");
        ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "backup", "storage", "--json", "--no-rotate")
                .directory(dir.toFile()).redirectError(dir.resolve("err.txt").toFile());
        Map<String, String> env = pb.environment();
        env.put("JAVA_HOME", other.toString());
        env.put("JDK_JAVA_OPTIONS", "-XshowSettings:properties");
        env.put("STORAGE_PATH", storage.toString());
        env.put("BACKUP_DIR", dir.resolve("backups").toString());
        env.put("LOG_LEVEL", "WARN");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String err = Files.readString(dir.resolve("err.txt"));
        assertThat(p.exitValue()).as("stderr: %s", err).isZero();
        assertThat(err).contains("java.home = " + other.toRealPath()).doesNotContain("restricted method");
        assertThat(Json.MAPPER.readTree(out).path("file_count").asInt()).as(out).isEqualTo(1);
    }

    /**
     * The compiler directives the launcher gives short jobs (bin/archivist-jit.json) are read by this Java: a file it
     * could not parse would stop every backup from starting. The three directives load: the first keeps SHA-256's
     * compiled code with C2, the second keeps C1 from inlining it into its callers, the last sends everything else
     * elsewhere.
     */
    @Test
    void theCompilerDirectivesOfShortJobsLoad() throws Exception {
        Path directives = Path.of("bin", "archivist-jit.json").toAbsolutePath();
        assertThat(Files.readString(LAUNCHER)).contains("bin/archivist-jit.json");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UnlockDiagnosticVMOptions", "-XX:CompilerDirectivesFile=" + directives,
                "-XX:+CompilerDirectivesPrint", "-version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("3 compiler directives added").contains("sun/security/provider/SHA2.implCompress")
                .contains("sun/security/provider/DigestBase.implCompressMultiBlock").contains("Exclude:true")
                .contains("inline: -sun/security/provider/SHA2.implCompress, -sun/security/provider/DigestBase.implCompressMultiBlock");
    }

    /** A JDK under /usr/lib/jvm whose major version differs from the one running the tests, or null. */
    private static Path otherJava() throws IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return null;
        }
        String running = "JAVA_VERSION=\"" + Runtime.version().feature() + ".";
        try (Stream<Path> homes = Files.list(jvms)) {
            for (Path home : (Iterable<Path>) homes.sorted()::iterator) {
                Path release = home.resolve("release");
                if (Files.isExecutable(home.resolve("bin/java")) && Files.isRegularFile(release)
                        && Files.readAllLines(release).stream().anyMatch(l -> l.startsWith("JAVA_VERSION=\""))
                        && Files.readAllLines(release).stream().noneMatch(l -> l.startsWith(running))) {
                    return home;
                }
            }
        }
        return null;
    }

    private static boolean jarIsFresh() throws IOException {
        if (!Files.isRegularFile(JAR)) {
            return false;
        }
        FileTime built = Files.getLastModifiedTime(JAR);
        try (Stream<Path> sources = Stream.concat(Stream.of(Path.of("pom.xml")), Files.walk(Path.of("src", "main")))) {
            return sources.noneMatch(f -> {
                try {
                    return Files.getLastModifiedTime(f).compareTo(built) > 0;
                } catch (IOException e) {
                    return true;
                }
            });
        }
    }
}
