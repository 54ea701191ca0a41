package dev.archivist.source;

import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * Exclude globs matched against paths relative to the walk root with {@code /} separators, using
 * {@link FileSystem#getPathMatcher} {@code glob:} syntax ({@code *} stays within a name, {@code **} crosses
 * directories). For convenience a pattern starting with {@code **}{@code /} also matches at the top level,
 * so {@code **}{@code /*.tmp} excludes {@code a.tmp} as well as {@code x/a.tmp}.
 */
final class ExcludeMatcher {
    private final List<PathMatcher> matchers = new ArrayList<>();
    private final FileSystem fs = FileSystems.getDefault();

    ExcludeMatcher(List<String> globs) {
        for (String g : globs) {
            String glob = g.trim();
            if (glob.isEmpty()) {
                continue;
            }
            if (glob.startsWith("/")) {
                glob = glob.substring(1);
            }
            matchers.add(fs.getPathMatcher("glob:" + glob));
            if (glob.startsWith("**/")) {
                matchers.add(fs.getPathMatcher("glob:" + glob.substring(3)));
            }
        }
    }

    boolean excluded(String relativePath) {
        if (matchers.isEmpty()) {
            return false;
        }
        var p = fs.getPath(relativePath);
        for (PathMatcher m : matchers) {
            if (m.matches(p)) {
                return true;
            }
        }
        return false;
    }
}
