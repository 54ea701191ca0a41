package dev.archivist.catalog;

import dev.archivist.BackupType;
import dev.archivist.NotFoundException;
import dev.archivist.Plural;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code latest} stands for where a backup's content is read (restore, ls, dump, diff): the newest backup of a
 * type, not a {@code pre_restore} safety copy, that a cheap check finds complete, as {@code list} judges it (its
 * manifest readable and as written, a full backup's components there, every stored file present with its recorded
 * size: one stat each, no content read) and whose last verify, if any, did not fail (as rotation and {@code stats}
 * judge it); restore still verifies what it takes. In a disaster the newest backup that can be restored is the one
 * wanted: each newer one passed over is named in a warning with its reason, and when none is left the error names
 * the newest and why.
 */
final class LatestRestorable {
    private static final Logger LOG = LoggerFactory.getLogger(LatestRestorable.class);

    /** A backup passed over: its id, when it was taken, and why it cannot be restored. */
    private record Skipped(String id, Instant at, String reason) {
    }

    private LatestRestorable() {
    }

    /** The newest complete backup of {@code type} in {@code catalog}; see the class comment. */
    static Manifest of(Catalog catalog, BackupType type) {
        List<Manifest> all = catalog.list(type);
        List<Skipped> skipped = new ArrayList<>();
        Manifest chosen = null;
        for (Manifest m : all) {
            if (m.preRestore()) {
                continue;
            }
            Catalog.Completeness has = catalog.completeness(m, catalog::findById);
            if (has.removed()) { // a rotation of another process removed it since it was listed: gone, not broken
                continue;
            }
            if (has.broken()) {
                skipped.add(new Skipped(m.id(), m.createdAt(), reason(m, has)));
            } else if (Boolean.FALSE.equals(VerificationRecords.restorable(catalog.stateDir(), m))) {
                // as rotation and stats judge it: damage only a verify sees is still there until one finds it clean
                skipped.add(new Skipped(m.id(), m.createdAt(), "its last verify found problems (archivist verify "
                        + m.id() + " checks it again)"));
            } else {
                chosen = m;
                break;
            }
        }
        Set<String> read = new HashSet<>();
        all.forEach(m -> read.add(m.id()));
        for (Path bad : catalog.unreadableManifests(type, read)) {
            String id = Manifest.idOf(bad);
            Instant at = takenAt(id);
            if (chosen == null || at.isAfter(chosen.createdAt())) {
                String why = Catalog.unreadableReason(bad, type);
                skipped.add(new Skipped(id, at, "its manifest cannot be read (" + (why == null ? "unreadable" : why)
                        + ")"));
            }
        }
        skipped.sort(Comparator.comparing(Skipped::at).thenComparing(Skipped::id).reversed());
        String kind = type == null ? "" : type.wireName() + " ";
        if (chosen == null) {
            if (skipped.isEmpty()) {
                throw catalog.noLatest(type, all);
            }
            Skipped newest = skipped.get(0);
            int older = skipped.size() - 1;
            throw new NotFoundException("no " + kind + "backup can be restored: the newest, " + newest.id() + ": "
                    + newest.reason() + (older == 0 ? "" : "; " + Plural.of(older, "older one", "older ones")
                    + " cannot be restored either (archivist list shows why)"));
        }
        for (Skipped s : skipped) {
            LOG.warn("latest: passing over {}, which cannot be restored: {}; taking {}", s.id(), s.reason(), chosen.id());
        }
        return chosen;
    }

    /** Why {@code m} cannot be restored, in {@code list}'s words. */
    private static String reason(Manifest m, Catalog.Completeness has) {
        List<String> why = new ArrayList<>();
        if (has.editedManifests().contains(m.id())) {
            why.add("its manifest was edited after it was written (its checksum does not match)");
        }
        List<String> editedComponents = has.editedManifests().stream().filter(id -> !id.equals(m.id())).toList();
        if (!editedComponents.isEmpty()) {
            why.add("the manifest of " + String.join(", ", editedComponents) + " was edited after it was written");
        }
        if (!has.missingComponents().isEmpty()) {
            why.add("components missing or unreadable " + has.missingComponents());
        }
        if (!has.missingFiles().isEmpty()) {
            why.add("files missing " + has.missingFiles());
        }
        if (!has.resizedFiles().isEmpty()) {
            why.add("files not of their recorded size (truncated?) " + has.resizedFiles());
        }
        return String.join("; ", why);
    }

    /** When the backup {@code id} was taken, from its id (its manifest cannot be read); the epoch when it holds none. */
    private static Instant takenAt(String id) {
        try {
            return BackupIds.instantOf(id);
        } catch (RuntimeException e) { // the shape of an id with an impossible date (month 13)
            return Instant.EPOCH;
        }
    }
}
