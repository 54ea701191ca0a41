package dev.archivist;

import dev.archivist.retention.Decision;
import java.util.List;

/**
 * What rotation decided (every backup with keep/remove and its reasons), what it removed, which
 * {@code before-restore} folders it removed (or would remove, on a dry run), and the manifests it could not read:
 * those backups are left alone (a person decides; {@code list} shows them as broken).
 */
public record RotationResult(List<Decision> decisions, List<String> removed, List<String> removedFolders, boolean dryRun,
                             List<String> unreadableManifests) {
}
