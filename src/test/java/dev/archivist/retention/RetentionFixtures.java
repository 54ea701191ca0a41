package dev.archivist.retention;

import dev.archivist.BackupType;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Short constructors for retention tables. Times are ISO instants ({@code 2026-11-20T10:00:00Z}). */
final class RetentionFixtures {

    static final ZoneId UTC = ZoneId.of("UTC");
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private RetentionFixtures() {
    }

    static RetentionCandidate db(String id, String at) {
        return new RetentionCandidate(id, BackupType.DATABASE, Instant.parse(at), false, null, List.of());
    }

    static RetentionCandidate storage(String id, String at) {
        return new RetentionCandidate(id, BackupType.STORAGE, Instant.parse(at), false, null, List.of());
    }

    static RetentionCandidate full(String id, String at, String... componentIds) {
        return new RetentionCandidate(id, BackupType.FULL, Instant.parse(at), false, null, List.of(componentIds));
    }

    static RetentionCandidate preRestore(String id, String at) {
        return new RetentionCandidate(id, BackupType.DATABASE, Instant.parse(at), true, null, List.of());
    }

    static RetentionCandidate verified(RetentionCandidate b, Boolean clean) {
        return new RetentionCandidate(b.id(), b.type(), b.createdAt(), b.preRestore(), clean, b.componentIds(), b.incomplete());
    }

    /** The same backup with some of its stored files missing. */
    static RetentionCandidate incomplete(RetentionCandidate b) {
        return new RetentionCandidate(b.id(), b.type(), b.createdAt(), b.preRestore(), b.lastVerifyClean(), b.componentIds(), true);
    }

    static ZonedDateTime now(String at, ZoneId zone) {
        return Instant.parse(at).atZone(zone);
    }

    /** Database backups {@code d1..dn}, one a day at 02:00 UTC from 2026-11-01, d1 oldest. */
    static List<RetentionCandidate> dailyDbs(int n) {
        return java.util.stream.IntStream.rangeClosed(1, n)
                .mapToObj(i -> db("d" + i, String.format("2026-11-%02dT02:00:00Z", i)))
                .toList();
    }

    static Set<String> keptIds(RetentionPlan plan) {
        Set<String> ids = new TreeSet<>();
        plan.keep().forEach(b -> ids.add(b.id()));
        return ids;
    }

    static Set<String> ids(String... ids) {
        return new TreeSet<>(List.of(ids));
    }
}
