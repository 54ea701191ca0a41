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
 * "Keeps the newest MAX_BACKUPS complete backups": a backup with missing files or a failed verification takes no place
 * in the quota. (Rotation kept a broken newest backup as "newest 1 of MAX_BACKUPS=1" and deleted the intact older
 * ones, leaving nothing restorable.)
 */
class RetentionUnusableTest {

    private static final ZonedDateTime NOW = now("2026-12-01T00:00:00Z", UTC);

    static Stream<Arguments> table() {
        List<RetentionCandidate> d = dailyDbs(5);
        return Stream.of(
                Arguments.of("a broken newest backup does not push out the newest complete one",
                        List.of(d.get(0), d.get(1), d.get(2), d.get(3), incomplete(d.get(4))), 1, ids("d4", "d5")),
                Arguments.of("a failed verification counts as unrestorable too",
                        List.of(d.get(0), d.get(1), d.get(2), d.get(3), verified(d.get(4), false)), 1, ids("d4", "d5")),
                Arguments.of("broken and older than every kept backup: removed",
                        List.of(incomplete(d.get(0)), d.get(1), d.get(2), d.get(3), d.get(4)), 2, ids("d4", "d5")),
                Arguments.of("broken between kept backups: kept, not counted",
                        List.of(d.get(0), d.get(1), d.get(2), incomplete(d.get(3)), d.get(4)), 2, ids("d3", "d4", "d5")),
                Arguments.of("nothing complete: everything stays",
                        List.of(incomplete(d.get(0)), incomplete(d.get(1)), verified(d.get(2), false)), 1, ids("d1", "d2", "d3")),
                Arguments.of("a broken full keeps its components; the complete full and its components stay",
                        List.of(full("f1", "2026-11-01T03:00:00Z", "f1d"), db("f1d", "2026-11-01T03:00:00Z"),
                                incomplete(full("f2", "2026-11-08T03:00:00Z", "f2d")), db("f2d", "2026-11-08T03:00:00Z")),
                        1, ids("f1", "f1d", "f2", "f2d")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void unrestorableBackupsTakeNoPlaceInTheQuota(String name, List<RetentionCandidate> backups, int max, Set<String> kept) {
        assertThat(keptIds(RetentionPlanner.plan(backups, RetentionPolicy.ofMaxBackups(max), NOW))).isEqualTo(kept);
    }

    @Test
    void theReasonsSayWhy() {
        List<RetentionCandidate> d = dailyDbs(3);
        RetentionPlan plan = RetentionPlanner.plan(List.of(incomplete(d.get(0)), d.get(1), incomplete(d.get(2))),
                RetentionPolicy.ofMaxBackups(1), NOW);
        assertThat(plan.decisionFor("d3").orElseThrow().reasons()).singleElement().asString()
                .startsWith("unrestorable (files missing or not of their recorded size): not counted");
        assertThat(plan.decisionFor("d2").orElseThrow().reasons()).containsExactly("newest 1 of MAX_BACKUPS=1");
        assertThat(plan.decisionFor("d1").orElseThrow().keep()).isFalse();
        assertThat(plan.decisionFor("d1").orElseThrow().reasons()).singleElement().asString()
                .isEqualTo("unrestorable (files missing or not of their recorded size) and older than every kept backup");
    }
}
