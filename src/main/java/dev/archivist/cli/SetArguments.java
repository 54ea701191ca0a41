package dev.archivist.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code --set} arguments of a command line read by hand, for a command line picocli could not parse (or a command
 * that failed before it read its settings): {@code --set X}, {@code --set=X}, {@code -S X}, {@code -S=X}, {@code -SX}.
 *
 * <p>A {@code --set NAME VALUE} (a space typed for the {@code =}) is the case that matters: picocli takes NAME as the
 * option's argument and VALUE as whatever comes next (a positional argument, an unknown option, an unmatched
 * argument), and its message about that prints VALUE, which may be a password. Every usage error of such a command
 * line is therefore reported as this one, without the value.
 */
final class SetArguments {
    /** One {@code --set}'s argument, and whether another argument follows it on the command line. */
    record Found(String text, boolean followed) {
    }

    private SetArguments() {
    }

    /** What is said instead of the message that would show the value. */
    static String message(String name) {
        return "--set expects NAME=VALUE: '" + name + "' is followed by an argument of its own (not shown, it may hold"
                + " a secret)";
    }

    /** Every {@code --set}'s argument in {@code args}, in order. */
    static List<Found> all(List<String> args) {
        List<Found> found = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String text;
            if (arg.equals("--set") || arg.equals("-S")) {
                if (i + 1 >= args.size()) {
                    break;
                }
                text = args.get(++i);
            } else if (arg.startsWith("--set=")) {
                text = arg.substring(6);
            } else if (arg.startsWith("-S")) { // -S=X or -SX, as picocli reads a short option's attached value
                text = arg.substring(arg.startsWith("-S=") ? 3 : 2);
            } else {
                continue;
            }
            found.add(new Found(text, i + 1 < args.size()));
        }
        return found;
    }

    /** The NAME of the first {@code --set NAME VALUE} in {@code args}, or null when they hold none. */
    static String nameWithoutValue(List<String> args) {
        return all(args).stream().filter(f -> f.followed() && !f.text().contains("=")).map(Found::text).findFirst()
                .orElse(null);
    }
}
