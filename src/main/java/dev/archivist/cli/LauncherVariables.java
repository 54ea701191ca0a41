package dev.archivist.cli;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The variables {@code bin/archivist} reads before Java starts, checked with the configuration so that a bad one is
 * reported as any other (named, with its value, among all problems, exit 2). The launcher leaves a bad
 * {@code ARCHIVIST_MAX_HEAP} out of the JVM's flags (the JVM would refuse to start with its own message, on stdout for
 * some values), so the check runs here; the same rule is in {@code bin/archivist}.
 */
final class LauncherVariables {
    static final String MAX_HEAP = "ARCHIVIST_MAX_HEAP";
    /** The smallest limit Archivist is given: below it even {@code list} runs out of heap. */
    static final long MIN_HEAP_MIB = 32;
    /** The largest: 16 TiB, past any need, and below what a 64-bit JVM can reserve (~100 TiB here). */
    static final long MAX_HEAP_MIB = 16L << 20;
    private static final Pattern SIZE = Pattern.compile("([0-9]{1,12})([kKmMgGtT]?)");

    private LauncherVariables() {
    }

    static void check(Map<String, String> environment, List<String> problems) {
        String heap = environment.get(MAX_HEAP);
        if (heap != null && !heap.isEmpty() && !validHeap(heap)) { // empty: not set, as the launcher reads it
            problems.add(MAX_HEAP + "='" + heap + "': not a heap size from " + MIN_HEAP_MIB
                    + "m to 16t (a number of bytes, or of k, m, g or t, e.g. 512m or 2g)");
        }
    }

    static boolean validHeap(String value) {
        Matcher m = SIZE.matcher(value);
        if (!m.matches()) {
            return false;
        }
        int shift = switch (m.group(2).toLowerCase(java.util.Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        long number = Long.parseLong(m.group(1)); // 12 digits at most: no overflow below
        long unit = 1L << shift;
        return number >= Math.max(1, ((MIN_HEAP_MIB << 20) + unit - 1) / unit) && number <= (MAX_HEAP_MIB << 20) / unit;
    }
}
