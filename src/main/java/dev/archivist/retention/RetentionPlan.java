package dev.archivist.retention;

import java.util.List;
import java.util.Optional;

/** The outcome of {@link RetentionPlanner#plan}: one decision per backup, by type, newest first. */
public record RetentionPlan(List<Decision> decisions) {

    public RetentionPlan {
        decisions = List.copyOf(decisions);
    }

    /** Backups to keep, in decision order. */
    public List<RetentionCandidate> keep() {
        return decisions.stream().filter(Decision::keep).map(Decision::backup).toList();
    }

    /** Backups to remove, in decision order. */
    public List<RetentionCandidate> remove() {
        return decisions.stream().filter(d -> !d.keep()).map(Decision::backup).toList();
    }

    /** The decision on the backup with this id, if it was planned. */
    public Optional<Decision> decisionFor(String id) {
        return decisions.stream().filter(d -> d.backup().id().equals(id)).findFirst();
    }
}
