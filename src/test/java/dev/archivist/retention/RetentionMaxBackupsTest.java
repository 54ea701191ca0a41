package dev.archivist.retention;

import static dev.archivist.retention.RetentionFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RetentionMaxBackupsTest {

    private static final java.time.ZonedDateTime NOW = now("2026-11-30T12:00:00Z", UTC);

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of("nothing to plan", List.of(), 7, ids()),
                Arguments.of("fewer than max", dailyDbs(3), 7, ids("d1", "d2", "d3")),
                Arguments.of("exactly max", dailyDbs(7), 7, ids("d1", "d2", "d3", "d4", "d5", "d6", "d7")),
                Arguments.of("over max keeps newest", dailyDbs(9), 7, ids("d3", "d4", "d5", "d6", "d7", "d8", "d9")),
                Arguments.of("max 1", dailyDbs(4), 1, ids("d4")),
                Arguments.of("types counted separately",
                        List.of(db("d1", "2026-11-01T00:00:00Z"), db("d2", "2026-11-02T00:00:00Z"),
                                storage("s1", "2026-11-01T00:00:00Z"), storage("s2", "2026-11-02T00:00:00Z"),
                                full("f1", "2026-11-01T00:00:00Z"), full("f2", "2026-11-02T00:00:00Z")),
                        1, ids("d2", "s2", "f2")),
                Arguments.of("input order does not matter",
                        List.of(db("d2", "2026-11-02T00:00:00Z"), db("d3", "2026-11-03T00:00:00Z"), db("d1", "2026-11-01T00:00:00Z")),
                        2, ids("d2", "d3")),
                Arguments.of("same second: higher id is newer",
                        List.of(db("a", "2026-11-02T00:00:00Z"), db("b", "2026-11-02T00:00:00Z")),
                        1, ids("b")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void keepsTheNewestMaxBackupsPerType(String name, List<RetentionCandidate> backups, int max, Set<String> kept) {
        RetentionPlan plan = RetentionPlanner.plan(backups, RetentionPolicy.ofMaxBackups(max), NOW);

        assertThat(keptIds(plan)).isEqualTo(kept);
        assertThat(plan.decisions()).hasSize(backups.size());
    }

    @Test
    void reasonsNameThePositionAndTheLimit() {
        RetentionPlan plan = RetentionPlanner.plan(dailyDbs(9), RetentionPolicy.ofMaxBackups(7), NOW);

        assertThat(plan.decisionFor("d9").orElseThrow().reasons()).containsExactly("newest 1 of MAX_BACKUPS=7");
        assertThat(plan.decisionFor("d7").orElseThrow().reasons()).containsExactly("newest 3 of MAX_BACKUPS=7");
        assertThat(plan.decisionFor("d2").orElseThrow().reasons()).containsExactly("over MAX_BACKUPS=7");
        assertThat(plan.remove()).extracting(RetentionCandidate::id).containsExactly("d2", "d1");
    }

    @Test
    void decisionsAreByTypeNewestFirst() {
        List<RetentionCandidate> backups = List.of(
                full("f1", "2026-11-01T00:00:00Z"), storage("s1", "2026-11-01T00:00:00Z"),
                db("d1", "2026-11-01T00:00:00Z"), db("d2", "2026-11-02T00:00:00Z"), full("f2", "2026-11-03T00:00:00Z"));

        RetentionPlan plan = RetentionPlanner.plan(backups, RetentionPolicy.ofMaxBackups(7), NOW);

        assertThat(plan.decisions()).extracting(d -> d.backup().id()).containsExactly("d2", "d1", "s1", "f2", "f1");
    }

    @Test
    void duplicateIdsAreRejected() {
        List<RetentionCandidate> backups = List.of(db("x", "2026-11-01T00:00:00Z"), db("x", "2026-11-02T00:00:00Z"));

        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> RetentionPlanner.plan(backups, RetentionPolicy.ofMaxBackups(7), NOW))
                .withMessageContaining("duplicate backup id x");
    }
}
