package dev.archivist.retention;

import java.time.Instant;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Restic's {@code ApplyPolicy} for one group: walking newest first, a backup is kept by a bucket rule when it is the
 * newest of a bucket not seen yet and the rule still has counts left; the oldest backup is also kept while a rule has
 * counts left (restic >= 0.16, "the oldest snapshot in the group is kept additionally"); keep-within keeps every
 * backup newer than the newest non-future backup minus the duration.
 */
final class GfsRule {

    private GfsRule() {
    }

    /** @param newestFirst one type's standalone backups, newest first */
    static void apply(List<RetentionCandidate> newestFirst, RetentionPolicy policy, Instant now, ZoneId zone, Ledger ledger) {
        if (newestFirst.isEmpty()) {
            return;
        }
        Map<GfsBucket, Counter> counters = counters(policy);
        Optional<Instant> withinCutoff = policy.keepWithin().map(w -> w.cutoff(latestNotAfter(newestFirst, now), zone));
        for (int nr = 0; nr < newestFirst.size(); nr++) {
            RetentionCandidate backup = newestFirst.get(nr);
            if (withinCutoff.isPresent() && backup.createdAt().isAfter(withinCutoff.get())) {
                ledger.keep(backup, "within " + policy.keepWithin().get());
            }
            boolean oldest = nr == newestFirst.size() - 1;
            for (Map.Entry<GfsBucket, Counter> entry : counters.entrySet()) {
                GfsBucket bucket = entry.getKey();
                Counter counter = entry.getValue();
                if (!counter.hasLeft()) {
                    continue;
                }
                String key = bucket.key(backup.createdAt().atZone(zone), nr + 1);
                boolean newBucket = !key.equals(counter.lastKey);
                if (newBucket || oldest) {
                    counter.take(key);
                    ledger.keep(backup, reason(bucket, key, policy) + (newBucket ? "" : " (oldest)"));
                }
            }
        }
    }

    private static String reason(GfsBucket bucket, String key, RetentionPolicy policy) {
        if (bucket == GfsBucket.LAST) {
            int n = policy.keepLast().getAsInt();
            return n == RetentionPolicy.UNLIMITED ? "last (all)" : "last " + key + " of " + n;
        }
        return bucket.label() + " " + key;
    }

    /** Restic measures keep-within from the newest backup that is not in the future; {@code now} if there is none. */
    private static Instant latestNotAfter(List<RetentionCandidate> backups, Instant now) {
        return backups.stream().map(RetentionCandidate::createdAt).filter(t -> !t.isAfter(now))
                .max(Instant::compareTo).orElse(now);
    }

    private static Map<GfsBucket, Counter> counters(RetentionPolicy policy) {
        Map<GfsBucket, Counter> counters = new EnumMap<>(GfsBucket.class);
        put(counters, GfsBucket.LAST, policy.keepLast());
        put(counters, GfsBucket.HOURLY, policy.keepHourly());
        put(counters, GfsBucket.DAILY, policy.keepDaily());
        put(counters, GfsBucket.WEEKLY, policy.keepWeekly());
        put(counters, GfsBucket.MONTHLY, policy.keepMonthly());
        put(counters, GfsBucket.YEARLY, policy.keepYearly());
        return counters;
    }

    private static void put(Map<GfsBucket, Counter> counters, GfsBucket bucket, OptionalInt count) {
        count.ifPresent(n -> counters.put(bucket, new Counter(n)));
    }

    /** Counts left for one bucket rule ({@link RetentionPolicy#UNLIMITED} never runs out) and the last bucket kept. */
    private static final class Counter {
        private int left;
        private String lastKey;

        Counter(int left) {
            this.left = left;
        }

        boolean hasLeft() {
            return left > 0 || left == RetentionPolicy.UNLIMITED;
        }

        void take(String key) {
            lastKey = key;
            if (left > 0) {
                left--;
            }
        }
    }
}
