package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.testing.CliProcess;
import dev.archivist.testing.TestDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code restore full} signalled just after it swapped the storage folder in, while it still takes the safety backup
 * of the live database: the live data must end all old or all new.
 * <ul>
 *   <li>SIGTERM: the process itself undoes the swap before it exits. Before, restore commands had no stop hook:
 *       SIGTERM ended the JVM at once, leaving the restored storage folder live beside the old database.</li>
 *   <li>SIGKILL: nothing runs in the killed process, so the next command ends the restore from its journal. Before,
 *       the swap's journal was closed once the swap was done, and the mix stayed for good.</li>
 * </ul>
 */
@Tag("system")
class SignalledFullRestoreTest {
    @TempDir
    Path dir;

    private Fixture f;
    private CliProcess cli;
    private Fixture.Generation restored;
    private Fixture.Generation old;

    @BeforeEach
    void backUpThenChangeEverything() throws Exception {
        f = new Fixture(dir);
        TestDb.createBig(f.db, TestDb.Mode.WAL, 120); // its safety backup takes a while after the storage swap
        Random random = new Random(7);
        byte[] content = new byte[1 << 20];
        for (int i = 0; i < 20; i++) {
            random.nextBytes(content);
            Files.createDirectories(f.storage.resolve("d" + i % 4));
            Files.write(f.storage.resolve("d" + i % 4).resolve("f" + i + ".bin"), content);
        }
        cli = f.process();
        CliProcess.Result backup = cli.run("backup", "full", "--no-rotate");
        assertThat(backup.exitCode()).as(backup.describe()).isZero();
        restored = Fixture.Generation.of(f);

        Files.writeString(f.storage.resolve("after-backup.txt"), "old tree only");
        try (var c = TestDb.open(f.db)) {
            TestDb.insert(c, 10, 100, 10_000_000);
        }
        old = Fixture.Generation.of(f);
    }

    @Test
    void sigtermBetweenTheStorageSwapAndTheDatabaseSwitchLeavesAllOldOrAllNew() throws Exception {
        CliProcess.Running run = startRestoreAndAwaitTheSwap();
        run.signal("TERM");
        CliProcess.Result r = run.await(CliProcess.DEFAULT_TIMEOUT);
        assertThat(r.exitCode()).as(r.describe()).isIn(0, 143);

        // The safety backup is not interrupted: the undo follows its refused commit. On a loaded machine it can
        // outlive the stop's 5 s wait (forced with a pause of 6 s before it); the process then ends between the two
        // switches, as a killed one does, and the next command completes the restore from its journal
        boolean outlivedTheWait = r.stderr().contains("had not ended after");
        if (!outlivedTheWait) {
            assertAllOldOrAllNew("right after the signal: " + r.describe());
        }
        CliProcess.Result next = cli.run("rotate");
        assertThat(next.exitCode()).as(next.describe()).isZero();
        if (outlivedTheWait) {
            assertThat(next.stderr()).as(next.describe()).contains("an interrupted restore of");
        }
        assertAllOldOrAllNew("after the next command: " + next.describe());
        assertThat(Fixture.names(dir)).noneMatch(n -> n.startsWith(".archivist-restore-"));
    }

    @Test
    void sigkillBetweenTheStorageSwapAndTheDatabaseSwitchIsEndedByTheNextCommand() throws Exception {
        startRestoreAndAwaitTheSwap().kill9();

        CliProcess.Result next = cli.run("rotate");
        assertThat(next.exitCode()).as(next.describe()).isZero();
        assertThat(next.stderr()).as(next.describe()).contains("an interrupted restore of");
        assertAllOldOrAllNew("after the next command: " + next.describe());
        assertThat(Fixture.names(dir)).noneMatch(n -> n.startsWith(".archivist-restore-"));
        assertThat(f.backups.resolve(".archivist/restore-full.json")).doesNotExist();
    }

    private CliProcess.Running startRestoreAndAwaitTheSwap() throws Exception {
        CliProcess.Running run = cli.start("restore", "full", "latest", "--yes");
        Fixture.awaitName(run, dir, n -> n.startsWith("storage.before-restore-"));
        assertThat(run.process().isAlive()).as("the restore still runs after its storage swap").isTrue();
        return run;
    }

    private void assertAllOldOrAllNew(String context) throws Exception {
        Fixture.Generation now = Fixture.Generation.of(f);
        assertThat(now.equals(old) || now.equals(restored)).as(context + ": database has " + now.rows() + " rows (old "
                + old.rows() + ", restored " + restored.rows() + "), storage is " + (now.tree().equals(old.tree()) ? "old"
                : now.tree().equals(restored.tree()) ? "restored" : "neither")).isTrue();
    }
}
