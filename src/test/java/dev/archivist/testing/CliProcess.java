package dev.archivist.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real CLI ({@code dev.archivist.cli.Main}) as a separate JVM with the test classpath, a given working
 * directory and an explicit environment: only {@code PATH}, {@code HOME} and {@code LANG} are inherited, everything
 * else comes from {@link #env(String, String)}. Use {@link #run(String...)} for a finished result or
 * {@link #start(String...)} for a live {@link Process} (kill tests: {@link Process#destroyForcibly()} is SIGKILL on
 * Linux).
 *
 * <pre>{@code
 * CliProcess.Result r = new CliProcess(dir).env("DATABASE_URL", db.toString()).run("backup", "database", "--json");
 * assertThat(r.exitCode()).as(r.describe()).isZero();
 * }</pre>
 */
public final class CliProcess {
    /** Upper bound for {@link #run(String...)}; a hung CLI fails the test instead of hanging the build. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(3);

    private final Path workDir;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> jvmArgs = new ArrayList<>(List.of("-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "--add-opens=java.base/sun.nio.fs=ALL-UNNAMED", // as the jar's manifest
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"));
    private Duration timeout = DEFAULT_TIMEOUT;

    public CliProcess(Path workDir) {
        this.workDir = workDir;
    }

    /**
     * A CLI for an application whose database is {@code db} and whose backups go to {@code backups}, with plain-text
     * logs (so that tests read them as an operator does).
     */
    public static CliProcess forApp(Path workDir, Path db, Path backups) {
        return new CliProcess(workDir).env("DATABASE_URL", db.toString()).env("BACKUP_DIR", backups.toString())
                .env("JSON_LOGS", "false");
    }

    /** Adds (or replaces) one environment variable of the child. */
    public CliProcess env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** Adds every entry of {@code vars} to the child's environment. */
    public CliProcess env(Map<String, String> vars) {
        env.putAll(vars);
        return this;
    }

    /** Extra JVM options (before the main class). */
    public CliProcess jvmArg(String arg) {
        jvmArgs.add(arg);
        return this;
    }

    public CliProcess timeout(Duration t) {
        this.timeout = t;
        return this;
    }

    /** The command line that {@link #start(String...)} runs. */
    public List<String> command(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.archivist.cli.Main");
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Runs another main class of the test classpath (e.g. {@link RowWriter}) with the same clean environment. */
    public Process startMain(Class<?> mainClass, File stdout, File stderr, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = builder(cmd);
        pb.redirectOutput(stdout).redirectError(stderr);
        return pb.start();
    }

    /** Starts the CLI; stdout and stderr go to the given files (so a killed process cannot block on a full pipe). */
    public Process start(File stdout, File stderr, String... args) throws IOException {
        ProcessBuilder pb = builder(command(args));
        pb.redirectOutput(stdout).redirectError(stderr);
        return pb.start();
    }

    /** Starts the CLI with stdout/stderr in temporary files; see {@link Running}. */
    public Running start(String... args) throws IOException {
        return startWrapped(List.of(), args);
    }

    /**
     * As {@link #start(String...)}, behind {@code wrapper} (a command that execs the rest, such as {@code setpriv …}:
     * the process is then the CLI's JVM, so {@link Running#kill9()} kills the CLI).
     */
    public Running startWrapped(List<String> wrapper, String... args) throws IOException {
        File out = File.createTempFile("archivist-out", ".txt");
        File err = File.createTempFile("archivist-err", ".txt");
        out.deleteOnExit();
        err.deleteOnExit();
        List<String> cmd = new ArrayList<>(wrapper);
        cmd.addAll(command(args));
        Process p = builder(cmd).redirectOutput(out).redirectError(err).start();
        return new Running(p, out.toPath(), err.toPath());
    }

    /** Whether this process runs as root (uid 0): permission bits do not stop it. */
    public static boolean runningAsRoot() {
        try {
            return Integer.valueOf(0).equals(java.nio.file.Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * The wrapper under which a command started as root runs without the capabilities {@code dropped} (such as
     * {@code -dac_override}, the one that lets root write whatever the permission bits say), so that permission bits
     * bind it as they bind any other user; none when not root.
     */
    public static List<String> withoutPermissionBypass(String dropped) {
        return runningAsRoot() ? List.of("setpriv", "--bounding-set", dropped) : List.of();
    }

    /** Runs the CLI to completion. */
    public Result run(String... args) {
        try {
            Running r = start(args);
            return r.await(timeout);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the CLI", e);
        }
    }

    /**
     * A process builder for {@code cmd} in this work folder with this CLI's clean environment ({@code PATH},
     * {@code HOME}, {@code LANG} and the variables set with {@link #env}).
     */
    public ProcessBuilder builder(List<String> cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        Map<String, String> e = pb.environment();
        e.clear();
        for (String keep : List.of("PATH", "HOME", "LANG")) {
            String v = System.getenv(keep);
            if (v != null) {
                e.put(keep, v);
            }
        }
        e.putIfAbsent("LANG", "C.UTF-8");
        e.putAll(env);
        return pb;
    }

    /** A started CLI process whose output is being written to files. */
    public record Running(Process process, Path stdoutFile, Path stderrFile) {
        public long pid() {
            return process.pid();
        }

        /**
         * Sends the signal {@code name} ({@code TERM}, {@code INT}...) with {@code kill}; false when the process ended
         * before it (a run may end between a test's last look and the signal: its exit code then tells), fails when it
         * cannot be sent to the running process.
         */
        public boolean signal(String name) throws IOException, InterruptedException {
            int code = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).start().waitFor();
            // kill finds no such process once the JVM has reaped it, a moment before Process says it ended
            if (code != 0 && !process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("kill -" + name + " " + pid() + " exited " + code);
            }
            return code == 0;
        }

        /** SIGKILL (on Linux {@link Process#destroyForcibly()} sends signal 9) and wait for the death. */
        public void kill9() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }

        public Result await(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(30, TimeUnit.SECONDS);
                    throw new AssertionError("CLI did not finish within " + timeout + "; stderr: " + read(stderrFile));
                }
                return new Result(process.exitValue(), read(stdoutFile), read(stderrFile));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                throw new IllegalStateException(e);
            }
        }

        public String stderrSoFar() {
            return read(stderrFile);
        }
    }

    /** Exit code and output of a finished CLI run. */
    public record Result(int exitCode, String stdout, String stderr) {
        /** For assertion descriptions: {@code assertThat(r.exitCode()).as(r.describe())}. */
        public String describe() {
            return "exit " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<unreadable: " + e + ">";
        }
    }
}
