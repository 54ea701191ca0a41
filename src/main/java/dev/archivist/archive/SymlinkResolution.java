package dev.archivist.archive;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where a symlink of a storage tree leads, resolved like the kernel would against the tree's own links: the one
 * check that both the restore ({@code restore.EntryTree}, which refuses links that could lead outside) and the
 * backup (which forecasts those refusals in {@code restore_warnings}) use, so that the two can never disagree.
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
     * <p>A cycle (the lookup comes back to a state it was in: {@code self -> self}, {@code a -> b} with
     * {@code b -> a}) resolves nowhere, so it cannot lead outside whoever follows it (the kernel stops with
     * {@code ELOOP}, any other resolver loops or gives up): it is no problem, and is restored as it is, as GNU tar
     * does. A lookup that keeps growing past {@link #MAX_LINK_HOPS} links without repeating itself is refused.
     *
     * @return why it could lead outside the root, or {@code null} when it cannot
     */
    public static String problem(Map<String, String> linkTargets, String linkPath, String target) {
        Deque<String> stack = new ArrayDeque<>(ancestorSegments(linkPath));
        Deque<String> pending = new ArrayDeque<>(Arrays.asList(target.split("/", -1)));
        Set<List<String>> seen = new HashSet<>();
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
                if (!seen.add(state(stack, pending))) {
                    return null; // a cycle: see above
                }
            }
        }
        return null;
    }

    /** Where a lookup stands: the folder reached and what is left to look up (separated by a null). */
    private static List<String> state(Deque<String> stack, Deque<String> pending) {
        List<String> state = new ArrayList<>(stack);
        state.add(null);
        state.addAll(pending);
        return state;
    }

    private static List<String> ancestorSegments(String path) {
        String[] segments = path.split("/");
        return Arrays.asList(segments).subList(0, segments.length - 1);
    }
}
