package dev.archivist.cli;

import dev.archivist.ArchivistException;
import dev.archivist.LockUnavailableException;
import dev.archivist.config.ConfigException;
import dev.archivist.config.Redactor;
import java.io.PrintWriter;
import picocli.CommandLine;

/** The one place exceptions become exit codes (documented in {@code --help} and the README). */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int LOCKED = 3;
    public static final int INTERRUPTED = 130;

    /** Text appended to every command's help. */
    public static final String HELP = "%nExit codes:%n"
            + "  0    success%n"
            + "  1    the operation failed (backup failed, verification found problems, restore refused or failed)%n"
            + "  2    usage or configuration error%n"
            + "  3    another process holds the backup lock%n"
            + "  130  interrupted%n";

    private ExitCodes() {
    }

    /** Maps an exception thrown by a command to its exit code, printing a one-line reason (no stack trace). */
    public static int handle(Exception e, CommandLine cmd) {
        PrintWriter err = cmd.getErr();
        Throwable t = e instanceof CommandLine.ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (outOfMemory(t)) {
            return outOfMemory(err);
        }
        if (t instanceof ConfigException ce) {
            err.println("archivist: invalid configuration (" + ce.problems().size() + " problem" + (ce.problems().size() == 1 ? "" : "s") + "):");
            ce.problems().forEach(p -> err.println("  - " + p));
            err.flush();
            return USAGE;
        }
        if (t instanceof LockUnavailableException) {
            return report(err, t.getMessage(), LOCKED);
        }
        if (t instanceof ArchivistException) {
            org.slf4j.LoggerFactory.getLogger(ExitCodes.class).debug("command failed", t);
            return report(err, t.getMessage(), FAILED);
        }
        if (t instanceof IllegalArgumentException) {
            return report(err, t.getMessage(), USAGE);
        }
        if (t instanceof java.io.IOException || t instanceof java.io.UncheckedIOException) {
            // a file-system failure outside the backup paths (say, demo --dir on a folder that cannot be created)
            Throwable io = t instanceof java.io.UncheckedIOException u && u.getCause() != null ? u.getCause() : t;
            org.slf4j.LoggerFactory.getLogger(ExitCodes.class).debug("command failed", t);
            return report(err, dev.archivist.ArchivistException.reason(io), FAILED);
        }
        err.println("archivist: unexpected error: " + Redactor.redact(String.valueOf(t)));
        org.slf4j.LoggerFactory.getLogger(ExitCodes.class).error("unexpected error", t);
        err.flush();
        return FAILED;
    }

    /** Prints {@code archivist: <reason>} (redacted) and returns {@code code}. */
    private static int report(PrintWriter err, String reason, int code) {
        err.println("archivist: " + Redactor.redact(reason));
        err.flush();
        return code;
    }

    /**
     * Reports that the Java heap ran out (a storage restore keeps what it extracted, so a very large tree can need more
     * than the launcher's limit) as one line naming the limit and how to raise it; the caller exits with {@link #FAILED}.
     */
    public static int outOfMemory(PrintWriter err) {
        err.println("archivist: out of memory (Java heap limit " + (Runtime.getRuntime().maxMemory() >> 20)
                + " MiB); give it more with ARCHIVIST_MAX_HEAP, e.g. ARCHIVIST_MAX_HEAP=2g, and run the command again");
        err.flush();
        return FAILED;
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
