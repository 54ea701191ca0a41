package dev.archivist;

import dev.archivist.catalog.Catalog;
import dev.archivist.catalog.Manifest;
import dev.archivist.catalog.VerificationRecords;
import dev.archivist.config.Settings;
import dev.archivist.restore.RestoreFiles;
import dev.archivist.retention.Decision;
import dev.archivist.retention.KeepWithin;
import dev.archivist.retention.RetentionCandidate;
import dev.archivist.retention.RetentionPlan;
import dev.archivist.retention.RetentionPlanner;
import dev.archivist.retention.RetentionPolicy;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor of the retention plan: builds candidates from the catalog, asks the pure
 * {@link RetentionPlanner} what to keep, deletes the rest (full manifests before their components), and removes
 * {@code before-restore} folders once a newer storage backup exists.
 */
final class Rotation {
    private static final Logger LOG = LoggerFactory.getLogger(Rotation.class);

    private final Settings settings;
    private final Catalog catalog;
    private final Clock clock;

    Rotation(Settings settings, Catalog catalog, Clock clock) {
        this.settings = settings;
        this.catalog = catalog;
        this.clock = clock;
    }

    /** The policy the settings describe. */
    static RetentionPolicy policy(Settings.RetentionSettings r) {
        RetentionPolicy p = RetentionPolicy.ofMaxBackups(r.maxBackups());
        if (r.keepLast() != null) p = p.withKeepLast(r.keepLast());
        if (r.keepHourly() != null) p = p.withKeepHourly(r.keepHourly());
        if (r.keepDaily() != null) p = p.withKeepDaily(r.keepDaily());
        if (r.keepWeekly() != null) p = p.withKeepWeekly(r.keepWeekly());
        if (r.keepMonthly() != null) p = p.withKeepMonthly(r.keepMonthly());
        if (r.keepYearly() != null) p = p.withKeepYearly(r.keepYearly());
        if (r.keepWithin() != null) p = p.withKeepWithin(KeepWithin.parse(r.keepWithin()));
        return p;
    }

