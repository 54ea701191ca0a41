package dev.archivist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A line written on stderr while the figures are drawn (a log line) follows the blanks that clear them, with no redraw
 * in between: the timer drew between the clearing and the text, so the line ran on after fresh figures
 * ("  1.0 KB read, 1 file, …   2026-… WARN …").
 */
class ProgressPrinterTest {
    @Test
    void noRedrawLandsBetweenTheClearingAndALineWrittenMeanwhile() throws Exception {
        Screen screen = new Screen();
        Stderr err = new Stderr(screen);
        ProgressPrinter printer = new ProgressPrinter(err);
        PrintStream above = printer.streamAbove();
        printer.progress(1024, 1);
        while (!screen.text().contains(" read, ")) { // the timer's first draw
            Thread.sleep(10);
        }
        err.holdAfterClearing = true;
        above.print("a log line\n");
        printer.finished();

        String text = screen.text();
        assertThat(text).as(text).containsPattern("\r +\ra log line\n");
    }

    /** What the figures and the lines land on. */
    private static final class Screen extends ByteArrayOutputStream {
        synchronized String text() {
            return toString(StandardCharsets.UTF_8);
        }
    }

    /**
     * Stderr. Once armed, a write that comes after the clearing waits first (holding none of its own locks) until the
     * timer either drew again or waits for the printer's lock: the moment a redraw could land before the line.
     */
    private static final class Stderr extends PrintStream {
        private final Screen screen;
        volatile boolean holdAfterClearing;

        Stderr(Screen screen) {
            super(screen, true, StandardCharsets.UTF_8);
            this.screen = screen;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (holdAfterClearing && screen.text().endsWith("\r")) {
                holdAfterClearing = false;
                int cleared = screen.size();
                while (screen.size() == cleared && !timerWaitsForThePrinter()) {
                    Thread.onSpinWait();
                }
            }
            super.write(b, off, len);
        }

        private static boolean timerWaitsForThePrinter() {
            return Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(t -> t.getName().equals("progress") && t.getState() == Thread.State.BLOCKED);
        }
    }
}
