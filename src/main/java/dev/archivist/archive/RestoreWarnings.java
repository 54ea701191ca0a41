package dev.archivist.archive;

/**
 * Entries a backup stores faithfully but that {@code archivist restore} refuses by default, found while backing up so
 * the operator learns of them then rather than when restoring: symlinks whose target is absolute or climbs out of the
 * storage folder (restored only with {@code --allow-outside-symlinks}). The checks are lexical, like the restore's
 * first pass. Also entries no restore can create: paths of {@code PATH_MAX - 1} (4,095) bytes or more, which the
 * system refuses (GNU tar too: "File name too long") however short the target's own path.
 */
final class RestoreWarnings {
    /** Linux's limit on a path given to the system, its terminating zero byte included. */
    static final int PATH_MAX = 4096;

    private RestoreWarnings() {
    }

    /**
     * Why no restore can create the entry at {@code relativePath}, or {@code null}: only the first entry past the limit
     * on its branch is named (everything below it is past the limit too).
     */
    static String pathProblem(String relativePath) {
        if (relativePath.length() * 3 < PATH_MAX - 1) { // UTF-8 needs at most 3 bytes per char (4 per surrogate pair)
            return null;
        }
        int bytes = utf8Length(relativePath);
        int slash = relativePath.lastIndexOf('/');
        if (bytes < PATH_MAX - 1 || (slash > 0 && utf8Length(relativePath.substring(0, slash)) >= PATH_MAX - 1)) {
            return null;
        }
        return "path of " + bytes + " bytes, past the system's limit of " + (PATH_MAX - 1) + ": stored, but neither"
                + " archivist restore nor GNU tar can create it (nor anything below it)";
    }

    private static int utf8Length(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    /** Why restore refuses this symlink by default, or {@code null}. */
    static String linkProblem(String relativePath, String target) {
        if (target.startsWith("/")) {
            return "symlink to an absolute path: restored only with --allow-outside-symlinks";
        }
        int depth = 0;
        for (int i = relativePath.indexOf('/'); i >= 0; i = relativePath.indexOf('/', i + 1)) {
            depth++;
        }
        for (String segment : target.split("/")) {
            if (segment.equals("..")) {
                if (--depth < 0) {
                    return "symlink leading out of the storage folder: restored only with --allow-outside-symlinks";
                }
            } else if (!segment.isEmpty() && !segment.equals(".")) {
                depth++;
            }
        }
        return null;
    }
}
