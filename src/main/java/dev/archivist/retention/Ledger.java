package dev.archivist.retention;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Collects, per backup, the reasons to keep it and the reasons to remove it while the rules run. */
final class Ledger {

    private final Map<RetentionCandidate, List<String>> keepReasons = new LinkedHashMap<>();
    private final Map<RetentionCandidate, List<String>> removeReasons = new LinkedHashMap<>();

    void keep(RetentionCandidate backup, String reason) {
        List<String> reasons = keepReasons.computeIfAbsent(backup, b -> new ArrayList<>());
        if (!reasons.contains(reason)) { // two rules may keep it for the same reason ("newest verified")
            reasons.add(reason);
        }
    }

    void remove(RetentionCandidate backup, String reason) {
        removeReasons.computeIfAbsent(backup, b -> new ArrayList<>()).add(reason);
    }

    boolean isKept(RetentionCandidate backup) {
        return keepReasons.containsKey(backup);
    }

    /** The decision: kept with its keep reasons if any rule keeps it, else removed with its remove reasons. */
    Decision decide(RetentionCandidate backup) {
        List<String> keep = keepReasons.get(backup);
        if (keep != null) {
            return new Decision(backup, true, keep);
        }
        List<String> remove = removeReasons.getOrDefault(backup, List.of("not matched by any keep rule"));
        return new Decision(backup, false, remove);
    }
}
