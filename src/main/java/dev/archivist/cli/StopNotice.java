package dev.archivist.cli;

import dev.archivist.BackupService;
import dev.archivist.Plural;
import java.io.PrintWriter;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * What a one-shot command stopped by SIGTERM, SIGINT or SIGHUP says: one line naming the signal and what was left
 * behind, and with {@code --json} the JSON error a script expects. The failure the stopped work then throws is not
 * reported too ({@link ExitCodes#handle}): it would only say "interrupted" again, or worse, with no reason at all. The
 * process still exits with the signal's code (128 + its number), as the JVM's own handler does.
 *
 * <p>Why {@code sun.misc.Signal}: a shutdown hook cannot tell which signal started it, and the exit code and message
 * should say. The JDK's handler is kept and called after the signal is noted.
 */
final class StopNotice {
    private static volatile Signal received;
    private static volatile PrintWriter out;
    private static volatile PrintWriter err;
    private static volatile boolean json;
    private static volatile BackupService service;
    private static boolean installed;

    private StopNotice() {
    }

    /**
     * Notes which stop signal arrives, then lets the JVM's handler shut down as it would have; a stop that finds no
     * locked work running (before it begins, after it ended) is reported by a shutdown hook: on stderr, and with
     * {@code json} as the JSON error on stdout unless the command already printed its JSON. Called first thing by a
     * command, so that a stop while its configuration loads is reported too.
     */
    static void install(CommandSpec spec, boolean json) {
        install(spec.commandLine().getOut(), spec.commandLine().getErr(), json);
    }

    /**
     * As {@link #install(CommandSpec, boolean)}, before a command is chosen: printing to the process's stdout and
     * stderr, stderr masked as every command's output is ({@link Output#redacting}).
     */
    static void installOnProcessStreams(boolean json) {
        install(new PrintWriter(System.out, true), Output.redacting(new PrintWriter(System.err, true)), json);
    }

    /** As {@link #install(CommandSpec, boolean)}, printing to {@code out} and {@code err}. */
    static synchronized void install(PrintWriter out, PrintWriter err, boolean json) {
        StopNotice.out = out;
        StopNotice.err = err;
        StopNotice.json = json;
        StopNotice.service = null;
        if (installed) {
            return;
        }
        installed = true;
        for (String name : List.of("TERM", "INT", "HUP")) {
            try {
                Signal signal = new Signal(name);
                SignalHandler[] previous = new SignalHandler[1];
                previous[0] = Signal.handle(signal, s -> {
                    received = s;
                    try {
                        previous[0].handle(s);
                    } catch (UnsupportedOperationException nativeHandler) { // not the JVM's Java handler
                        System.exit(128 + s.getNumber());
                    }
                });
            } catch (IllegalArgumentException inUse) {
                // the JVM keeps this signal (-Xrs, a debugger): the stop is then reported without its name
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(StopNotice::reportIdleStop, "stop-notice"));
    }

    /** In the shutdown hook: the stop, when no locked work runs to report it after its sweep. */
    private static void reportIdleStop() {
        BackupService s = service;
        Signal signal = received;
        if (signal == null || err == null || (s != null && s.lockedWorkRunning())) {
            return;
        }
        String reason = print(err, s, s == null ? "nothing was written" : "nothing was running");
        if (json && !Output.printedJson()) {
            ExitCodes.json(out, 128 + signal.getNumber(), reason, List.of());
        }
    }

    /** Whether a stop signal arrived. */
    static boolean stopping() {
        return received != null;
    }

    /**
     * The exit code of a command that ended with {@code code}: the signal's (128 + its number) once a stop signal
     * arrived. The JVM's own handler exits with it too, on its thread; the main thread, done first with a command the
     * signal interrupted, exited with 1 in that race.
     */
    static int exitCode(int code) {
        Signal s = received;
        return s == null ? code : 128 + s.getNumber();
    }

    /**
     * The stop report of locked work, for {@link BackupService#sweepOnShutdown(Consumer)}: "interrupted by SIGTERM; ",
     * the backups {@code service} committed before the stop (they are complete) and those it removed (rotation), and
     * {@code what} (what was swept) on stderr, and with {@code json} the error object on stdout. Call {@link #install}
     * first.
     */
    static Consumer<String> reporter(BackupService service) {
        StopNotice.service = service;
        PrintWriter toOut = out;
        PrintWriter toErr = err;
        boolean asJson = json;
        return what -> {
            String reason = print(toErr, service, what);
            if (asJson) {
                Signal s = received;
                ExitCodes.json(toOut, s == null ? ExitCodes.FAILED : 128 + s.getNumber(), reason, List.of());
            }
        };
    }

    private static String print(PrintWriter to, BackupService service, String what) {
        Signal s = received;
        List<String> committed = service == null ? List.of() : service.catalog().committed();
        String done = committed.isEmpty() ? ""
                : (committed.size() == 1 ? "backup " + committed.get(0) + " was" : "backups " + String.join(", ", committed) + " were")
                + " committed before the stop and " + (committed.size() == 1 ? "is" : "are") + " complete; ";
        List<String> removed = service == null ? List.of() : service.catalog().removed();
        String gone = removed.isEmpty() ? ""
                : Plural.of(removed.size(), "backup") + " removed before the stop (" + String.join(", ", removed) + "); ";
        String reason = "interrupted" + (s == null ? "" : " by SIG" + s.getName()) + "; " + done + gone + what;
        to.println("archivist: " + reason);
        to.flush();
        return reason;
    }
}
