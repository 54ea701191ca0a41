package dev.archivist.cli;

import dev.archivist.archive.ProgressListener;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Progress of a long backup on a terminal (bytes, files, rate), redrawn in place on stderr at most five times a
 * second, the first time after 200 ms (short backups print nothing). Silent in {@code --json} mode and when stdout or
 * stderr is not a terminal (so redirected logs never get carriage returns).
 */
final class ProgressPrinter implements ProgressListener {
    private final PrintStream err;
    private long started;
    private long lastDraw;
    private boolean begun;
    private boolean drawn;
    private long lastBytes;
    private long lastFiles;

    private ProgressPrinter(PrintStream err) {
        this.err = err;
    }

    /** A printer when interactive, else {@link ProgressListener#NONE}. */
    static ProgressListener forTerminal(boolean json) {
        return !json && System.console() != null && stderrIsTerminal() ? new ProgressPrinter(System.err) : ProgressListener.NONE;
    }

    /**
     * {@link System#console()} only tells that stdin and stdout are terminals; on Linux, {@code /proc/self/fd/2} tells
     * where stderr goes. Elsewhere stderr is assumed to follow stdout.
     */
    static boolean stderrIsTerminal() {
        Path fd = Path.of("/proc/self/fd/2");
        try {
            String target = Files.readSymbolicLink(fd).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return !Files.isDirectory(Path.of("/proc/self/fd"));
        }
    }

    @Override
    public void progress(long bytes, long files) {
        long now = System.nanoTime();
        lastBytes = bytes;
        lastFiles = files;
        if (!begun) { // the clock starts with the archive (in a full backup, after the database part)
            begun = true;
            started = now;
            lastDraw = now;
            return;
        }
        if (now - lastDraw < 200_000_000L) {
            return;
        }
        lastDraw = now;
        draw(now);
    }

    /** Draws the final figures and ends the line, so what is printed next (a log line, the result) starts afresh. */
    @Override
    public void finished() {
        if (drawn) {
            draw(System.nanoTime());
            err.println();
            err.flush();
            drawn = false;
        }
    }

    private void draw(long now) {
        double seconds = Math.max(0.001, (now - started) / 1e9);
        err.print("\r  " + Output.size(lastBytes) + " read, " + String.format(Locale.ROOT, "%,d", lastFiles) + " files, "
                + Output.size((long) (lastBytes / seconds)) + "/s   ");
        err.flush();
        drawn = true;
    }
}
