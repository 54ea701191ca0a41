package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code restore storage} signalled while it extracts into staging. The extraction ends at its next read, its staging
 * copy is removed and nothing is switched in, before the process exits. Before, the restore went on extracting, the
 * process exited after its 5 s wait saying "nothing unfinished left behind", and a staging copy of the whole storage
 * folder stayed beside the live one until the next locked command.
 */
@Tag("system")
class SignalledStorageRestoreTest {
    @TempDir
    Path dir;

    @Test
    void aStopWhileExtractingRemovesTheStagingCopyAndChangesNothing() throws Exception {
        Fixture f = new Fixture(dir).storage(11, 300_000_000);
        CliProcess cli = f.process();
        CliProcess.Result backup = cli.run("backup", "storage", "--no-rotate");
        assertThat(backup.exitCode()).as(backup.describe()).isZero();
        Files.writeString(f.storage.resolve("written after the backup.txt"), "live only");
        Map<String, String> live = Fixture.tree(f.storage);

        CliProcess.Running run = cli.start("restore", "storage", "latest", "--yes");
        Fixture.awaitName(run, dir, n -> n.startsWith(".archivist-restore-"));
        assertThat(run.process().isAlive()).as("the restore still extracts").isTrue();
        run.signal("TERM");
        CliProcess.Result r = run.await(CliProcess.DEFAULT_TIMEOUT);

        assertThat(Fixture.names(dir)).as(r.describe()).noneMatch(n -> n.startsWith(".archivist-restore-"));
        if (r.stderr().contains("completed before the stop")) { // the extraction had ended: it was switched in
            assertThat(Fixture.tree(f.storage)).doesNotContainKey("written after the backup.txt");
        } else {
            assertThat(r.exitCode()).as(r.describe()).isEqualTo(143);
            // it ended at once: an extraction that went on would have been switched in ("completed before the
            // stop", above) or named as outliving the 5 s wait
            assertThat(r.stderr()).as(r.describe()).contains("interrupted by SIGTERM").doesNotContain("had not ended");
            assertThat(Fixture.tree(f.storage)).as("live folder untouched").isEqualTo(live);
        }
    }
}
