package dev.archivist.catalog;

/** Who holds the backup-directory lock: process id, command line and since when (UTC). */
public record LockHolder(long pid, String command, String since) {
    @Override
    public String toString() {
        return "pid " + pid + " (" + command + ") since " + since;
    }
}
