package dev.archivist.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the process's standard descriptors are open on, and a question asked on the terminal. Java 17 has only
 * {@link System#console()}, which is null unless stdin and stdout are both terminals; on Linux
 * {@code /proc/self/fd/N} tells each descriptor apart, so {@code archivist restore … | tee log} can still ask.
 */
final class Terminals {
    private Terminals() {
    }

    /**
     * Whether descriptor {@code fd} (0, 1 or 2) is a terminal. Where there is no {@code /proc/self/fd},
     * {@link System#console()} is all Java has (it also wants stdin and stdout to be terminals).
     */
    static boolean isTerminal(int fd) {
        String target = descriptorTarget(fd);
        if (target == null) {
            return !Files.isDirectory(Path.of("/proc/self/fd")) && System.console() != null;
        }
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
    }

    /** What descriptor {@code fd} is open on, as {@code /proc/self/fd/N} names it ({@code pipe:[…]}, a path), or null. */
    static String descriptorTarget(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }

    /**
     * The width in columns of the terminal that descriptor {@code fd} is open on, as {@code stty size} reads it from
     * that device (Java has no call for it), or 0 when it is unknown: not a terminal, no {@code stty}, or a terminal
     * that reports no size.
     */
    static int columns(int fd) {
        String device = descriptorTarget(fd);
        if (device == null || !device.startsWith("/dev/")) {
            return 0;
        }
        try {
            Process stty = new ProcessBuilder("stty", "size").redirectInput(new File(device))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String size = new String(stty.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (stty.waitFor() != 0) {
                return 0;
            }
            String[] rowsAndColumns = size.split("\\s+");
            return rowsAndColumns.length == 2 ? Math.max(0, Integer.parseInt(rowsAndColumns[1])) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /**
     * Asks {@code question} and returns the line typed, or null at the end of input. Only when stdin is a terminal
     * ({@link #isTerminal}): through the console when stdout is one too, else on {@code err} (stdout may be piped
     * to a log or hold JSON) with the answer read from stdin, as {@code rm -i} asks. With {@code stdoutIsData}
     * ({@code --json}) always on {@code err}: stdout holds only the JSON document, a terminal too.
     */
    static String ask(String question, PrintWriter err, boolean stdoutIsData) throws IOException {
        Console console = stdoutIsData ? null : System.console();
        if (console != null) {
            return console.readLine("%s", question);
        }
        err.print(question);
        err.flush();
        // not closed: closing it would close stdin, and only one line is read
        return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    }
}
