package dev.archivist;

import java.util.List;

/**
 * What a restore did: which backup went where, the safety copy taken first ({@code pre_restore} database backup or the
 * {@code before-restore} folder), and what was compared.
 */
public record RestoreResult(String backupId, String type, String destination, String safetyCopy, long files,
                            long bytes, List<String> notes) {
    public RestoreResult {
        notes = List.copyOf(notes);
    }
}
