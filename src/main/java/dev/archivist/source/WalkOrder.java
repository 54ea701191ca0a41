package dev.archivist.source;

/**
 * The order in which Archivist writes a storage archive and its per-file index ({@link DirectoryWalker}):
 * depth-first, a folder before what it holds, the names in each folder by Unicode code point. As one comparison of
 * whole relative paths: code point by code point, {@code /} below every other character, a path before the longer
 * paths it starts ({@code a}, {@code a/b}, {@code a b}, {@code ab}). Paths strictly increasing in this order hold no
 * duplicate, and every entry that lies between a folder and something inside it is inside that folder too: a restore
 * in this order needs to remember only the folders on the current path, and two indexes can be compared side by side.
 */
public final class WalkOrder {
    private WalkOrder() {
    }

    /** Negative, zero or positive as {@code a} comes before, is, or comes after {@code b}. */
    public static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca == '/' ? -1 : ca, cb == '/' ? -1 : cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }

    /** True if {@code path} lies inside the folder {@code dir} (both relative, without a trailing {@code /}). */
    public static boolean isInside(String path, String dir) {
        return path.length() > dir.length() && path.charAt(dir.length()) == '/' && path.startsWith(dir);
    }

    /**
     * True if {@code path} is a relative path Archivist writes: not empty, no leading or trailing {@code /}, and no
     * empty, {@code .} or {@code ..} component.
     */
    public static boolean isClean(String path) {
        if (path.isEmpty() || path.startsWith("/") || path.endsWith("/") || path.indexOf('\0') >= 0) {
            return false;
        }
        for (String part : path.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                return false;
            }
        }
        return true;
    }
}
