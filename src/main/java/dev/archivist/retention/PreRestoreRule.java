package dev.archivist.retention;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Keeps the newest pre-restore backup, and every one taken in the last {@link #GRACE}; older ones go once a newer one
 * exists. Keeping only the newest lost the data of the first restore's safety copy as soon as a second restore was
 * made (the usual case: the wrong backup restored first, then the right one), since the second copy holds the wrong
 * backup's data, not the data from before the incident.
 */
final class PreRestoreRule {
    /** How long every safety copy is kept, whatever the number of restores since. */
    static final Duration GRACE = Duration.ofDays(7);

    private PreRestoreRule() {
    }

    /**
     * The newest copy that can be restored is the one kept, not merely the newest: a newer one whose files are missing
     * or whose verify failed never pushes it out (such newer ones stay with it, as {@link UnusableRule} keeps them).
     *
     * @param newestFirst all pre-restore backups, newest first
     */
    static void apply(List<RetentionCandidate> newestFirst, Instant now, Ledger ledger) {
        Instant cutoff = now.minus(GRACE);
        int usable = -1;
        for (int i = 0; i < newestFirst.size() && usable < 0; i++) {
            usable = newestFirst.get(i).unusableBecause() == null ? i : -1;
        }
        for (int i = 0; i < newestFirst.size(); i++) {
            RetentionCandidate b = newestFirst.get(i);
            if (i == usable) {
                ledger.keep(b, "newest pre_restore" + (i > 0 ? " that can be restored" : ""));
            } else if (usable < 0 && i == 0) {
                ledger.keep(b, "newest pre_restore");
            } else if (b.createdAt().isAfter(cutoff)) {
                ledger.keep(b, "pre_restore of the last " + GRACE.toDays() + " days");
            } else if (i < usable) {
                ledger.keep(b, "cannot be restored (" + b.unusableBecause() + "), newer than the newest pre_restore"
                        + " that can be");
            } else {
                ledger.remove(b, "older pre_restore");
            }
        }
    }
}
