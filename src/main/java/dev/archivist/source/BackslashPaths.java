package dev.archivist.source;

/**
 * Paths that lead out of their folder where a backslash separates folders too (Windows, and the shares a restored
 * tree may be copied to): {@code ..\evil}, {@code docs\..\..\evil}, {@code \evil}. A restore refuses them as it refuses
 * {@code ../evil}, so a backup does not store them: a backup would otherwise hold a file no restore gives back. A
 * backslash elsewhere ({@code a\b.txt}, {@code docs/..\x}, which stays inside) is an ordinary character of a Linux name.
 */
public final class BackslashPaths {
    private BackslashPaths() {
    }

    /**
     * Why {@code path} (relative, {@code /} between its folders) leads out of its folder once backslashes separate
     * folders too, or null when it does not (always null without a backslash: {@code /} paths are judged elsewhere).
     */
    public static String escape(String path) {
        if (path.indexOf('\\') < 0) {
            return null;
        }
        if (path.startsWith("\\")) {
            return "a path starting with a backslash (an absolute path on Windows)";
        }
        int depth = 0;
        for (String part : path.split("[/\\\\]", -1)) {
            if (part.equals("..")) {
                if (--depth < 0) {
                    return "'..' with backslashes leading out of the folder (on Windows)";
                }
            } else if (!part.isEmpty() && !part.equals(".")) {
                depth++;
            }
        }
        return null;
    }
}
