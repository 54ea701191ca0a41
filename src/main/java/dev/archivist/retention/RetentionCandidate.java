package dev.archivist.retention;

import dev.archivist.BackupType;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A backup as retention sees it.
 *
 * @param id              unique, sortable backup id
 * @param type            backup type
 * @param createdAt       creation time
 * @param preRestore      a database copy taken before a restore (only for {@link BackupType#DATABASE})
 * @param lastVerifyClean result of the last verification: {@code TRUE} clean (a deep verify), {@code FALSE} problems, {@code null} never verified or only its checksums seen clean
 * @param componentIds    for a full backup the ids of its database and storage components; empty otherwise
 * @param incomplete      some of its stored files (or, for a full backup, a component or a component's files) are
 *                        missing or not of their recorded size: it cannot be restored
 */
public record RetentionCandidate(
        String id,
        BackupType type,
        Instant createdAt,
        boolean preRestore,
        Boolean lastVerifyClean,
        List<String> componentIds,
        boolean incomplete) {

    /** A candidate whose files are all there. */
    public RetentionCandidate(String id, BackupType type, Instant createdAt, boolean preRestore, Boolean lastVerifyClean,
                              List<String> componentIds) {
        this(id, type, createdAt, preRestore, lastVerifyClean, componentIds, false);
    }

    public RetentionCandidate {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(createdAt, "createdAt");
        componentIds = componentIds == null ? List.of() : List.copyOf(componentIds);
        if (preRestore && type != BackupType.DATABASE) {
            throw new IllegalArgumentException(id + ": only database backups can be pre_restore backups");
        }
        if (!componentIds.isEmpty() && type != BackupType.FULL) {
            throw new IllegalArgumentException(id + ": only full backups have components");
        }
    }

    /**
     * Why this backup cannot be restored as far as the catalog knows (files missing, or its last verification found
     * problems), or {@code null}: such a backup takes no place in the quota.
     */
    public String unusableBecause() {
        if (incomplete) {
            return "files missing or not of their recorded size";
        }
        return Boolean.FALSE.equals(lastVerifyClean) ? "last verify failed" : null;
    }

    /** Whether the last verification of this backup found no problem. */
    public boolean verifiedClean() {
        return Boolean.TRUE.equals(lastVerifyClean);
    }
}
