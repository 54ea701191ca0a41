package dev.archivist.retention;

import java.util.List;

/**
 * Judges components through their full backups: a component is kept while any full referencing it is kept, and
 * removed with its fulls otherwise. Runs after the full backups have been decided.
 */
final class ComponentRule {

    private ComponentRule() {
    }

    /**
     * @param fullsNewestFirst all full backups, newest first, already decided in {@code ledger}
     * @param component        a database or storage backup referenced by at least one of them
     */
    static void apply(RetentionCandidate component, List<RetentionCandidate> fullsNewestFirst, Ledger ledger) {
        for (RetentionCandidate full : fullsNewestFirst) {
            if (full.componentIds().contains(component.id())) {
                if (ledger.isKept(full)) {
                    ledger.keep(component, "referenced by full " + full.id());
                } else {
                    ledger.remove(component, "component of removed full " + full.id());
                }
            }
        }
    }
}
