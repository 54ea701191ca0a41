package dev.archivist.archive;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Where a symlink of a storage tree leads, resolved like the kernel would against the tree's own links: the one
 * check that both the restore ({@code restore.EntryTree}, which refuses such links) and the backup (which forecasts
 * those refusals in {@code restore_warnings}) use, so that the two can never disagree.
 */
public final class SymlinkResolution {
    /** As the kernel's {@code MAXSYMLINKS}: more links than this in one lookup fail with {@code ELOOP}. */
    public static final int MAX_LINK_HOPS = 40;

    private SymlinkResolution() {
    }

    /**
     * Resolves the link at {@code linkPath} (relative to the root, {@code /}-separated) whose target is
     * {@code target}, following the links of {@code linkTargets} (path to target).
     *
     * @return why it does not resolve inside the root, or {@code null} when it does
     */
    public static String problem(Map<String, String> linkTargets, String linkPath, String target) {
        Deque<String> stack = new ArrayDeque<>(ancestorSegments(linkPath));
        Deque<String> pending = new ArrayDeque<>(Arrays.asList(target.split("/", -1)));
        int hops = 0;
        while (!pending.isEmpty()) {
            String segment = pending.removeFirst();
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (stack.isEmpty()) {
                    return "escapes the target (..)";
                }
                stack.removeLast();
                continue;
            }
            stack.addLast(segment);
            String next = linkTargets.get(String.join("/", stack));
            if (next != null) {
                if (++hops > MAX_LINK_HOPS) {
                    return "loops (too many levels of symlinks)";
                }
                if (next.startsWith("/")) {
                    return "goes through an absolute symlink";
                }
                stack.removeLast();
                List<String> expanded = new ArrayList<>(Arrays.asList(next.split("/", -1)));
                for (int i = expanded.size() - 1; i >= 0; i--) {
                    pending.addFirst(expanded.get(i));
                }
            }
        }
        return null;
    }

    private static List<String> ancestorSegments(String path) {
        String[] segments = path.split("/");
        return Arrays.asList(segments).subList(0, segments.length - 1);
    }
}
