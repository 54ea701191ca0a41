package dev.archivist.retention;

import java.util.List;
import java.util.Objects;

/**
 * The verdict on one backup: keep or remove, with at least one reason (the reasons to keep when kept, the reasons to
 * remove otherwise).
 */
public record Decision(RetentionCandidate backup, boolean keep, List<String> reasons) {

    public Decision {
        Objects.requireNonNull(backup, "backup");
        reasons = List.copyOf(reasons);
        if (reasons.isEmpty()) {
            throw new IllegalArgumentException(backup.id() + ": a decision needs a reason");
        }
    }
}
