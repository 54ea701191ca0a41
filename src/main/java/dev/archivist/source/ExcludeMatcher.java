package dev.archivist.source;

import dev.archivist.config.Globs;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Exclude globs matched against paths relative to the walk root with {@code /} separators, using
 * {@link FileSystem#getPathMatcher} {@code glob:} syntax ({@code *} stays within a name, {@code **} crosses
 * directories). As in {@code .gitignore}, a {@code **}{@code /} stands for zero or more folders: a pattern starting
 * with it also matches at the top level ({@code **}{@code /*.tmp} excludes {@code a.tmp} as well as {@code x/a.tmp}),
 * and one in the middle also matches no folder ({@code docs/**}{@code /*.txt} excludes {@code docs/a.txt} as well as
 * {@code docs/x/a.txt}); Java's glob alone needs at least one there. Also as in {@code .gitignore}, a pattern
 * ending in {@code /} matches folders only ({@code cache/} excludes the folder {@code cache} with everything in it,
 * not a file of that name); Java's glob alone never matches a path ending in {@code /}, so such a pattern silently
 * excluded nothing. Matched with {@link Globs#matcher}: unlike the JDK's, its {@code **} also crosses line breaks in
 * names.
 */
final class ExcludeMatcher {
    private final List<Predicate<String>> matchers = new ArrayList<>();
    private final List<Predicate<String>> folderMatchers = new ArrayList<>();

    ExcludeMatcher(List<String> globs) {
        this(globs, null);
    }

    /**
     * As {@link #ExcludeMatcher(List)}; a glob that starts with the absolute path of {@code root} (restic's excludes
     * are absolute paths: {@code /srv/app/storage/cache/**}), or with its real path when a symlink leads to it, means
     * the same relative to the root, rather than a folder of that name inside it, which silently excluded nothing.
     */
    ExcludeMatcher(List<String> globs, Path root) {
        List<String> rootPrefixes = rootPrefixes(root);
        for (String g : globs) {
            String glob = Globs.singleSlashes(Globs.stripUnescaped(g));
            for (String rootPrefix : rootPrefixes) {
                if (glob.startsWith(rootPrefix)) {
                    glob = glob.substring(rootPrefix.length());
                    break;
                }
            }
            if (glob.isEmpty()) {
                continue;
            }
            while (glob.startsWith("/") || glob.startsWith("./")) { // both mean the storage root
                glob = glob.substring(glob.indexOf('/') + 1);
            }
            List<Predicate<String>> into = matchers;
            if (glob.endsWith("/")) {
                glob = glob.replaceAll("/+$", "");
                into = folderMatchers;
            }
            if (glob.isEmpty()) {
                continue;
            }
            for (String variant : Globs.zeroFolderVariants(glob)) {
                into.add(Globs.matcher(variant));
            }
        }
    }

    /**
     * The root's absolute path as given and, when a symlink leads to it (a {@code STORAGE_PATH} on a data volume),
     * the real one, each with a trailing {@code /}, longest first; none for the file system's root.
     */
    private static List<String> rootPrefixes(Path root) {
        List<String> prefixes = new ArrayList<>();
        if (root == null) {
            return prefixes;
        }
        Path given = root.toAbsolutePath().normalize();
        prefixes.add(given + "/");
        try {
            prefixes.add(root.toRealPath() + "/");
        } catch (java.io.IOException | SecurityException e) {
            // a missing root: the backup fails on it anyway
        }
        prefixes.removeIf("/"::equals);
        return prefixes.stream().distinct().sorted(java.util.Comparator.comparingInt(String::length).reversed())
                .toList();
    }

    /** Whether an entry of any type is excluded (patterns without a trailing {@code /}). */
    boolean excluded(String relativePath) {
        return matchesAny(matchers, relativePath);
    }

    /** Whether a folder is excluded by a pattern ending in {@code /} (the others are asked by {@link #excluded}). */
    boolean excludedFolder(String relativePath) {
        return matchesAny(folderMatchers, relativePath);
    }

    private static boolean matchesAny(List<Predicate<String>> list, String relativePath) {
        for (Predicate<String> m : list) {
            if (m.test(relativePath)) {
                return true;
            }
        }
        return false;
    }
}
