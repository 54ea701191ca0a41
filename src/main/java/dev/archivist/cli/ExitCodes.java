package dev.archivist.cli;

import dev.archivist.ArchivistException;
import dev.archivist.LockUnavailableException;
import dev.archivist.Printable;
import dev.archivist.config.ConfigException;
import dev.archivist.config.Redactor;
import dev.archivist.config.SettingsLoader;
import dev.archivist.logging.LoggingSetup;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.archivist.catalog.Json;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;

/** The one place exceptions become exit codes (documented in {@code --help} and the README). */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int LOCKED = 3;
    public static final int INTERRUPTED = 130;
    /** The reader of stdout went away ({@code archivist ls latest | head}): 128 + SIGPIPE, as a C tool ends there. */
    public static final int PIPE_CLOSED = 141;

    /** Text appended to every command's help. */
    public static final String HELP = "%nExit codes:%n"
            + "  0    success%n"
            + "  1    the operation failed (backup failed, verification found problems,%n"
            + "       restore refused or failed)%n"
            + "  2    usage or configuration error%n"
            + "  3    another process holds the backup lock%n"
            + "  130  interrupted (Ctrl-C); 143 stopped by SIGTERM, 129 by SIGHUP%n"
            + "  141  stdout was a pipe whose reader went away (as | head), nothing said%n";

    private ExitCodes() {
    }

    /**
     * Maps an exception thrown by a command to its exit code, printing a one-line reason (no stack trace) on stderr
     * and, when the command was given {@code --json}, the same as one JSON document on stdout, so that a script
     * always gets JSON: {@code {"error": "<reason>", "exit_code": N}}, plus {@code "problems"} for a configuration
     * error. Reasons are redacted.
     */
    public static int handle(Exception e, CommandLine cmd) {
        Throwable t = e instanceof CommandLine.ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (StopNotice.stopping()) { // the stop report said what happened; the process exits with the signal's code
            return FAILED;
        }
        if (t instanceof Output.Lost && Output.stdoutIsPipe()) { // | head took what it wanted: nothing to say
            return PIPE_CLOSED;
        }
        Failure f = classify(t);
        String setName = f.code() == USAGE && f.problems().isEmpty() && cmd.getParseResult() != null
                ? SetArguments.nameWithoutValue(cmd.getParseResult().originalArgs()) : null;
        if (setName != null) { // the value of a '--set NAME VALUE' was read as an argument: its message shows it
            f = new Failure(USAGE, SetArguments.message(setName));
        }
        PrintWriter err = cmd.getErr();
        err.println("archivist: " + Printable.controlsEscaped(f.reason()) + (f.problems().isEmpty() ? "" : ":"));
        f.problems().forEach(p -> err.println("  - " + Printable.controlsEscaped(p)));
        err.flush();
        logFailure(cmd.getCommandSpec().qualifiedName(), f.code(),
                f.problems().isEmpty() ? f.reason() : f.reason() + ": " + String.join("; ", f.problems()),
                cmd.getParseResult() == null ? List.of() : cmd.getParseResult().originalArgs());
        CommandLine.ParseResult parsed = cmd.getParseResult();
        if (parsed != null && Boolean.TRUE.equals(parsed.matchedOptionValue("--json", false)) // not --json=false
                && !Output.printedJson()) { // never a second document
            json(cmd.getOut(), f.code(), f.reason(), f.problems());
        }
        return f.code();
    }

    /**
     * Logs a failure as an ERROR event when the logs are JSON lines, so that a log pipeline sees it too: as the command
     * set them up, or, for a command that failed before it read its settings (a usage error, as a cron line with a
     * wrong argument), as {@code JSON_LOGS} asks in the command line's {@code --set}, its {@code --env-file} (else
     * {@code ./.env}) and the environment (its default: JSON).
     */
    static void logFailure(String command, int code, String reason, List<String> args) {
        if (!(LoggingSetup.configured() ? LoggingSetup.jsonLines() : jsonLogsBeforeSettings(args))) {
            return;
        }
        if (!LoggingSetup.configured()) {
            LoggingSetup.configure("WARN", true);
        }
        org.slf4j.LoggerFactory.getLogger(ExitCodes.class).error("{} failed (exit {}): {}", command, code, reason);
    }

    private static boolean jsonLogsBeforeSettings(List<String> args) {
        java.nio.file.Path envFile = null;
        java.util.Map<dev.archivist.config.ConfigKey, String> flags = new java.util.EnumMap<>(dev.archivist.config.ConfigKey.class);
        for (int i = 0; i < args.size(); i++) { // the arguments were not parsed (or not all): looked for by hand
            String arg = args.get(i);
            String file = arg.equals("--env-file") && i + 1 < args.size() ? args.get(i + 1)
                    : arg.startsWith("--env-file=") ? arg.substring(11) : null;
            if (file != null) {
                envFile = java.nio.file.Path.of(file);
            }
        }
        for (SetArguments.Found set : SetArguments.all(args)) {
            if (set.text().startsWith("JSON_LOGS=")) {
                flags.put(dev.archivist.config.ConfigKey.JSON_LOGS, set.text().substring(10));
            }
        }
        try {
            return SettingsLoader.jsonLogs(dev.archivist.config.RawConfig.load(ConfigOptions.environment,
                    envFile != null ? envFile : java.nio.file.Path.of(".env"), false, flags, new java.util.ArrayList<>()));
        } catch (RuntimeException e) { // an unreadable .env is no reason to hide the usage error itself
            return false;
        }
    }

    /**
     * The exit code once the command's output is flushed. A command whose output is what it is run for ({@code list},
     * {@code ls}, {@code verify} …) and whose output could not be written (a full disk, a closed pipe:
     * {@code archivist list --json > file} on a full disk) fails, as GNU tools do, instead of leaving a script an
     * empty or cut file and exit 0. A command that changes something ({@code backup}, {@code restore},
     * {@code rotate}, {@code run}, {@code demo}) keeps the exit code of its work, which was done, and says what was
     * lost: a cron wrapper must not take a backup that was written for a failed one. A {@code --dry-run} changes
     * nothing: its preview is its output, and losing it fails as a listing does.
     */
    static int afterOutput(int code, List<String> args, java.io.PrintStream out, java.io.PrintStream err) {
        if (code != OK || !out.checkError()) {
            return code;
        }
        String command = args.isEmpty() ? "" : args.get(0);
        boolean changes = java.util.Set.of("backup", "restore", "rotate", "run", "demo").contains(command)
                && !BooleanOptions.on(args, "--dry-run");
        if (!changes && Output.stdoutIsPipe()) { // its reader went away, as in | head: what it read was written
            return PIPE_CLOSED;
        }
        err.println("archivist: " + OUTPUT_FAILED + (changes ? "; the " + command + " itself succeeded" : ""));
        err.flush();
        return changes ? OK : FAILED;
    }

    /** What is said when the output could not be written. */
    static final String OUTPUT_FAILED = "the output could not be written (closed pipe or full disk)";

    /** The JSON form of a failure on stdout: {@code {"error": reason, "exit_code": code[, "problems": [...]]}}. */
    static void json(PrintWriter out, int code, String reason, List<String> problems) {
        ObjectNode root = Json.MAPPER.createObjectNode().put("error", reason).put("exit_code", code);
        if (!problems.isEmpty()) {
            problems.forEach(root.putArray("problems")::add);
        }
        Output.json(out, root);
    }

    /** What a failed command reports: its exit code, a one-line reason and, for a configuration, each problem. */
    private record Failure(int code, String reason, List<String> problems) {
        Failure(int code, String reason) {
            this(code, Redactor.redact(reason), List.of());
        }
    }

    private static Failure classify(Throwable t) {
        if (outOfMemory(t)) {
            return new Failure(FAILED, outOfMemoryReason());
        }
        if (t instanceof ConfigException ce) {
            int n = ce.problems().size();
            return new Failure(USAGE, "invalid configuration (" + n + " problem" + (n == 1 ? "" : "s") + ")", ce.problems());
        }
        if (t instanceof LockUnavailableException) {
            return new Failure(LOCKED, t.getMessage());
        }
        if (t instanceof ArchivistException ae) {
            org.slf4j.LoggerFactory.getLogger(ExitCodes.class).debug("command failed", t);
            return new Failure(FAILED, Redactor.redact(ae.getMessage()),
                    ae.problems().stream().map(Redactor::redact).toList());
        }
        if (t instanceof IllegalArgumentException) {
            return new Failure(USAGE, t.getMessage());
        }
        if (t instanceof java.io.IOException || t instanceof java.io.UncheckedIOException) {
            // a file-system failure outside the backup paths (say, demo --dir on a folder that cannot be created)
            Throwable io = t instanceof java.io.UncheckedIOException u && u.getCause() != null ? u.getCause() : t;
            org.slf4j.LoggerFactory.getLogger(ExitCodes.class).debug("command failed", t);
            return new Failure(FAILED, ArchivistException.reason(io));
        }
        org.slf4j.LoggerFactory.getLogger(ExitCodes.class).error("unexpected error", t);
        return new Failure(FAILED, "unexpected error: " + t);
    }

    /**
     * Reports that the Java heap ran out (xz at a high level, or a restore without a usable per-file index, which keeps
     * what it extracted, can need more than the launcher's limit) as one line naming the limit and how to raise it; the caller exits with {@link #FAILED}.
     */
    public static int outOfMemory(PrintWriter err) {
        err.println("archivist: " + outOfMemoryReason());
        err.flush();
        return FAILED;
    }

    private static String outOfMemoryReason() {
        return "out of memory (Java heap limit " + (Runtime.getRuntime().maxMemory() >> 20)
                + " MiB); give it more with ARCHIVIST_MAX_HEAP, e.g. ARCHIVIST_MAX_HEAP=2g, and run the command again";
    }

    private static boolean outOfMemory(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof OutOfMemoryError) {
                return true;
            }
        }
        return false;
    }
}
