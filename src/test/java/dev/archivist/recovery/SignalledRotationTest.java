package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.BackupService;
import dev.archivist.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rotate} signalled while it removes backups. It is not interrupted half-way through a backup, and removes none
 * after it (see {@link StoppedRotationTest}): it exits with the signal's code. The stop report said only "rotate
 * completed before the stop" and never which backups were already gone: an operator reading exit 143 could take the
 * catalog for unchanged.
 */
@Tag("system")
class SignalledRotationTest {
    private static final int BACKUPS = 120;

    @TempDir
    Path dir;

    @Test
    void theStopReportNamesTheBackupsRemovedBeforeTheStop() throws Exception {
        Fixture f = new Fixture(dir).database(10).set("MAX_BACKUPS", "1");
        BackupService service = f.service();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < BACKUPS; i++) {
            ids.add(service.backupDatabase(false).id());
        }

        CliProcess.Running run = f.process().start("rotate");
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (run.process().isAlive() && System.nanoTime() < deadline && manifests(f) == BACKUPS) {
            Thread.sleep(1);
        }
        run.signal("TERM");
        CliProcess.Result r = run.await(CliProcess.DEFAULT_TIMEOUT);

        assertThat(r.exitCode()).as("the signal came while rotate removed backups: %s", r.describe()).isEqualTo(143);
        List<String> gone = ids.stream().filter(id -> !Files.exists(f.backups.resolve("database/" + id + ".json")))
                .toList();
        assertThat(gone).as(r.describe()).isNotEmpty();
        String report = r.stderr().lines().filter(l -> l.contains("interrupted by SIGTERM")).findFirst().orElse("");
        assertThat(report).as(r.describe()).contains(" removed before the stop (");
        List<String> named = ids.stream().filter(report::contains).toList();
        // once stopped, it removes no further backup: the report names exactly those gone, whether it ended or not
        assertThat(named).as("the report names every backup gone, and only those: %s", r.describe())
                .isNotEmpty().containsExactlyInAnyOrderElementsOf(gone);
        assertThat(report).contains(gone.size() + " backup" + (gone.size() == 1 ? "" : "s") + " removed before the stop");
    }

    private static long manifests(Fixture f) throws Exception {
        try (Stream<Path> s = Files.list(f.backups.resolve("database"))) {
            return s.filter(p -> p.getFileName().toString().endsWith(".json")).count();
        }
    }
}
