package dev.archivist.retention;

import static dev.archivist.retention.RetentionFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZonedDateTime;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The newest clean-verified backup of a type and the newest pre-restore backup are never removed. */
class RetentionSafetyNetsTest {

    private static final ZonedDateTime NOW = now("2026-12-01T00:00:00Z", UTC);

    static Stream<Arguments> verifiedTable() {
        List<RetentionCandidate> dbs = dailyDbs(5);
        return Stream.of(
                Arguments.of("an old verified backup survives the quota",
                        List.of(verified(dbs.get(0), true), dbs.get(1), dbs.get(2), dbs.get(3), dbs.get(4)), ids("d5", "d1")),
                Arguments.of("only the newest verified one",
                        List.of(verified(dbs.get(0), true), verified(dbs.get(1), true), dbs.get(2), dbs.get(3), dbs.get(4)),
                        ids("d5", "d2")),
                Arguments.of("a failed verification does not protect",
                        List.of(verified(dbs.get(0), false), dbs.get(1), dbs.get(2), dbs.get(3), dbs.get(4)), ids("d5")),
                Arguments.of("never verified does not protect", dbs, ids("d5")),
                Arguments.of("newest verified inside the quota adds nothing",
                        List.of(dbs.get(0), dbs.get(1), dbs.get(2), dbs.get(3), verified(dbs.get(4), true)), ids("d5")),
                Arguments.of("per type",
                        List.of(verified(storage("s1", "2026-11-01T00:00:00Z"), true), storage("s2", "2026-11-02T00:00:00Z"),
                                verified(full("f1", "2026-11-01T00:00:00Z"), true), full("f2", "2026-11-02T00:00:00Z"),
                                db("d1", "2026-11-01T00:00:00Z"), db("d2", "2026-11-02T00:00:00Z")),
                        ids("s1", "s2", "f1", "f2", "d2")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("verifiedTable")
    void newestVerifiedIsNeverRemoved(String name, List<RetentionCandidate> backups, Set<String> kept) {
        assertThat(keptIds(RetentionPlanner.plan(backups, RetentionPolicy.ofMaxBackups(1), NOW))).isEqualTo(kept);
    }

    @Test
    void newestVerifiedAlsoUnderGfs() {
        List<RetentionCandidate> backups = List.of(verified(db("old", "2025-01-01T00:00:00Z"), true),
                db("new", "2026-11-30T00:00:00Z"));

        RetentionPlan plan = RetentionPlanner.plan(backups, RetentionPolicy.ofMaxBackups(1).withKeepLast(1), NOW);

        assertThat(plan.decisionFor("old").orElseThrow().reasons()).containsExactly("newest verified");
        assertThat(plan.remove()).isEmpty();
    }

    @Test
    void newestVerifiedFullKeepsItsComponents() {
        List<RetentionCandidate> backups = List.of(
                verified(full("f1", "2026-11-01T03:00:00Z", "f1d"), true), db("f1d", "2026-11-01T03:00:00Z"),
                full("f2", "2026-11-08T03:00:00Z", "f2d"), db("f2d", "2026-11-08T03:00:00Z"));

        RetentionPlan plan = RetentionPlanner.plan(backups, RetentionPolicy.ofMaxBackups(1), NOW);

        assertThat(plan.remove()).isEmpty();
        assertThat(plan.decisionFor("f1d").orElseThrow().reasons()).containsExactly("referenced by full f1");
    }

    /**
     * The newest clean-verified backup of a type is kept even when it is the component of a full backup that goes
     * (the full itself failed its verification): without it, no known-good database backup would be left.
     */
    @Test
    void aCleanComponentOfARemovedFullIsKeptAsTheNewestVerified() {
        List<RetentionCandidate> backups = List.of(
                verified(full("f1", "2026-11-01T03:00:00Z", "f1d", "f1s"), false),
                verified(db("f1d", "2026-11-01T03:00:00Z"), true), verified(storage("f1s", "2026-11-01T03:00:00Z"), false),
                full("f2", "2026-11-08T03:00:00Z", "f2d", "f2s"), db("f2d", "2026-11-08T03:00:00Z"),
                storage("f2s", "2026-11-08T03:00:00Z"));

        RetentionPlan plan = RetentionPlanner.plan(backups, RetentionPolicy.ofMaxBackups(1), NOW);

        assertThat(plan.decisionFor("f1d").orElseThrow().keep()).isTrue();
        assertThat(plan.decisionFor("f1d").orElseThrow().reasons()).containsExactly("newest verified");
        assertThat(plan.remove()).extracting(RetentionCandidate::id).containsExactlyInAnyOrder("f1", "f1s");
    }

    static Stream<Arguments> preRestoreTable() {
        return Stream.of(
                Arguments.of("single pre_restore kept", List.of(preRestore("p1", "2026-11-01T00:00:00Z")), ids("p1")),
                Arguments.of("older pre_restore removed once a newer exists",
                        List.of(preRestore("p1", "2026-11-01T00:00:00Z"), preRestore("p2", "2026-11-05T00:00:00Z"),
                                preRestore("p3", "2026-11-03T00:00:00Z")), ids("p2")),
                Arguments.of("pre_restore does not count toward MAX_BACKUPS",
                        List.of(db("d1", "2026-11-01T00:00:00Z"), db("d2", "2026-11-02T00:00:00Z"),
                                preRestore("p1", "2026-11-03T00:00:00Z"), preRestore("p2", "2026-11-04T00:00:00Z")),
                        ids("d2", "p2")),
                Arguments.of("every pre_restore of the last 7 days kept (a second restore's copy holds the first's data)",
                        List.of(preRestore("p1", "2026-11-20T00:00:00Z"), preRestore("p2", "2026-11-25T00:00:00Z"),
                                preRestore("p3", "2026-11-28T00:00:00Z"), preRestore("p4", "2026-11-30T00:00:00Z")),
                        ids("p2", "p3", "p4")),
                Arguments.of("an old pre_restore survives newer regular backups",
                        List.of(preRestore("p1", "2026-01-01T00:00:00Z"), db("d1", "2026-11-01T00:00:00Z"),
                                db("d2", "2026-11-02T00:00:00Z")), ids("d2", "p1")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("preRestoreTable")
    void newestPreRestoreIsKept(String name, List<RetentionCandidate> backups, Set<String> kept) {
        assertThat(keptIds(RetentionPlanner.plan(backups, RetentionPolicy.ofMaxBackups(1), NOW))).isEqualTo(kept);
    }

    @Test
    void preRestoreReasons() {
        List<RetentionCandidate> backups = List.of(preRestore("p1", "2026-11-01T00:00:00Z"), preRestore("p2", "2026-11-02T00:00:00Z"));

        RetentionPlan plan = RetentionPlanner.plan(backups, RetentionPolicy.ofMaxBackups(1).withKeepDaily(7), NOW);

        assertThat(plan.decisionFor("p2").orElseThrow().reasons()).containsExactly("newest pre_restore");
        assertThat(plan.decisionFor("p1").orElseThrow().reasons()).containsExactly("older pre_restore");
    }
}
