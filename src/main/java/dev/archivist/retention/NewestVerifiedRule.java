package dev.archivist.retention;

import java.util.List;

/** Never removes the newest backup of a group whose last verification was clean: the last known-good copy. */
final class NewestVerifiedRule {

    private NewestVerifiedRule() {
    }

    /** @param newestFirst one type's standalone backups, newest first */
    static void apply(List<RetentionCandidate> newestFirst, Ledger ledger) {
        newestFirst.stream().filter(RetentionCandidate::verifiedClean).findFirst()
                .ifPresent(backup -> ledger.keep(backup, "newest verified"));
    }
}
