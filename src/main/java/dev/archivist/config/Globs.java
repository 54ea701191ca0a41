package dev.archivist.config;

import java.nio.file.FileSystems;
import java.util.regex.PatternSyntaxException;

/** Checks the glob patterns that excludes and {@code restore --path} take ({@code getPathMatcher("glob:…")} syntax). */
public final class Globs {
    private Globs() {
    }

    /**
     * Why {@code glob} is not a valid glob, in one line ({@code Missing ']'}); null when it is.
     * The JDK's own message spans three lines (the pattern and a caret under the position).
     */
    public static String problem(String glob) {
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
