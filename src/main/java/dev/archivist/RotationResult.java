package dev.archivist;

import dev.archivist.retention.Decision;
import java.util.List;

/**
 * What rotation decided (every backup with keep/remove and its reasons), what it removed, and which
 * {@code before-restore} folders it removed (or would remove, on a dry run).
 */
public record RotationResult(List<Decision> decisions, List<String> removed, List<String> removedFolders, boolean dryRun) {
}
