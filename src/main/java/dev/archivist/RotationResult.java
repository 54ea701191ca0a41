package dev.archivist;

import dev.archivist.retention.Decision;
import java.util.List;

/**
 * What rotation decided (every backup with keep/remove and its reasons), what it removed, which
 * {@code before-restore} folders it removed (or would remove, on a dry run), and the manifests it could not read:
 * those backups are left alone (a person decides; {@code list} shows them as broken), and the leftovers of
 * interrupted runs it removed (or would remove): temporary files, parts and indexes no manifest owns, staging folders.
 */
public record RotationResult(List<Decision> decisions, List<String> removed, List<String> removedFolders, boolean dryRun,
                             List<String> unreadableManifests, List<String> removedLeftovers) {
    /** This result with {@code leftovers} as the leftovers removed (or, on a dry run, to be removed). */
    RotationResult withLeftovers(List<String> leftovers) {
        return new RotationResult(decisions, removed, removedFolders, dryRun, unreadableManifests, List.copyOf(leftovers));
    }
}
