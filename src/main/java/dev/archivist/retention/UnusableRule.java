package dev.archivist.retention;

import java.util.List;

/**
 * Backups that cannot be restored (files missing, or a failed verification) take no place in the quota, so they never
 * push out a good one. Such a backup is kept while it is newer than the oldest backup the quota kept, or (with
 * {@code MAX_BACKUPS}) while it is among the newest {@code MAX_BACKUPS} of its type (someone may want to look at it),
 * and removed after that. When the quota kept nothing, every one is kept: rotation never deletes the last traces of a
 * type.
 */
final class UnusableRule {

    private UnusableRule() {
    }

    /**
     * @param unusable one type's standalone backups that cannot be restored, newest first
     * @param usable   the same type's other standalone backups, newest first, the quota already applied
     * @param all      both together, newest first
     * @param maxBackups the {@code MAX_BACKUPS} quota, or 0 under a GFS policy
     */
    static void apply(List<RetentionCandidate> unusable, List<RetentionCandidate> usable, List<RetentionCandidate> all,
                      int maxBackups, Ledger ledger) {
        RetentionCandidate oldestKept = null;
        for (RetentionCandidate b : usable) {
            if (ledger.isKept(b)) {
                oldestKept = b;
            }
        }
        for (RetentionCandidate b : unusable) {
            String why = b.unusableBecause();
            if (oldestKept == null || RetentionPlanner.NEWEST_FIRST.compare(b, oldestKept) < 0
                    || all.indexOf(b) < maxBackups) {
                ledger.keep(b, "unrestorable (" + why + "): not counted, kept while newer than the kept backups");
            } else {
                ledger.remove(b, "unrestorable (" + why + ") and older than every kept backup");
            }
        }
    }
}
