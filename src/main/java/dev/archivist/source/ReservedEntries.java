package dev.archivist.source;

import java.util.Map;

/**
 * Entries of a storage folder that a walk skips, with the reason it records for each ({@link DirectoryWalker}).
 *
 * @param paths            relative paths ({@code /}-separated)
 * @param folders          folders by {@link java.nio.file.attribute.BasicFileAttributes#fileKey() file key} (device
 *                         and inode), wherever they show up: a folder bind-mounted into the tree has a path the
 *                         {@code paths} cannot know
 * @param topLevelPrefixes name prefixes of entries at the top of the tree
 */
public record ReservedEntries(Map<String, String> paths, Map<Object, String> folders,
        Map<String, String> topLevelPrefixes) {
    /** Nothing reserved. */
    public static final ReservedEntries NONE = new ReservedEntries(Map.of(), Map.of(), Map.of());

    public ReservedEntries {
        paths = Map.copyOf(paths);
        folders = Map.copyOf(folders);
        topLevelPrefixes = Map.copyOf(topLevelPrefixes);
    }

    /** Why the entry at {@code rel} is skipped by its path, or null. */
    String byPath(String rel) {
        String reason = paths.get(rel);
        if (reason != null || rel.indexOf('/') >= 0) {
            return reason;
        }
        for (Map.Entry<String, String> p : topLevelPrefixes.entrySet()) {
            if (rel.startsWith(p.getKey())) {
                return p.getValue();
            }
        }
        return null;
    }

    /** Why the folder with file key {@code key} is skipped, or null. */
    String byIdentity(Object key) {
        return key == null ? null : folders.get(key);
    }
}
