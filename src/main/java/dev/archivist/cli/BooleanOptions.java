package dev.archivist.cli;

import java.util.List;

/**
 * A boolean option ({@code --json}, {@code --dry-run}) read from a command line by hand, as picocli reads it, for the
 * decisions taken before or without its parse (a usage error, a stop while the JVM starts, the exit code once the
 * output is flushed): {@code --json} and {@code --json=true} turn it on, {@code --json=false} off, the last one
 * given wins, and nothing after {@code --} is an option.
 */
final class BooleanOptions {
    private BooleanOptions() {
    }

    /** Whether the boolean option {@code name} is on in {@code args}. */
    static boolean on(List<String> args, String name) {
        boolean on = false;
        for (String arg : args) {
            if (arg.equals("--")) {
                break;
            }
            if (arg.equals(name)) {
                on = true;
            } else if (arg.startsWith(name + "=")) {
                on = Boolean.parseBoolean(arg.substring(name.length() + 1)); // "true" in any case, as picocli
            }
        }
        return on;
    }

    /** As {@link #on(List, String)}, for the arguments as {@code main} gets them. */
    static boolean on(String[] args, String name) {
        return on(java.util.Arrays.asList(args), name);
    }
}
