package dev.archivist.cli;

import dev.archivist.archive.ProgressListener;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Progress of a long backup on a terminal (bytes read, files, rate, compressed bytes stored), redrawn in place on
 * stderr five times a second by a timer, the first time 200 ms after the archive starts (short backups print nothing).
 * The timer keeps drawing while one large file is read and while the compressor finishes after the last file, so the
 * line never freezes while work goes on. A database copy gets a line of its own ("database: … read"), before the
 * archive's in a full backup. A backup that fails (or is stopped) ends its line with "failed: nothing kept" in place
 * of the bytes stored, which went with its temporary files, before the error is printed. Silent in {@code --json} mode and when stdout or stderr is not a terminal (so redirected
 * logs never get carriage returns). A line is cut to the terminal's width, one column spare: a carriage return goes
 * back to the start of the last row only, so a line that wrapped left its first rows on the screen at every redraw.
 * Anything else written to stderr meanwhile (a log line) first clears the figures, so it starts on a line of its own;
 * the next tick draws them again below it.
 */
final class ProgressPrinter implements ProgressListener {
    private static final long PERIOD_MS = 200;

    private final PrintStream err;
    private volatile long bytes;
    private volatile long files;
    private volatile long stored;
    private volatile boolean database;
    private long started;
    private ScheduledExecutorService ticker;
    private volatile boolean ended;
    private boolean drawn;
    private boolean onScreen;
    private int drawnLength;
    private int columns = -1;

    /** A printer drawing on {@code err}; {@link #forTerminal} gives one only when interactive. */
    ProgressPrinter(PrintStream err) {
        this.err = err;
    }

    /**
     * A printer when interactive, else {@link ProgressListener#NONE}. The printer draws on the stderr of the moment;
     * {@link System#err} becomes a stream that clears the figures before anything else is written through it.
     */
    static ProgressListener forTerminal(boolean json) {
        if (json || !Terminals.isTerminal(1) || !Terminals.isTerminal(2)) {
            return ProgressListener.NONE;
        }
        ProgressPrinter printer = new ProgressPrinter(System.err);
        System.setErr(printer.streamAbove());
        return printer;
    }

    /**
     * The stream for what others write on the printer's stderr meanwhile (a log line): each write clears the figures
     * and goes out under the lock the timer draws with, so no redraw can land between the clearing and the text.
     */
    PrintStream streamAbove() {
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (ProgressPrinter.this) {
                    clearLine();
                    err.write(b, off, len);
                }
            }

            @Override
            public void flush() {
                err.flush();
            }
        }, true, StandardCharsets.UTF_8);
    }

    /** Blanks the figures on screen and returns to the start of their line, for a line written by someone else. */
    private synchronized void clearLine() {
        if (onScreen) {
            err.print("\r" + " ".repeat(drawnLength) + "\r");
            err.flush();
            onScreen = false;
        }
    }

    @Override
    public void progress(long bytes, long files) {
        // the storage part of a full backup, after its database part: a line of its own (also when that part failed
        // before it reported anything, so it never became the database's line)
        if (database || ended) {
            restart(false);
        }
        this.bytes = bytes;
        this.files = files;
        begin();
    }

    @Override
    public void database(long bytes) {
        if (!database) {
            restart(true);
        }
        this.bytes = bytes;
        begin();
    }

    /** Starts over for another part, once the previous one ended its line. */
    private synchronized void restart(boolean databasePart) {
        if (ticker != null && !ended) {
            finished();
        }
        database = databasePart;
        columns = -1;
        ticker = null;
        ended = false;
        bytes = 0;
        files = 0;
        stored = 0;
    }

    @Override
    public void stored(long archiveBytes) {
        this.stored = archiveBytes;
        begin();
    }

    /** Starts the clock and the timer with the archive (in a full backup, after the database part). */
    private synchronized void begin() {
        if (ticker != null || ended) {
            return;
        }
        started = System.nanoTime();
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "progress");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(this::tick, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    private synchronized void tick() {
        if (!ended) {
            draw(false);
        }
    }

    /** Draws the final figures and ends the line, so what is printed next (a log line, the result) starts afresh. */
    @Override
    public synchronized void finished() {
        end(false);
    }

    /**
     * Ends the line as {@link #finished()} does, saying the backup failed instead of what was stored: those bytes were
     * discarded with the failed backup's temporary files. The error then starts on a line of its own.
     */
    @Override
    public synchronized void failed() {
        end(true);
    }

    private void end(boolean failed) {
        ended = true;
        if (ticker != null) {
            ticker.shutdownNow();
        }
        if (drawn) {
            draw(failed);
            err.println();
            err.flush();
            drawn = false;
            onScreen = false;
        }
    }

    /** Draws the figures; a failed backup's last line says so rather than what it stored. */
    private void draw(boolean failed) {
        double seconds = Math.max(0.001, (System.nanoTime() - started) / 1e9);
        long read = bytes;
        String rate = Output.size((long) (read / seconds)) + "/s";
        String outcome = failed ? ", failed: nothing kept   " : database ? "   " : ", " + Output.size(stored) + " stored   ";
        String line = database ? "  database: " + Output.size(read) + " read, " + rate + outcome
                : "  " + Output.size(read) + " read, " + String.format(Locale.ROOT, "%,d", files) + (files == 1 ? " file, " : " files, ")
                + rate + outcome;
        if (columns < 0) { // once per line, on its first draw (a short backup draws nothing and runs no stty)
            columns = Terminals.columns(2);
        }
        String fitted = columns > 0 && line.length() >= columns ? line.substring(0, columns - 1) : line;
        err.print("\r" + fitted);
        err.flush();
        drawn = true;
        onScreen = true;
        drawnLength = fitted.length();
    }
}
