package dev.archivist.retention;

import dev.archivist.BackupType;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Plans retention: which backups to keep and which to remove, each with its reasons. Pure: no I/O, no clock.
 *
 * <p>Rules, per type (database, storage, full):
 * <ol>
 *   <li>standalone backups: the newest {@code maxBackups} complete ones, or restic's GFS rules when
 *       {@link RetentionPolicy#isGfs()}; backups that cannot be restored are not counted ({@link UnusableRule});</li>
 *   <li>the newest standalone backup whose last verification was clean is always kept ("newest verified"), and so
 *       is the newest such backup of the type counting the components of full backups (a clean database component
 *       stays when its full goes);</li>
 *   <li>components of full backups are kept while a full referencing them is kept, and removed with their fulls
 *       otherwise; they are not counted against their type's quota;</li>
 *   <li>pre-restore database backups: the newest that can be restored (with any newer ones that cannot) and those of
 *       the last 7 days are kept, older ones removed; they are not counted either.</li>
 * </ol>
 * A backup is kept when any rule keeps it. A type never loses all its backups: when every backup of a type would go
 * (only components of removed fulls, e.g. a storage component whose full was replaced by a full without one), its
 * newest is kept as "last remaining &lt;type&gt; backup".
 */
public final class RetentionPlanner {
    /** Newest first; equal times ordered by id, highest first (ids sort by creation). */
    static final Comparator<RetentionCandidate> NEWEST_FIRST = Comparator
            .comparing(RetentionCandidate::createdAt).thenComparing(RetentionCandidate::id).reversed();

    private RetentionPlanner() {
    }

    /**
     * @param backups every backup in the catalog; ids must be unique
     * @param policy  the retention policy
     * @param now     the current time in {@code BACKUP_TIMEZONE}; GFS buckets are computed in its zone
     * @return one decision per backup: by type (database, storage, full), newest first within a type
     */
    public static RetentionPlan plan(List<RetentionCandidate> backups, RetentionPolicy policy, ZonedDateTime now) {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(now, "now");
        List<RetentionCandidate> all = sortedUnique(backups);
        List<RetentionCandidate> fulls = ofType(all, BackupType.FULL);
        Set<String> componentIds = new HashSet<>();
        fulls.forEach(full -> componentIds.addAll(full.componentIds()));

        Ledger ledger = new Ledger();
        for (BackupType type : BackupType.values()) {
            List<RetentionCandidate> standalone = ofType(all, type).stream()
                    .filter(b -> !b.preRestore() && !componentIds.contains(b.id()))
                    .toList();
            List<RetentionCandidate> usable = standalone.stream().filter(b -> b.unusableBecause() == null).toList();
            applyQuota(usable, policy, now, ledger);
            NewestVerifiedRule.apply(usable, ledger);
            // and of the type's backups with the components of full backups: the last known-good database (or
            // storage) survives the removal of the full it was taken for, which would otherwise take it along
            NewestVerifiedRule.apply(ofType(all, type).stream()
                    .filter(b -> !b.preRestore() && b.unusableBecause() == null).toList(), ledger);
            UnusableRule.apply(standalone.stream().filter(b -> b.unusableBecause() != null).toList(), usable, standalone,
                    policy.isGfs() ? 0 : policy.maxBackups(), ledger);
        }
        PreRestoreRule.apply(all.stream().filter(RetentionCandidate::preRestore).toList(), now.toInstant(), ledger);
        all.stream()
                .filter(b -> b.type() != BackupType.FULL && componentIds.contains(b.id()))
                .forEach(component -> ComponentRule.apply(component, fulls, ledger));

        List<Decision> decisions = new ArrayList<>(all.size());
        for (BackupType type : BackupType.values()) {
            List<RetentionCandidate> ofType = ofType(all, type);
            if (!ofType.isEmpty() && ofType.stream().noneMatch(ledger::isKept)) {
                ledger.keep(ofType.get(0), "last remaining " + type.wireName() + " backup");
            }
            ofType.forEach(b -> decisions.add(ledger.decide(b)));
        }
        return new RetentionPlan(decisions);
    }

    private static void applyQuota(List<RetentionCandidate> standalone, RetentionPolicy policy, ZonedDateTime now, Ledger ledger) {
        if (policy.isGfs()) {
            ZoneId zone = now.getZone();
            GfsRule.apply(standalone, policy, now.toInstant(), zone, ledger);
        } else {
            MaxBackupsRule.apply(standalone, policy.maxBackups(), ledger);
        }
    }

    private static List<RetentionCandidate> sortedUnique(List<RetentionCandidate> backups) {
        Set<String> ids = new HashSet<>();
        for (RetentionCandidate b : backups) {
            Objects.requireNonNull(b, "backup");
            if (!ids.add(b.id())) {
                throw new IllegalArgumentException("duplicate backup id " + b.id());
            }
        }
        return backups.stream().sorted(NEWEST_FIRST).toList();
    }

    private static List<RetentionCandidate> ofType(List<RetentionCandidate> newestFirst, BackupType type) {
        return newestFirst.stream().filter(b -> b.type() == type).toList();
    }
}
