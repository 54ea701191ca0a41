package dev.archivist;

import dev.archivist.catalog.Catalog;
import dev.archivist.catalog.Manifest;
import dev.archivist.catalog.VerificationRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-type counts, total sizes, oldest backups, the newest backups that can be restored (not a {@code pre_restore}
 * safety copy, nothing missing, the manifest as written) and their age; and the manifest files that cannot be read
 * (each a backup that cannot be restored: {@code list} shows them as broken rows).
 */
public record CatalogStats(List<TypeStats> types, long totalBackups, long totalBytes, int unreadableManifests) {

    /** Statistics of one backup type. */
    public record TypeStats(BackupType type, int count, long bytes, String oldestId, Instant oldest, String newestId,
                            Instant newest, Duration newestAge, Instant lastVerified, Boolean lastVerifiedClean,
                            boolean lastVerifiedDeep) {
    }

    static CatalogStats of(Catalog catalog, Instant now) {
        List<TypeStats> types = new ArrayList<>();
        long total = 0;
        long bytes = 0;
        java.util.Set<String> read = new java.util.HashSet<>();
        for (BackupType t : BackupType.values()) {
            List<Manifest> list = catalog.list(t);
            list.forEach(m -> read.add(m.id()));
            long sum = 0;
            Instant lastVerified = null;
            Boolean lastClean = null;
            boolean lastDeep = false;
            for (Manifest m : list) {
                sum += m.type() == BackupType.FULL ? 0 : m.storedBytes();
                VerificationRecords.Result r = VerificationRecords.read(catalog.stateDir(), m.id());
                if (r != null && (lastVerified == null || r.verifiedAt().isAfter(lastVerified))) {
                    lastVerified = r.verifiedAt();
                    lastClean = r.clean();
                    lastDeep = r.deep();
                }
            }
            // the newest backup that can be restored: what an alert on its age must see (a restore's safety copy,
            // a backup whose files are gone or whose manifest was edited would make an old catalog look fresh)
            Manifest newest = list.stream().filter(m -> !m.preRestore()
                    && !catalog.completeness(m, catalog::findById).broken()).findFirst().orElse(null);
            Manifest oldest = list.isEmpty() ? null : list.get(list.size() - 1);
            types.add(new TypeStats(t, list.size(), sum,
                    oldest == null ? null : oldest.id(), oldest == null ? null : oldest.createdAt(),
                    newest == null ? null : newest.id(), newest == null ? null : newest.createdAt(),
                    newest == null ? null : Duration.between(newest.createdAt(), now), lastVerified, lastClean, lastDeep));
            total += list.size();
            bytes += sum;
        }
        return new CatalogStats(types, total, bytes, catalog.unreadableManifests(null, read).size());
    }
}
