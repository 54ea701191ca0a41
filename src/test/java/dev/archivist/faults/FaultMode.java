package dev.archivist.faults;

import java.util.Locale;
import java.util.Random;

/**
 * Knobs of the fault-injection suite. Default mode keeps the suite short enough for CI on two cores; the long mode
 * ({@code -Darchivist.faults=long} or {@code ARCHIVIST_FAULTS=long}) multiplies kills and iterations for local runs.
 * Every random choice comes from a seed printed on stderr; rerun a failure with {@code -Darchivist.faults.seed=N}.
 */
final class FaultMode {
    private FaultMode() {
    }

    static boolean isLong() {
        String p = System.getProperty("archivist.faults");
        String e = System.getenv("ARCHIVIST_FAULTS");
        return "long".equals(p == null ? null : p.toLowerCase(Locale.ROOT)) || "long".equals(e == null ? null : e.toLowerCase(Locale.ROOT));
    }

    /** {@code normal} in default mode, {@code longer} in long mode. */
    static int count(int normal, int longer) {
        return isLong() ? longer : normal;
    }

    /** The seed of one test: the override property, or a fresh one; always printed. */
    static long seed(String test) {
        String fixed = System.getProperty("archivist.faults.seed");
        long seed = fixed != null && !fixed.isBlank() ? Long.parseLong(fixed.strip()) : System.nanoTime() ^ 0x5DEECE66DL;
        System.err.println("[faults] " + test + ": seed " + seed + " (rerun with -Darchivist.faults.seed=" + seed + ")"
                + (isLong() ? " [long mode]" : ""));
        return seed;
    }

    static Random random(String test) {
        return new Random(seed(test));
    }
}
