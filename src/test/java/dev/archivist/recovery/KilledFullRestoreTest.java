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
 * {@code restore full} killed with SIGKILL just after it swapped the storage folder in, while it still takes the
 * safety backup of the live database: nothing can run in the killed process, so the next command must end the restore
 * from its journal, leaving the live data all old or all new. Before, the swap's journal was closed once the swap was
 * done, and the restored storage folder stayed live beside the old database for good.
 */
@Tag("system")
class KilledFullRestoreTest {
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
        run.kill9();

        CliProcess.Result next = cli.run("rotate");
        assertThat(next.exitCode()).as(next.describe()).isZero();
        assertThat(next.stderr()).as(next.describe()).contains("an interrupted restore of");
        assertAllOldOrAllNew(f, "after the next command: " + next.describe(), oldRows, oldTree, restoredRows, restoredTree);
        assertThat(Fixture.names(dir)).noneMatch(n -> n.startsWith(".archivist-restore-"));
        assertThat(f.backups.resolve(".archivist/restore-full.json")).doesNotExist();
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
