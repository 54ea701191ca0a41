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

/**
 * Full backups and their components. The original deleted database/storage files still referenced by kept full
 * backups (defect 7); here a component is judged only through its fulls.
 */
class RetentionFullComponentsTest {

    private static final ZonedDateTime NOW = now("2026-12-01T00:00:00Z", UTC);

    /** Fulls f1..fn (f1 oldest), weekly, each with database component fNd and storage component fNs. */
    private static List<RetentionCandidate> weeklyFulls(int n) {
        return java.util.stream.IntStream.rangeClosed(1, n).boxed().flatMap(i -> {
            String at = String.format("2026-11-%02dT03:00:00Z", i * 7 - 6);
            return Stream.of(full("f" + i, at, "f" + i + "d", "f" + i + "s"), db("f" + i + "d", at), storage("f" + i + "s", at));
        }).toList();
    }

    static Stream<Arguments> table() {
        List<RetentionCandidate> fullsAndStandalone = Stream.concat(weeklyFulls(3).stream(),
                Stream.of(db("d1", "2026-11-10T02:00:00Z"), db("d2", "2026-11-20T02:00:00Z"))).toList();
        List<RetentionCandidate> shared = List.of(
                full("old", "2026-11-01T03:00:00Z", "sharedDb", "s1"), full("new", "2026-11-08T03:00:00Z", "sharedDb", "s2"),
                db("sharedDb", "2026-11-01T03:00:00Z"), storage("s1", "2026-11-01T03:00:00Z"), storage("s2", "2026-11-08T03:00:00Z"));
        return Stream.of(
                Arguments.of("kept fulls keep their components; removed fulls take theirs along", weeklyFulls(3),
                        RetentionPolicy.ofMaxBackups(2), ids("f3", "f3d", "f3s", "f2", "f2d", "f2s")),
                Arguments.of("components do not use up the standalone quota", fullsAndStandalone,
                        RetentionPolicy.ofMaxBackups(1), ids("f3", "f3d", "f3s", "d2")),
                Arguments.of("a component shared with a kept full stays", shared,
                        RetentionPolicy.ofMaxBackups(1), ids("new", "sharedDb", "s2")),
                Arguments.of("GFS judges fulls; components follow", weeklyFulls(4),
                        RetentionPolicy.ofMaxBackups(1).withKeepLast(1).withKeepMonthly(1),
                        ids("f4", "f4d", "f4s")),
                Arguments.of("unknown component ids are ignored",
                        List.of(full("f", "2026-11-01T03:00:00Z", "gone", "alsoGone"), db("d", "2026-11-02T00:00:00Z")),
                        RetentionPolicy.ofMaxBackups(1), ids("f", "d")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void componentsFollowTheirFulls(String name, List<RetentionCandidate> backups, RetentionPolicy policy, Set<String> kept) {
        assertThat(keptIds(RetentionPlanner.plan(backups, policy, NOW))).isEqualTo(kept);
    }

    @Test
    void aTypeNeverLosesItsLastBackup() {
        // the newer full has no storage component: removing f1 would leave no storage backup at all
        List<RetentionCandidate> backups = List.of(
                full("f1", "2026-11-01T03:00:00Z", "f1d", "f1s"), db("f1d", "2026-11-01T03:00:00Z"),
                storage("f1s", "2026-11-01T03:00:00Z"),
                full("f2", "2026-11-08T03:00:00Z", "f2d"), db("f2d", "2026-11-08T03:00:00Z"));

        RetentionPlan plan = RetentionPlanner.plan(backups, RetentionPolicy.ofMaxBackups(1), NOW);

        assertThat(plan.remove()).extracting(RetentionCandidate::id).containsExactly("f1d", "f1");
        assertThat(plan.decisionFor("f1s").orElseThrow().reasons()).containsExactly("last remaining storage backup");
    }

    @Test
    void componentReasonsNameTheFull() {
        RetentionPlan plan = RetentionPlanner.plan(weeklyFulls(3), RetentionPolicy.ofMaxBackups(2), NOW);

        assertThat(plan.decisionFor("f3d").orElseThrow().reasons()).containsExactly("referenced by full f3");
        assertThat(plan.decisionFor("f1s").orElseThrow().reasons()).containsExactly("component of removed full f1");
        assertThat(plan.decisionFor("f1").orElseThrow().reasons()).containsExactly("over MAX_BACKUPS=2");
    }

    @Test
    void sharedComponentListsEveryKeptReferrer() {
        List<RetentionCandidate> backups = List.of(
                full("a", "2026-11-01T03:00:00Z", "db"), full("b", "2026-11-08T03:00:00Z", "db"), db("db", "2026-11-01T03:00:00Z"));

        RetentionPlan plan = RetentionPlanner.plan(backups, RetentionPolicy.ofMaxBackups(2), NOW);

        assertThat(plan.decisionFor("db").orElseThrow().reasons()).containsExactly("referenced by full b", "referenced by full a");
    }

    @Test
    void aNewerStandaloneBackupDoesNotPushOutAComponentOfAKeptFull() {
        // the original's bug: rotation by count among all database files deleted f1d although full f1 was kept
        List<RetentionCandidate> backups = List.of(
                full("f1", "2026-11-01T03:00:00Z", "f1d", "f1s"), db("f1d", "2026-11-01T03:00:00Z"),
                storage("f1s", "2026-11-01T03:00:00Z"),
                db("d1", "2026-11-02T02:00:00Z"), db("d2", "2026-11-03T02:00:00Z"));

        RetentionPlan plan = RetentionPlanner.plan(backups, RetentionPolicy.ofMaxBackups(1), NOW);

        assertThat(plan.remove()).extracting(RetentionCandidate::id).containsExactly("d1");
    }
}