    /** Plans and, unless {@code dryRun}, executes. */
    RotationResult run(boolean dryRun) throws IOException {
        List<Manifest> read = catalog.list(null);
        Map<String, Manifest> byId = new HashMap<>();
        List<RetentionCandidate> candidates = new ArrayList<>();
        read.forEach(m -> byId.put(m.id(), m));
        // an edited manifest is treated as one that cannot be read: the files it names may be another backup's
        List<Manifest> all = read.stream().filter(m -> !m.editedAfterWriting()).toList();
        for (Manifest m : all) {
            // a full one of whose parts failed its own verify cannot be restored: it must not push out a good full
            Boolean restorable = VerificationRecords.restorable(catalog.stateDir(), m);
            List<String> components = new ArrayList<>();
            if (m.type() == BackupType.FULL) {
                for (BackupType t : List.of(BackupType.DATABASE, BackupType.STORAGE)) {
                    String id = m.componentId(t);
                    if (id != null) {
                        components.add(id);
                    }
                }
            }
            candidates.add(new RetentionCandidate(m.id(), m.type(), m.createdAt(), m.preRestore(), restorable, components,
                    catalog.completeness(m, id -> java.util.Optional.ofNullable(byId.get(id))).broken()));
        }
        List<Path> unreadable = new ArrayList<>(catalog.unreadableManifests(null, byId.keySet()));
        read.stream().filter(Manifest::editedAfterWriting)
                .forEach(m -> unreadable.add(catalog.dir(m.type()).resolve(m.id() + Manifest.SUFFIX)));
        RetentionPlan plan = keepFullsOfEditedParts(keepNamedByUnreadableFulls(
                RetentionPlanner.plan(candidates, policy(settings.retention()), clock.instant().atZone(settings.zone())),
                unreadable.stream().filter(f -> f.getParent().equals(catalog.dir(BackupType.FULL))).toList()),
                all, read.stream().filter(Manifest::editedAfterWriting).map(Manifest::id).collect(Collectors.toSet()));
        List<String> removed = new ArrayList<>();
        List<String> folders = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        if (!dryRun) {
            List<Decision> removals = new ArrayList<>(plan.decisions().stream().filter(d -> !d.keep()).toList());
            removals.sort(Comparator.comparing(d -> d.backup().type() == BackupType.FULL ? 0 : 1));
            // the parts of a full backup that could not be removed stay with it, so that it stays whole
            Set<String> partsOfStuckFulls = new HashSet<>();
            for (Decision d : removals) {
                Manifest m = byId.get(d.backup().id());
                if (partsOfStuckFulls.contains(m.id())) {
                    continue;
                }
                try {
                    if (Thread.currentThread().isInterrupted()) { // a daemon's job aborted (its shutdown timeout)
                        throw new java.io.InterruptedIOException("interrupted");
                    }
                    catalog.delete(m);
                } catch (java.io.InterruptedIOException stopping) { // the stop report names those removed: no more
                    throw new ArchivistException("rotation stopped before it ended: removed " + removed.size() + " of "
                            + Plural.of(removals.size(), "backup") + ", the others are left to the next rotation", stopping);
                } catch (IOException e) { // one backup that cannot be removed must not keep every older one
                    failures.add(m.id() + ": " + ArchivistException.reason(e));
                    if (m.type() == BackupType.FULL) {
                        Stream.of(BackupType.DATABASE, BackupType.STORAGE).map(m::componentId).filter(Objects::nonNull)
                                .forEach(partsOfStuckFulls::add);
                    }
                    continue;
                }
                removed.add(d.backup().id());
                LOG.info("rotation removed {}: {}", d.backup().id(), String.join(", ", d.reasons()));
            }
        }
        // not the backups this run removes (or would remove): one of them must not stand for the data moved aside
        Set<String> going = plan.decisions().stream().filter(d -> !d.keep()).map(d -> d.backup().id())
                .collect(Collectors.toSet());
        folders.addAll(beforeRestoreFolders(all.stream().filter(m -> !going.contains(m.id())).toList(), byId, dryRun));
        if (!failures.isEmpty()) {
            throw new ArchivistException("could not remove " + Plural.of(failures.size(), "backup") + " (removed "
                    + removed.size() + " others): " + String.join("; ", failures));
        }
        return new RotationResult(plan.decisions(), removed, folders, dryRun,
                unreadable.stream().map(f -> f.getParent().getFileName() + "/" + f.getFileName()).toList(), List.of());
    }

    /**
     * The plan, with the database and storage backups that a full manifest which cannot be read names kept: that full
     * backup needs them once its manifest is mended, and nothing else protects them. Ids are found in its raw text.
     */
    private RetentionPlan keepNamedByUnreadableFulls(RetentionPlan plan, List<Path> unreadableFulls) {
        Map<String, String> namedBy = catalog.idsNamedInRawText(unreadableFulls);
        if (namedBy.isEmpty()) {
            return plan;
        }
        return new RetentionPlan(plan.decisions().stream()
                .map(d -> d.keep() || !namedBy.containsKey(d.backup().id()) ? d : new Decision(d.backup(), true,
                        List.of("named by the full manifest that cannot be read or was edited, "
                                + namedBy.get(d.backup().id()))))
                .toList());
    }

    /**
     * The plan, with a full backup one of whose parts has a manifest edited after it was written kept, and its other
     * part too: rotation leaves an edited manifest alone (its figures are not what was written), and the full it
     * belongs to with it, rather than remove it as one whose part is missing.
     */
    private static RetentionPlan keepFullsOfEditedParts(RetentionPlan plan, List<Manifest> all, Set<String> edited) {
        Map<String, String> leftAlone = new HashMap<>();
        for (Manifest m : all) {
            if (m.type() != BackupType.FULL) {
                continue;
            }
            List<String> parts = Stream.of(BackupType.DATABASE, BackupType.STORAGE).map(m::componentId)
                    .filter(Objects::nonNull).toList();
            parts.stream().filter(edited::contains).findFirst().ifPresent(e -> {
                String why = "the manifest of its part " + e + " was edited after it was written: left alone with it";
                leftAlone.put(m.id(), why);
                parts.stream().filter(p -> !p.equals(e)).forEach(p -> leftAlone.put(p, "part of " + m.id() + ", " + why));
            });
        }
        if (leftAlone.isEmpty()) {
            return plan;
        }
        return new RetentionPlan(plan.decisions().stream()
                .map(d -> d.keep() || !leftAlone.containsKey(d.backup().id()) ? d
                        : new Decision(d.backup(), true, List.of(leftAlone.get(d.backup().id()))))
                .toList());
    }

