package dev.archivist.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.BackupType;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Invariants of {@link RetentionPlanner#plan} over random catalogs, policies and zones. */
class RetentionInvariantsProperties {

    private static final Instant BASE = Instant.parse("2026-01-01T00:00:00Z");
    private static final int SPAN_MINUTES = 400 * 24 * 60;

    /** One generated backup; a full also brings its components. */
    record Spec(int kind, int minute, Boolean clean, boolean withDb, boolean withStorage, int shareWith, boolean dangling) {
    }

    record Scenario(List<RetentionCandidate> backups, RetentionPolicy policy, ZonedDateTime now) {
    }

    @Property(tries = 1000)
    void invariantsHold(@ForAll("scenarios") Scenario s) {
        RetentionPlan plan = RetentionPlanner.plan(s.backups(), s.policy(), s.now());
        Map<String, Decision> byId = plan.decisions().stream()
                .collect(Collectors.toMap(d -> d.backup().id(), Function.identity()));
        Set<String> componentIds = s.backups().stream().flatMap(b -> b.componentIds().stream()).collect(Collectors.toSet());

        // every candidate decided exactly once, with a reason
        assertThat(plan.decisions()).hasSize(s.backups().size());
        assertThat(byId.keySet()).isEqualTo(s.backups().stream().map(RetentionCandidate::id).collect(Collectors.toSet()));
        plan.decisions().forEach(d -> assertThat(d.reasons()).isNotEmpty());

        // a kept full's components are never removed
        for (RetentionCandidate full : plan.keep()) {
            for (String c : full.componentIds()) {
                if (byId.containsKey(c)) {
                    assertThat(byId.get(c).keep()).as("component %s of kept full %s", c, full.id()).isTrue();
                }
            }
        }
        // a component all of whose fulls are removed goes with them (components here are never pre_restore)
        for (RetentionCandidate b : s.backups()) {
            if (b.type() != BackupType.FULL && componentIds.contains(b.id())) {
                boolean referencedByKept = plan.keep().stream().anyMatch(f -> f.componentIds().contains(b.id()));
                boolean lastRemaining = byId.get(b.id()).reasons().contains(lastRemaining(b.type()));
                boolean newestVerified = byId.get(b.id()).reasons().contains("newest verified");
                assertThat(byId.get(b.id()).keep()).as("component %s", b.id())
                        .isEqualTo(referencedByKept || lastRemaining || newestVerified);
            }
        }

        for (BackupType type : BackupType.values()) {
            List<RetentionCandidate> ofType = newestFirst(s.backups(), b -> b.type() == type);
            List<RetentionCandidate> standalone = newestFirst(s.backups(),
                    b -> b.type() == type && !b.preRestore() && !componentIds.contains(b.id()));
            // never everything of a type; the guard only fires when nothing else of the type is kept
            if (!ofType.isEmpty()) {
                assertThat(ofType).as("kept %s", type).anyMatch(b -> byId.get(b.id()).keep());
            }
            List<RetentionCandidate> guarded = ofType.stream()
                    .filter(b -> byId.get(b.id()).reasons().contains(lastRemaining(type))).toList();
            if (!guarded.isEmpty()) {
                assertThat(guarded).containsExactly(ofType.get(0));
                assertThat(ofType).filteredOn(b -> byId.get(b.id()).keep()).containsExactly(ofType.get(0));
            }
            // the quota: min(maxBackups, count) newest standalone, or at least the newest under GFS; backups that
            // cannot be restored take no place in it, so as many restorable ones are kept as well
            int atLeast = s.policy().isGfs() ? Math.min(1, standalone.size()) : Math.min(s.policy().maxBackups(), standalone.size());
            standalone.subList(0, atLeast).forEach(b -> assertThat(byId.get(b.id()).keep()).as("newest %s", b.id()).isTrue());
            List<RetentionCandidate> usable = standalone.stream().filter(b -> b.unusableBecause() == null).toList();
            int usableAtLeast = s.policy().isGfs() ? Math.min(1, usable.size()) : Math.min(s.policy().maxBackups(), usable.size());
            usable.subList(0, usableAtLeast).forEach(b -> assertThat(byId.get(b.id()).keep()).as("newest restorable %s", b.id()).isTrue());
            if (!s.policy().isGfs()) {
                assertThat(usable.stream().filter(b -> byId.get(b.id()).keep()).count())
                        .isLessThanOrEqualTo(usableAtLeast + 1L); // + the newest verified
            }
            // the newest clean-verified standalone backup, and the newest of the type with the components of fulls
            standalone.stream().filter(RetentionCandidate::verifiedClean).findFirst()
                    .ifPresent(b -> assertThat(byId.get(b.id()).keep()).as("newest verified %s", b.id()).isTrue());
            ofType.stream().filter(b -> !b.preRestore() && b.unusableBecause() == null && b.verifiedClean()).findFirst()
                    .ifPresent(b -> assertThat(byId.get(b.id()).keep()).as("newest verified of %s: %s", type, b.id()).isTrue());
        }

        // pre_restore: exactly the newest that can be restored (the newest when none can), those newer than it, and
        // those of the last week kept
        List<RetentionCandidate> pre = newestFirst(s.backups(), RetentionCandidate::preRestore);
        int usable = -1;
        for (int i = 0; i < pre.size() && usable < 0; i++) {
            usable = pre.get(i).unusableBecause() == null ? i : -1;
        }
        for (int i = 0; i < pre.size(); i++) {
            boolean recent = pre.get(i).createdAt().isAfter(s.now().toInstant().minus(java.time.Duration.ofDays(7)));
            boolean newest = usable < 0 ? i == 0 : i <= usable;
            assertThat(byId.get(pre.get(i).id()).keep()).as("pre_restore %d of %d (newest usable: %d)", i, pre.size(), usable)
                    .isEqualTo(newest || recent);
        }

        // order: by type, newest first; and independent of input order
        List<RetentionCandidate> expectedOrder = new ArrayList<>();
        for (BackupType type : BackupType.values()) {
            expectedOrder.addAll(newestFirst(s.backups(), b -> b.type() == type));
        }
        assertThat(plan.decisions()).extracting(Decision::backup).containsExactlyElementsOf(expectedOrder);
        List<RetentionCandidate> shuffled = new ArrayList<>(s.backups());
        Collections.shuffle(shuffled, new Random(s.backups().size()));
        assertThat(RetentionPlanner.plan(shuffled, s.policy(), s.now())).isEqualTo(plan);
    }

    private static String lastRemaining(BackupType type) {
        return "last remaining " + type.wireName() + " backup";
    }

    private static List<RetentionCandidate> newestFirst(List<RetentionCandidate> all, java.util.function.Predicate<RetentionCandidate> filter) {
        return all.stream().filter(filter).sorted(RetentionPlanner.NEWEST_FIRST).toList();
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<Spec> spec = Combinators.combine(
                Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, SPAN_MINUTES),
                Arbitraries.of(Boolean.TRUE, Boolean.FALSE).injectNull(0.5),
                Arbitraries.of(true, true, false),
                Arbitraries.of(true, true, false),
                Arbitraries.integers().between(-1, 6).map(i -> i < 3 ? -1 : i - 3),
                Arbitraries.of(false, false, false, true)).as(Spec::new);
        ZoneId[] zones = {ZoneId.of("UTC"), ZoneId.of("Europe/Berlin"), ZoneId.of("America/New_York"), ZoneId.of("Asia/Kolkata"),
                ZoneId.of("Pacific/Chatham")};
        return Combinators.combine(
                spec.list().ofMaxSize(25),
                policies(),
                Arbitraries.of(zones),
                Arbitraries.integers().between(0, SPAN_MINUTES + 24 * 60))
                .as((specs, policy, zone, nowMinute) -> new Scenario(build(specs), policy,
                        BASE.plusSeconds(nowMinute * 60L).atZone(zone)));
    }

    private static Arbitrary<RetentionPolicy> policies() {
        Arbitrary<OptionalInt> count = Arbitraries.integers().between(-1, 5).filter(n -> n != 0)
                .injectNull(0.7).map(n -> n == null ? OptionalInt.empty() : OptionalInt.of(n));
        Arbitrary<Optional<KeepWithin>> within = Combinators.combine(
                Arbitraries.integers().between(0, 1), Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 20), Arbitraries.integers().between(0, 48))
                .as((y, m, d, h) -> y + m + d + h == 0 ? Optional.<KeepWithin>empty() : Optional.of(new KeepWithin(y, m, d, h)))
                .injectNull(0.7).map(o -> o == null ? Optional.<KeepWithin>empty() : o);
        Arbitrary<Boolean> gfs = Arbitraries.of(true, false);
        return Combinators.combine(Arbitraries.integers().between(1, 10), count, count, count, count, count, count, within)
                .as(RetentionPolicy::new)
                .flatMap(p -> gfs.map(useGfs -> useGfs ? p : RetentionPolicy.ofMaxBackups(p.maxBackups())));
    }

    /** Turns specs into candidates with unique ids; fulls get their components (possibly shared or dangling). */
    private static List<RetentionCandidate> build(List<Spec> specs) {
        List<RetentionCandidate> out = new ArrayList<>();
        List<List<String>> fullComponents = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < specs.size(); i++) {
            Spec s = specs.get(i);
            Instant at = BASE.plusSeconds(s.minute() * 60L);
            String id = String.format("b%03d", i);
            switch (s.kind()) {
                case 0 -> out.add(new RetentionCandidate(id, BackupType.DATABASE, at, false, s.clean(), List.of()));
                case 1 -> out.add(new RetentionCandidate(id, BackupType.STORAGE, at, false, s.clean(), List.of()));
                case 3 -> out.add(new RetentionCandidate(id, BackupType.DATABASE, at, true, s.clean(), List.of()));
                default -> {
                    List<String> components = new ArrayList<>();
                    if (s.withDb()) {
                        out.add(new RetentionCandidate(id + "d", BackupType.DATABASE, at, false, s.clean(), List.of()));
                        components.add(id + "d");
                    }
                    if (s.withStorage()) {
                        out.add(new RetentionCandidate(id + "s", BackupType.STORAGE, at, false, s.clean(), List.of()));
                        components.add(id + "s");
                    }
                    if (s.shareWith() >= 0 && s.shareWith() < fullComponents.size()) {
                        fullComponents.get(s.shareWith()).stream().filter(c -> !components.contains(c)).forEach(components::add);
                    }
                    if (s.dangling()) {
                        components.add(id + "-missing");
                    }
                    fullComponents.add(components);
                    out.add(new RetentionCandidate(id, BackupType.FULL, at, false, s.clean(), components));
                }
            }
        }
        out.forEach(b -> assertThat(ids.add(b.id())).isTrue());
        return out;
    }
}
