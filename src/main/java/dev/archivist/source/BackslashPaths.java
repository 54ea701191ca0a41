package dev.archivist.source;

/**
 * Names that are paths out of their folder where a backslash separates folders (Windows, and shares the restored
 * tree may be copied to): {@code ..\evil}, {@code a\..\..\evil}, {@code \evil}. A restore refuses them as it refuses
 * {@code ../evil}, so a backup does not store them: a backup would otherwise hold a file no restore can give back.
 * (A backslash elsewhere, {@code a\b.txt}, is an ordinary character of a Linux name and stays.)
 */
public final class BackslashPaths {
    private BackslashPaths() {
    }

    /** Why {@code name} (a path with {@code /} between its folders) is such a path, or null when it is not. */
    public static String escape(String name) {
        if (name.indexOf('\\') < 0) {
            return null;
        }
        for (String segment : name.split("/", -1)) {
            if (segment.startsWith("\\")) {
                return "a name starting with a backslash (an absolute path on Windows)";
            }
            for (String part : segment.split("\\\\", -1)) {
                if (part.equals("..")) {
                    return "'..' between backslashes (a path out of the folder on Windows)";
                }
            }
        }
        return null;
    }
}
