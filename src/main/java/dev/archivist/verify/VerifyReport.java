package dev.archivist.verify;

import java.time.Instant;
import java.util.List;

/**
 * The outcome of verifying one backup: every problem found, not only the first, and the notes that are no damage:
 * the entries a default restore refuses (symlinks leading outside the storage folder, restored as they are with
 * {@code --allow-outside-symlinks}), as the backup recorded them in its manifest's {@code restore_warnings}.
 */
public record VerifyReport(String backupId, String type, Instant verifiedAt, boolean deep, long bytesChecked,
                           long filesChecked, List<Problem> problems, List<Problem> restoreWarnings) {
    public VerifyReport {
        problems = List.copyOf(problems);
        restoreWarnings = List.copyOf(restoreWarnings);
    }

    /** A report without notes. */
    public VerifyReport(String backupId, String type, Instant verifiedAt, boolean deep, long bytesChecked,
                        long filesChecked, List<Problem> problems) {
        this(backupId, type, verifiedAt, deep, bytesChecked, filesChecked, problems, List.of());
    }

    public boolean clean() {
        return problems.isEmpty();
    }
}
