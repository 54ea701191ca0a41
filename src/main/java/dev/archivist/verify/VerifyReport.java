package dev.archivist.verify;

import java.time.Instant;
import java.util.List;

/** The outcome of verifying one backup: every problem found, not only the first. */
public record VerifyReport(String backupId, String type, Instant verifiedAt, boolean deep, long bytesChecked,
                           long filesChecked, List<Problem> problems) {
    public VerifyReport {
        problems = List.copyOf(problems);
    }

    public boolean clean() {
        return problems.isEmpty();
    }
}
