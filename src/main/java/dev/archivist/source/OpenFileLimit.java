package dev.archivist.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's soft limit on open descriptors ({@code RLIMIT_NOFILE}), read from {@code /proc/self/limits}: Java has
 * no call for it short of the management beans, which cost tens of milliseconds to start. The JVM raises the soft
 * limit to the hard one at start-up, so this is what the backup can use. A walk holds folders open
 * ({@link FolderHandle}, two descriptors each): those it stands in, and those of entries waiting to be read; each kind
 * gets {@link #folderBudget()}.
 */
public final class OpenFileLimit {
    /** The most folders of one kind held open, whatever the limit. */
    public static final int MAX_FOLDERS = 512;

    private static final Path LIMITS = Path.of("/proc/self/limits");

    private OpenFileLimit() {
    }

    /**
     * Whether {@code e} says the process (EMFILE) or the system (ENFILE) ran out of descriptors: a failure of the backup,
     * never a file to skip, or the backup would succeed with most of the data missing.
     */
    public static boolean exhausted(IOException e) {
        String m = e.getMessage();
        return m != null && m.contains("Too many open files");
    }

    /** Throws {@link #failure} when {@code e} says descriptors ran out while {@code doing}; returns otherwise. */
    static void failIfExhausted(String doing, IOException e) throws IOException {
        if (exhausted(e)) {
            throw failure(doing, e);
        }
    }

    /** The failure to raise for {@code e} when descriptors ran out while {@code doing}. */
    public static IOException failure(String doing, IOException e) {
        return new IOException("out of file descriptors while " + doing + " (raise the limit, ulimit -n, now "
                + current() + "): " + e.getMessage(), e);
    }

    /** How many folders of one kind a walk may hold open under the current limit. */
    public static int folderBudget() {
        return folderBudget(current());
    }

    /**
     * How many folders of one kind a walk may hold open under a soft limit of {@code limit} (0 when unknown): an eighth
     * of the descriptors the JVM, the archive's files and the readers leave (two per folder, two kinds), at most
     * {@value #MAX_FOLDERS}, at least 4.
     */
    static int folderBudget(long limit) {
        if (limit <= 0) {
            return MAX_FOLDERS;
        }
        return (int) Math.max(4, Math.min(MAX_FOLDERS, (limit - 128) / 8));
    }

    /**
     * The soft limit, or 0 when unknown or unlimited (not Linux, no /proc). Read once, when the first walk starts: the
     * JVM does not change it later, and once descriptors ran out, /proc could not be read to say what the limit was.
     */
    static long current() {
        return Read.LIMIT;
    }

    /** The holder of the value read once. */
    private static final class Read {
        static final long LIMIT = read();
    }

    private static long read() {
        try {
            for (String line : Files.readAllLines(LIMITS)) {
                if (line.startsWith("Max open files")) {
                    return parse(line);
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc here: unknown
        }
        return 0;
    }

    /** The soft limit of a {@code Max open files  <soft>  <hard>  files} line; 0 for "unlimited". */
    static long parse(String line) {
        String[] fields = line.substring("Max open files".length()).trim().split("\\s+");
        return fields[0].equals("unlimited") ? 0 : Long.parseLong(fields[0]);
    }
}
