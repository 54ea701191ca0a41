package dev.archivist.verify;

/** One thing wrong with a backup: which backup, where (part, file, manifest, index, database) and what. */
public record Problem(String backupId, String where, String what) {
    /** Whether this problem concerns the per-file index of a storage backup (not its archive or its manifest). */
    public boolean aboutIndex() {
        return where.equals("index") || where.startsWith("index ");
    }

    @Override
    public String toString() {
        return backupId + ": " + where + ": " + what;
    }
}
