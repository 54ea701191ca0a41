package dev.archivist.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.archivist.BackupService;
import dev.archivist.catalog.Json;
import java.io.PrintWriter;
import java.time.Duration;

/** Rendering helpers shared by commands: JSON on stdout, human sizes and durations. */
final class Output {
    private static volatile boolean jsonPrinted;

    private Output() {
    }

    /**
     * Names on stderr the restores that a crash cut short and that wait for the next locked command to end them, and a
     * {@code BACKUP_DIR} that does not exist (a typo shows as "no backups" otherwise). On stderr, so that what read-only
     * commands print on stdout stays what scripts parse.
     */
    static void catalogNotices(BackupService service, PrintWriter err) {
        java.nio.file.Path dir = service.settings().backupDir();
        if (!java.nio.file.Files.isDirectory(dir)) {
            err.println("archivist: note: BACKUP_DIR " + dir + " does not exist: no backup was taken there yet");
        }
        for (String interrupted : service.interruptedRestoreNotices()) {
            err.println("archivist: " + interrupted);
        }
        err.flush();
    }

    /**
     * Names on stderr the archive parts of a listed backup that are missing or of another size than recorded
     * (truncated, or no regular file): its index still tells what it held, but it cannot be restored
     * ({@code archivist list} shows it as broken).
     */
    static void missingPartsNote(dev.archivist.StorageFiles files, PrintWriter err) {
        java.util.List<String> damage = new java.util.ArrayList<>();
        java.util.List<String> missing = files.missingParts();
        if (!missing.isEmpty()) {
            damage.add(dev.archivist.Plural.of(missing.size(), "archive part") + " missing (" + String.join(", ", missing)
                    + ")");
        }
        java.util.List<String> resized = files.resizedParts();
        if (!resized.isEmpty()) {
            damage.add(dev.archivist.Plural.of(resized.size(), "archive part") + " not of the recorded size ("
                    + String.join(", ", resized) + ")");
        }
        if (!damage.isEmpty()) {
            err.println("archivist: note: " + files.backup().id() + " cannot be restored: " + String.join("; ", damage)
                    + "; its files are listed from the index");
            err.flush();
        }
    }

    /** A new command line runs (in-process callers run several): no JSON document printed for it yet. */
    static void newCommandLine() {
        jsonPrinted = false;
    }

    /** Whether this command line printed its JSON document: a failure or stop reported later must not print a second one. */
    static boolean printedJson() {
        return jsonPrinted;
    }

    /**
     * Prints {@code value} as one pretty-printed JSON document, its string values masked as the logs are. Once a stop
     * signal arrived, nothing when this command line already printed its document: the stop report printed as the
     * command ended (a backup committed, then stopped in its rotation) stands for its result, or the result for the
     * report, and a script reads one document.
     */
    static void json(PrintWriter out, Object value) {
        printOnce(out, render(value, true));
    }

    /** {@code value} as one pretty-printed JSON document, its string values masked when {@code masked}. */
    private static java.io.StringWriter render(Object value, boolean masked) {
        java.io.StringWriter text = new java.io.StringWriter();
        try (JsonGenerator g = masked ? generator(text) : plainGenerator(text)) {
            Json.MAPPER.writeValue(g, value);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot render JSON", e);
        }
        return text;
    }

    /**
     * Prints {@code document}, unless the process is stopping and a document was printed already (by the other of the
     * command and its stop report, on two threads).
     */
    private static void printOnce(PrintWriter out, java.io.StringWriter document) {
        synchronized (Output.class) {
            if (jsonPrinted && StopNotice.stopping()) {
                return;
            }
            jsonPrinted = true;
            out.println(document);
            out.flush();
        }
    }

    /**
     * A generator for a JSON document written as it is produced (listings too long to build in memory), pretty-printed
     * and masked as {@link #json}; closing it leaves {@code out} open.
     */
    static JsonGenerator jsonStream(PrintWriter out) throws java.io.IOException {
        JsonGenerator g = generator(out);
        jsonPrinted = true;
        return g;
    }

    /**
     * A generator for the entries of a backup's index ({@code ls}, {@code diff}) written as they are produced, as
     * {@link #jsonStream} but not masked: they are the storage folder's own names, which the index records as they
     * are and which a script gives back to {@code dump} or {@code restore --path} ({@code author:bob.txt} read as a
     * secret {@code author:***} named no entry).
     */
    static JsonGenerator entriesJsonStream(PrintWriter out) throws java.io.IOException {
        JsonGenerator g = plainGenerator(out);
        jsonPrinted = true;
        return g;
    }

