package dev.archivist.retention;

import java.util.List;

/** Keeps the newest pre-restore backup; older ones are removed once a newer one exists. */
final class PreRestoreRule {

    private PreRestoreRule() {
    }

    /** @param newestFirst all pre-restore backups, newest first */
    static void apply(List<RetentionCandidate> newestFirst, Ledger ledger) {
        for (int i = 0; i < newestFirst.size(); i++) {
            if (i == 0) {
                ledger.keep(newestFirst.get(i), "newest pre_restore");
            } else {
                ledger.remove(newestFirst.get(i), "older pre_restore");
            }
        }
    }
}
