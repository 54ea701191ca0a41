package dev.archivist.archive;

/**
 * Entries a backup stores faithfully but that {@code archivist restore} refuses by default, found while backing up so
 * the operator learns of them then rather than when restoring: symlinks whose target is absolute or climbs out of the
 * storage folder (restored only with {@code --allow-outside-symlinks}). The checks are lexical, like the restore's
 * first pass.
 */
final class RestoreWarnings {
    private RestoreWarnings() {
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