    /**
     * Prints {@code value} as {@link #json} does but not masked, for a document that names storage entries
     * ({@code backup storage --dry-run --json}): the caller masks its other string values ({@code Redactor.redact}).
     */
    static void entriesJson(PrintWriter out, Object value) {
        printOnce(out, render(value, false));
    }

    private static JsonGenerator generator(java.io.Writer out) throws java.io.IOException {
        return new RedactingJsonGenerator(plainGenerator(out));
    }

    /** Pretty-printed; closing it leaves {@code out} open. */
    private static JsonGenerator plainGenerator(java.io.Writer out) throws java.io.IOException {
        JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out).useDefaultPrettyPrinter();
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        return g;
    }

    /**
     * {@code plain} (stdout or stderr as picocli writes to it) with what passes through it masked line by line as the
     * logs are ({@link RedactingWriter}); stdout in {@code --json} mode is left to {@link #json}, which masks values.
     */
    static PrintWriter redacting(PrintWriter plain) {
        return new Masked(plain);
    }

    /**
     * The writer under {@link #redacting}'s masking, for the lines of a backup's entries ({@code ls}, {@code diff}):
     * the storage folder's own names, shown as the index records them so that a name copied from {@code ls} gives
     * that entry to {@code dump} and {@code restore --path}. Anything else goes through {@code out}, masked.
     */
    static PrintWriter unmasked(PrintWriter out) {
        return out instanceof Masked masked ? masked.plain : out;
    }

    /** A writer that masks what passes through it and knows the writer it masks for. */
    private static final class Masked extends PrintWriter {
        private final PrintWriter plain;

        Masked(PrintWriter plain) {
            super(new RedactingWriter(plain), true);
            this.plain = plain;
        }
    }

    /**
     * Whether writing to {@code out} failed (a closed pipe, a full disk). picocli's writer reaches the process's
     * stdout through {@code System.out}, a {@link java.io.PrintStream} that keeps such failures to itself, so both are
     * asked.
     */
    static boolean writeFailed(PrintWriter out) {
        return out.checkError() || System.out.checkError();
    }

    /**
     * Whether stdout is a pipe or a socket, so that a failed write to it means its reader went away ({@code | head}
     * read what it wanted): a pipe cannot be full the way a disk is. Java ignores {@code SIGPIPE}, so the process is
     * not ended by the signal as a C program is; {@link ExitCodes#PIPE_CLOSED} stands for that ending. Read through
     * {@code /proc/self/fd/1}; where there is none, a failed write stays a failure.
     */
    static boolean stdoutIsPipe() {
        String target = Terminals.descriptorTarget(1);
        return target != null && (target.startsWith("pipe:") || target.startsWith("socket:"));
    }

    /** The output of a listing could not be written (a closed pipe or a full disk): thrown to stop the listing. */
    static final class Lost extends dev.archivist.ArchivistException {
        Lost(Throwable cause) {
            super(ExitCodes.OUTPUT_FAILED, cause);
        }
    }

    /**
     * Counts the entries a long listing writes and, every few thousand, checks that its output is still there: a
     * listing piped into {@code head} stops reading once {@code head} has gone, with exit 1 ({@link #writeFailed}).
     */
    static final class Watch {
        private final PrintWriter out;
        private long written;

        Watch(PrintWriter out) {
            this.out = out;
        }

        void wrote() {
            if (++written % 4096 == 0 && writeFailed(out)) {
                throw new Lost(null);
            }
        }
    }

    /** A backup named with the time it was taken: {@code <id> (taken 2026-12-05 15:33:48 UTC)}. */
    static String taken(dev.archivist.catalog.Manifest m) {
        return m.id() + " (taken " + ListCommand.shortTime(m.createdAt().toString()) + " UTC)";
    }

    /** Sizes in B/KB/MB/GB (powers of 1024), as the original printed them. */
    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        long tenths = Math.round(v * 10); // one decimal, rounded half up as "%.1f" would, without a Formatter
        if (tenths >= 10240 && u < units.length - 1) { // 1,048,575 bytes is "1.0 MB", not "1024.0 KB"
            tenths = Math.round(v / 1024 * 10);
            u++;
        }
        return tenths / 10 + "." + tenths % 10 + " " + units[u];
    }

    static String age(Duration d) {
        if (d == null) {
            return "-";
        }
        long s = Math.max(0, d.getSeconds());
        if (s < 120) {
            return s + " s";
        }
        if (s < 7200) {
            return s / 60 + " min";
        }
        if (s < 172_800) {
            return s / 3600 + " h";
        }
        return s / 86_400 + " d";
    }
}
