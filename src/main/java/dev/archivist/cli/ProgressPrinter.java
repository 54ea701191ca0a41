package dev.archivist.cli;

import dev.archivist.archive.ProgressListener;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of a long backup on a terminal (bytes, files, rate), redrawn in place on stderr at most five times a
 * second. Silent when stdout/stderr is not a terminal or in {@code --json} mode.
 */
final class ProgressPrinter implements ProgressListener {
    private final PrintStream err;
    private final long started = System.nanoTime();
    private long lastDraw;
    private boolean drawn;

    private ProgressPrinter(PrintStream err) {
        this.err = err;
    }

    /** A printer when interactive, else {@link ProgressListener#NONE}. */
    static ProgressListener forTerminal(boolean json) {
        return !json && System.console() != null ? new ProgressPrinter(System.err) : ProgressListener.NONE;
    }

    @Override
    public void progress(long bytes, long files) {
        long now = System.nanoTime();
        if (now - lastDraw < 200_000_000L) {
            return;
        }
        lastDraw = now;
        double seconds = Math.max(0.001, (now - started) / 1e9);
        err.printf(Locale.ROOT, "\r  %s read, %,d files, %.1f MiB/s   ", Output.size(bytes), files, bytes / seconds / (1 << 20));
        err.flush();
        drawn = true;
    }

    /** Ends the progress line. */
    void finish() {
        if (drawn) {
            err.println();
        }
    }

    /** Ends the line if {@code listener} is a printer. */
    static void finish(ProgressListener listener) {
        if (listener instanceof ProgressPrinter p) {
            p.finish();
        }
    }
}
