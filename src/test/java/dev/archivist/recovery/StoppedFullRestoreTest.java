package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.testing.CliProcess;
import dev.archivist.testing.TestDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code restore full} stopped with SIGTERM just after it swapped the storage folder in, while it still takes the
 * safety backup of the live database: the live data must stay all old or all new, now and after the next command.
 * Before, restore commands had no stop hook: SIGTERM ended the JVM at once, leaving the restored storage folder live
 * beside the old database, and nothing rolled the swap back (its journal was already closed).
 */
@Tag("system")
class StoppedFullRestoreTest {
    @TempDir
    Path dir;

    @Test
    void sigtermBetweenTheStorageSwapAndTheDatabaseSwitchLeavesAllOldOrAllNew() throws Exception {
        Fixture f = new Fixture(dir);
        TestDb.createBig(f.db, TestDb.Mode.WAL, 120); // its safety backup takes a while after the storage swap
        Random random = new Random(7);
        byte[] content = new byte[1 << 20];
        for (int i = 0; i < 20; i++) {
            random.nextBytes(content);
            Files.createDirectories(f.storage.resolve("d" + i % 4));
            Files.write(f.storage.resolve("d" + i % 4).resolve("f" + i + ".bin"), content);
        }
        CliProcess cli = f.process();
        CliProcess.Result backup = cli.run("backup", "full", "--no-rotate");
        assertThat(backup.exitCode()).as(backup.describe()).isZero();
        long restoredRows = TestDb.count(f.db, "items");
        Map<String, String> restoredTree = Fixture.tree(f.storage);

        Files.writeString(f.storage.resolve("after-backup.txt"), "old tree only");
        try (var c = TestDb.open(f.db)) {
            TestDb.insert(c, 10, 100, 10_000_000);
        }
        long oldRows = TestDb.count(f.db, "items");
        Map<String, String> oldTree = Fixture.tree(f.storage);

        CliProcess.Running run = cli.start("restore", "full", "latest", "--yes");
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (run.process().isAlive() && System.nanoTime() < deadline
                && Fixture.names(dir).stream().noneMatch(n -> n.startsWith("storage.before-restore-"))) {
            Thread.sleep(1);
        }
        assertThat(run.process().isAlive()).as("the restore still runs after its storage swap").isTrue();
        Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(run.pid())).start();
        assertThat(kill.waitFor()).isZero();
        long signalled = System.nanoTime();
        CliProcess.Result r = run.await(CliProcess.DEFAULT_TIMEOUT);
        long exitMillis = (System.nanoTime() - signalled) / 1_000_000;
        assertThat(r.exitCode()).as(r.describe()).isIn(0, 143);
        assertThat(exitMillis).as("exits within the 5 s stop wait").isLessThan(6_000);

        assertAllOldOrAllNew(f, "right after the signal: " + r.describe(), oldRows, oldTree, restoredRows, restoredTree);
        CliProcess.Result next = cli.run("rotate");
        assertThat(next.exitCode()).as(next.describe()).isZero();
        assertAllOldOrAllNew(f, "after the next command: " + next.describe(), oldRows, oldTree, restoredRows, restoredTree);
        assertThat(Fixture.names(dir)).noneMatch(n -> n.startsWith(".archivist-restore-"));
    }

    private static void assertAllOldOrAllNew(Fixture f, String context, long oldRows, Map<String, String> oldTree,
                                             long newRows, Map<String, String> newTree) throws Exception {
        long rows = TestDb.count(f.db, "items");
        Map<String, String> tree = Fixture.tree(f.storage);
        boolean allOld = rows == oldRows && tree.equals(oldTree);
        boolean allNew = rows == newRows && tree.equals(newTree);
        assertThat(allOld || allNew).as(context + ": database has " + rows + " rows (old " + oldRows + ", restored "
                + newRows + "), storage is " + (tree.equals(oldTree) ? "old" : tree.equals(newTree) ? "restored" : "neither"))
                .isTrue();
    }
}
