package dev.archivist.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.testing.TestDb;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The integrity_check of a deep verify (17 s for 500 MiB) ends soon after its stop condition says so (the verifying
 * thread was interrupted), in SQLite's own steps, rather than running to its end.
 */
class SqliteSnapshotStopTest {
    @TempDir
    Path dir;

    @Test
    void anIntegrityCheckEndsOnceItsStopConditionSaysSo() throws Exception {
        Path db = TestDb.create(dir.resolve("app.db"), TestDb.Mode.WAL, 20_000, 200);
        assertThat(SqliteSnapshot.check(db, true, () -> false)).as("not stopped: sound").isEmpty();

        AtomicInteger asked = new AtomicInteger();
        List<String> stopped = SqliteSnapshot.check(db, true, () -> asked.incrementAndGet() >= 3);
        assertThat(asked).as("asked until it said stop, then no more").hasValue(3);
        assertThat(stopped).hasSize(1);
        assertThat(stopped.get(0)).containsIgnoringCase("interrupt");
    }
}
