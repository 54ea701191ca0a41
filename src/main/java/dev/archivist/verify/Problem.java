package dev.archivist.verify;

/** One thing wrong with a backup: which backup, where (part, file, manifest, index, database) and what. */
public record Problem(String backupId, String where, String what) {
    @Override
    public String toString() {
        return backupId + ": " + where + ": " + what;
    }
}