    /**
     * Whether storage backup {@code m} was taken from {@code storage}. A recorded path that is no path at all (a NUL in
     * an edited manifest) names no folder: it once failed every rotation of the catalog, as a usage error.
     */
    private static boolean takenFrom(Manifest m, Path storage) {
        if (!m.json().hasNonNull("original_path")) {
            return false;
        }
        try {
            return RestoreFiles.liveStorageFolder(Path.of(m.json().path("original_path").asText())).equals(storage);
        } catch (java.nio.file.InvalidPathException e) {
            LOG.warn("{} records an original_path that is no path ({}): not taken for a backup of {}", m.id(),
                    e.getReason(), storage);
            return false;
        }
    }

    /**
     * {@code <storage>.before-restore-*} folders, and {@code <storage>/.archivist-before-restore-*} of restores in place
     * ({@link dev.archivist.restore.InPlaceSwap}), older than the newest backup of that storage folder that can be
     * restored (issue 4: removed once a newer successful backup of storage exists; {@code byId}: every manifest read,
     * to find a full backup's parts).
     */
    private List<String> beforeRestoreFolders(List<Manifest> all, Map<String, Manifest> byId, boolean dryRun)
            throws IOException {
        List<String> result = new ArrayList<>();
        Path storage = RestoreFiles.liveStorageFolder(settings.storagePath());
        // only a backup of this storage folder holds what was moved aside (a catalog may serve several folders), and
        // only one that can be restored (files there, its last verify not failed) replaces it
        Instant newestStorage = all.stream()
                .filter(m -> m.type() == BackupType.STORAGE && takenFrom(m, storage))
                .filter(m -> !catalog.completeness(m, id -> java.util.Optional.ofNullable(byId.get(id))).broken())
                .filter(m -> {
                    VerificationRecords.Result v = VerificationRecords.read(catalog.stateDir(), m.id());
                    return v == null || !Boolean.FALSE.equals(v.restorable());
                })
                .map(Manifest::createdAt).max(Comparator.naturalOrder()).orElse(null);
        if (newestStorage == null) {
            return result;
        }
        Path parent = storage.getParent();
        if (parent != null && Files.isDirectory(parent)) {
            removeOlder(parent, storage.getFileName() + ".before-restore-", newestStorage, dryRun, result);
        }
        if (Files.isDirectory(storage)) {
            removeOlder(storage, RestoreFiles.IN_PLACE_ASIDE_PREFIX, newestStorage, dryRun, result);
        }
        return result;
    }

    /** Removes the folders in {@code parent} named {@code prefix…} that were moved aside before {@code newest}. */
    private void removeOlder(Path parent, String prefix, Instant newest, boolean dryRun, List<String> result)
            throws IOException {
        try (DirectoryStream<Path> dirs = RestoreFiles.namesStartingWith(parent, prefix)) {
            for (Path d : dirs) {
                Instant asideAt = BeforeRestoreRecords.movedAsideAt(catalog.stateDir(), d);
                if (asideAt == null) { // its record lost (.archivist removed) or damaged: kept for good, not in silence
                    LOG.warn("kept {}: when a restore moved it aside is not known (its record {} is missing or cannot"
                            + " be read), so no newer storage backup can be said to replace it; remove it by hand once"
                            + " its files are no longer needed", d, BeforeRestoreRecords.file(catalog.stateDir(), d));
                } else if (newest.isAfter(asideAt)) {
                    if (!dryRun && (catalog.commitsRefused() || Thread.currentThread().isInterrupted())) {
                        throw new ArchivistException("rotation stopped before it ended: " + d + " is left to the next"
                                + " rotation");
                    }
                    if (!dryRun) {
                        dev.archivist.catalog.Durable.deleteTree(d);
                        BeforeRestoreRecords.forget(catalog.stateDir(), d);
                        LOG.info("rotation removed {}: a newer storage backup exists", d);
                    }
                    result.add(d.toString());
                }
            }
        }
    }
}
