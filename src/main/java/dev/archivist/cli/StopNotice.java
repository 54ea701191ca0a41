package dev.archivist.cli;

import dev.archivist.BackupService;
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

    private StopNotice() {
    }

    /** Notes which stop signal arrives, then lets the JVM's handler shut down as it would have. */
    static synchronized void install() {
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
    }

    /** Whether a stop signal arrived. */
    static boolean stopping() {
        return received != null;
    }

    /**
     * Prints the stop report: "interrupted by SIGTERM; ", the backups {@code service} committed before the stop (they are
     * complete), and {@code what} (what was swept) on stderr, and with {@code json} the error object on stdout. A stop
     * that finds no locked work running (it ended, or has not begun) is reported too, on stderr only: it came after a
     * commit, or before anything was written.
     */
    static Consumer<String> reporter(CommandSpec spec, boolean json, BackupService service) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (received != null && !service.lockedWorkRunning()) {
                print(spec, service, "nothing was running");
            }
        }, "stop-notice"));
        return what -> {
            String reason = print(spec, service, what);
            if (json) {
                Signal s = received;
                ExitCodes.json(spec.commandLine().getOut(), s == null ? ExitCodes.FAILED : 128 + s.getNumber(), reason,
                        List.of());
            }
        };
    }

    private static String print(CommandSpec spec, BackupService service, String what) {
        Signal s = received;
        List<String> committed = service.catalog().committed();
        String done = committed.isEmpty() ? ""
                : (committed.size() == 1 ? "backup " + committed.get(0) + " was" : "backups " + String.join(", ", committed) + " were")
                + " committed before the stop and " + (committed.size() == 1 ? "is" : "are") + " complete; ";
        String reason = "interrupted" + (s == null ? "" : " by SIG" + s.getName()) + "; " + done + what;
        PrintWriter err = spec.commandLine().getErr();
        err.println("archivist: " + reason);
        err.flush();
        return reason;
    }
}
