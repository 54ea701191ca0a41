package dev.archivist.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.restore.RestoreFiles;
import dev.archivist.testing.CliProcess;
import dev.archivist.testing.TestDb;
import dev.archivist.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash loop of a live storage restore that switches the folder's entries in place (its parent cannot be written;
 * the same path as a mount point takes): the real CLI is SIGKILLed at random moments, half of them while its journal
 * exists (entries moving). After each kill the next command settles the folder: it is then entirely one version or
 * the other (Archivist's own entries at its top aside), every earlier tree kept aside is a whole version, and the
 * restore after it succeeds and leaves no staging folder or journal. As root, the CLI runs without the capability
 * that bypasses permission bits ({@code setpriv}), so the parent is unwritable to it.
 */
@Tag("system")
class InPlaceRestoreCrashLoopTest {
    private static final int KILLS = FaultMode.count(8, 40);
    private static final int FILES = 300;

    @TempDir
    Path dir;

    @AfterEach
    void writableAgain() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void killedInPlaceRestoresEndEntirelyOldOrEntirelyNew() throws Exception {
        Assumptions.assumeTrue(!CliProcess.runningAsRoot() || TestDb.onPath("setpriv"),
                "running as root without setpriv: the parent folder cannot be made unwritable");
        FaultFixture fx = new FaultFixture(dir).database(10, 100);
        writeVersion(fx.storage, "A", 0);
        String idA = fx.service().backupStorage(false, null).id();
        String hashA = content(fx.storage);
        clear(fx.storage);
        writeVersion(fx.storage, "B", FILES / 3); // names overlap with A's: restores replace as well as add
        String idB = fx.service().backupStorage(false, null).id();
        String hashB = content(fx.storage);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        CliProcess cli = fx.cli();
        Random random = FaultMode.random("in-place restore crash loop");

        long t0 = System.nanoTime();
        CliProcess.Result unkilled = runWithoutBypass(cli, "restore", "storage", idA, "--yes").await(CliProcess.DEFAULT_TIMEOUT);
        long duration = (System.nanoTime() - t0) / 1_000_000;
        assertThat(unkilled.exitCode()).as(unkilled.describe()).isZero();
        assertThat(unkilled.stdout()).contains("is in a folder this user cannot write");
        assertThat(content(fx.storage)).isEqualTo(hashA);

        int inSwap = 0;
        for (int i = 0; i < KILLS; i++) {
            String target = content(fx.storage).equals(hashA) ? idB : idA;
            CliProcess.Running run = runWithoutBypass(cli, "restore", "storage", target, "--yes");
            Path journal = RestoreFiles.inPlaceJournal(fx.storage);
            if (i % 2 == 1) { // wait for the entries to start moving, then kill within the next 100 ms
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (run.process().isAlive() && !Files.exists(journal) && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                Thread.sleep(random.nextInt(100));
            } else {
                Thread.sleep((long) (random.nextDouble() * duration));
            }
            boolean journalled = Files.exists(journal);
            run.kill9();
            String context = "kill " + (i + 1) + "/" + KILLS + (journalled ? " while the entries moved" : "");
            if (journalled) {
                inSwap++;
            } else {
                assertThat(content(fx.storage)).as("no journal: the folder is one version; %s", context).isIn(hashA, hashB);
            }

            CliProcess.Result settle = runWithoutBypass(cli, "backup", "storage", "--no-rotate")
                    .await(CliProcess.DEFAULT_TIMEOUT);
            assertThat(settle.exitCode()).as("%s: %s", context, settle.describe()).isZero();
            assertThat(content(fx.storage)).as("settled by the next command; %s", context).isIn(hashA, hashB);
            assertThat(journal).as(context).doesNotExist();
            for (Path kept : own(fx.storage, RestoreFiles.IN_PLACE_ASIDE_PREFIX)) {
                assertThat(content(kept)).as("earlier tree %s is a whole version; %s", kept, context)
                        .isIn(hashA, hashB);
            }

            CliProcess.Result restore = runWithoutBypass(cli, "restore", "storage", target, "--yes")
                    .await(CliProcess.DEFAULT_TIMEOUT);
            assertThat(restore.exitCode()).as("%s: %s", context, restore.describe()).isZero();
            assertThat(content(fx.storage)).as(context).isEqualTo(target.equals(idA) ? hashA : hashB);
            assertThat(own(fx.storage, RestoreFiles.PREFIX)).as("no staging or journal left; %s", context).isEmpty();
        }
        System.err.println("[faults] in-place restore: " + KILLS + " kills, " + inSwap + " while the entries moved");
    }

    /** Starts the CLI so that the permission bits bind it (as root: without the capability that bypasses them). */
    private static CliProcess.Running runWithoutBypass(CliProcess cli, String... args) throws Exception {
        return cli.startWrapped(CliProcess.withoutPermissionBypass("-dac_override"), args);
    }

    /** {@code FILES} top-level files of one version (many entries, so killing while they move is likely). */
    private static void writeVersion(Path storage, String version, int first) throws Exception {
        Files.createDirectories(storage.resolve("docs"));
        Files.writeString(storage.resolve("docs").resolve("readme.txt"), "version " + version);
        for (int i = first; i < first + FILES; i++) {
            Files.writeString(storage.resolve(String.format("f%05d.txt", i)), version + i);
        }
    }

    private static void clear(Path storage) throws Exception {
        for (Path p : own(storage, "")) {
            dev.archivist.catalog.Durable.deleteTree(p);
        }
    }

    /** The storage folder's content without Archivist's own entries at its top. */
    private static String content(Path storage) throws Exception {
        TreeMap<String, String> all = FaultFixture.snapshot(storage);
        all.keySet().removeIf(rel -> rel.startsWith(".archivist-") || rel.startsWith(".tmp-"));
        return Trees.sha256(all.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static List<Path> own(Path storage, String prefix) throws Exception {
        try (Stream<Path> s = Files.list(storage)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
        }
    }
}
