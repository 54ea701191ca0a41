package dev.archivist.cli;

import java.util.List;

/**
 * A {@code --set NAME VALUE} (or {@code -S NAME VALUE}, {@code -SNAME VALUE}): a space typed for the {@code =}. picocli
 * takes NAME as the option's argument and VALUE as whatever comes next (a positional argument, an unknown option, an
 * unmatched argument), and its message about that prints VALUE, which may be a password. Every usage error of such a
 * command line is therefore reported as this one, without the value.
 */
final class SetArguments {
    /** What is said instead of the message that would show the value. */
    static String message(String name) {
        return "--set expects NAME=VALUE: '" + name + "' is followed by an argument of its own (not shown, it may hold"
                + " a secret)";
    }

    private SetArguments() {
    }

    /** The NAME of the first {@code --set NAME VALUE} in {@code args}, or null when they hold none. */
    static String nameWithoutValue(List<String> args) {
        for (int i = 0; i + 1 < args.size(); i++) {
            String arg = args.get(i);
            String name;
            if (arg.equals("--set") || arg.equals("-S")) {
                if (i + 2 >= args.size()) {
                    return null;
                }
                name = args.get(++i);
            } else if (arg.startsWith("--set=")) {
                name = arg.substring(6);
            } else if (arg.startsWith("-S")) { // -S=NAME or -SNAME, as picocli reads a short option's attached value
                name = arg.startsWith("-S=") ? arg.substring(3) : arg.substring(2);
            } else {
                continue;
            }
            if (!name.contains("=")) {
                return name;
            }
        }
        return null;
    }
}
