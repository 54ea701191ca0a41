package dev.archivist.retention;

import java.util.List;

/** Keeps the newest {@code MAX_BACKUPS} of a group, as the original's rotation intended. */
final class MaxBackupsRule {

    private MaxBackupsRule() {
    }

    /** @param newestFirst one type's standalone backups, newest first */
    static void apply(List<RetentionCandidate> newestFirst, int maxBackups, Ledger ledger) {
        for (int i = 0; i < newestFirst.size(); i++) {
            RetentionCandidate backup = newestFirst.get(i);
            if (i < maxBackups) {
                ledger.keep(backup, "newest " + (i + 1) + " of MAX_BACKUPS=" + maxBackups);
            } else {
                ledger.remove(backup, "over MAX_BACKUPS=" + maxBackups);
            }
        }
    }
}
