package dev.archivist.config;

import java.nio.file.FileSystems;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.PatternSyntaxException;

/**
 * The glob patterns that excludes and {@code restore --path} take ({@code getPathMatcher("glob:…")} syntax): their
 * check, and the one dialect both read them in.
 */
public final class Globs {
    /** The most {@code **}{@code /} one pattern may hold: each doubles the forms it is matched in (2^8 = 256). */
    static final int MAX_ANY_FOLDERS = 8;

    private Globs() {
    }

    /**
     * The glob plus every form of it where some {@code **}{@code /} match no folder (2^k forms for k of them, at most
     * {@value #MAX_ANY_FOLDERS}: {@link #problem} refuses more). As in
     * {@code .gitignore}, a {@code **}{@code /} stands for zero or more folders ({@code **}{@code /*.tmp} matches
     * {@code a.tmp} as well as {@code x/a.tmp}); Java's glob alone needs at least one there.
     */
    public static Set<String> zeroFolderVariants(String glob) {
        Set<String> all = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(glob));
        while (!todo.isEmpty()) {
            String g = todo.removeFirst();
            if (!all.add(g)) {
                continue;
            }
            if (g.startsWith("**/")) {
                todo.addLast(g.substring(3));
            }
            for (int i = g.indexOf("/**/"); i >= 0; i = g.indexOf("/**/", i + 1)) {
                todo.addLast(g.substring(0, i) + g.substring(i + 3));
            }
        }
        return all;
    }

    /**
     * Why {@code glob} is not a valid glob, in one line ({@code Missing ']'}); null when it is.
     * The JDK's own message spans three lines (the pattern and a caret under the position).
     */
    public static String problem(String glob) {
        int anyFolders = glob.startsWith("**/") ? 1 : 0;
        for (int i = glob.indexOf("/**/"); i >= 0; i = glob.indexOf("/**/", i + 1)) {
            anyFolders++;
        }
        if (anyFolders > MAX_ANY_FOLDERS) {
            return "more than " + MAX_ANY_FOLDERS + " '**/' in one pattern";
        }
        try {
            FileSystems.getDefault().getPathMatcher("glob:" + glob);
            return null;
        } catch (PatternSyntaxException e) {
            String why = e.getDescription();
            // the JDK says "Missing '] or "Missing '}": close the quote
            return why.startsWith("Missing '") && !why.endsWith("'") ? why + "'" : why;
        }
    }
}
