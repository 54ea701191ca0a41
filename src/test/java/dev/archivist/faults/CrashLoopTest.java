package dev.archivist.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.BackupService;
import dev.archivist.BackupType;
import dev.archivist.catalog.Manifest;
import dev.archivist.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash loop: each write command of the real CLI is SIGKILLed at random moments (delays drawn uniformly within the
 * measured duration of an unkilled run, half of them within the part of the run that holds the lock). After every
 * kill: every backup {@code list} shows verifies clean (a listed full backup has both components); the live database
 * and storage folder are entirely the old or entirely the new version; the next command succeeds and leaves no
 * leftovers ({@code .tmp-*}, unreferenced data files, {@code .archivist-restore-*}).
 */
@Tag("system")
class CrashLoopTest {
    /** Kills per command that hit a running process. */
    static final int KILLS = FaultMode.count(20, 60);
    /** Rounds per command at most, counting those whose kill came after the command had ended. */
    static final int MAX_ATTEMPTS = 3 * KILLS;

    @TempDir
    Path dir;

    /** One command under test: its arguments for this round, the checks after a kill, and the next command. */
    interface Scenario {
        String[] args() throws Exception;

        void afterKill(String context) throws Exception;

        void next(String context) throws Exception;

        /** Whether the killed process has started the work worth interrupting (default: it holds the lock). */
        default boolean working(FaultFixture fx) {
            return Files.exists(fx.backups.resolve(".archivist").resolve("lock.holder"));
        }

        /** Upper bound of the kill delay once {@link #working} (default: the rest of the measured run). */
        default long workWindowMillis(long afterLock) {
            return afterLock;
        }
    }

    private FaultFixture fixture() throws Exception {
        FaultFixture fx = new FaultFixture(dir).database(1000, 1000);
        FaultFixture.writeTree(fx.storage, 1, 16, 100_000);
        return fx;
    }

    @Test
    void backupDatabase() throws Exception {
        FaultFixture fx = fixture().set("MAX_BACKUPS", "2");
        String liveDb = FaultFixture.dbHash(fx.db);
        crashLoop("backup database", fx, new Scenario() {
            public String[] args() {
                return new String[] {"backup", "database"};
            }

            public void afterKill(String context) throws Exception {
                assertThat(FaultFixture.dbHash(fx.db)).as("a backup never changes the live database; %s", context).isEqualTo(liveDb);
            }

            public void next(String context) {
                fx.service().backupDatabase(true);
            }
        });
    }

    @Test
    void backupStorage() throws Exception {
        FaultFixture fx = fixture().set("MAX_BACKUPS", "2");
        String liveTree = FaultFixture.treeHash(fx.storage);
        crashLoop("backup storage", fx, new Scenario() {
            public String[] args() {
                return new String[] {"backup", "storage"};
            }

            public void afterKill(String context) throws Exception {
                assertThat(FaultFixture.treeHash(fx.storage)).as("a backup never changes the storage; %s", context).isEqualTo(liveTree);
            }

            public void next(String context) {
                fx.service().backupStorage(true, null);
            }
        });
    }

    @Test
    void backupFull() throws Exception {
        FaultFixture fx = new FaultFixture(dir).database(800, 1000).set("MAX_BACKUPS", "2");
        FaultFixture.writeTree(fx.storage, 1, 12, 90_000);
        String liveDb = FaultFixture.dbHash(fx.db);
        String liveTree = FaultFixture.treeHash(fx.storage);
        crashLoop("backup full", fx, new Scenario() {
            public String[] args() {
                return new String[] {"backup", "full"};
            }

            public void afterKill(String context) throws Exception {
                assertThat(FaultFixture.dbHash(fx.db)).as(context).isEqualTo(liveDb);
                assertThat(FaultFixture.treeHash(fx.storage)).as(context).isEqualTo(liveTree);
            }

            public void next(String context) {
                fx.service().backupFull(true, null);
            }
        });
    }

    @Test
    void rotate() throws Exception {
        // tiny data: rotation is about deleting many backups, so each round first creates several
        FaultFixture fx = new FaultFixture(dir).database(50, 200).set("MAX_BACKUPS", "2")
                .set("BACKUP_CHUNK_SIZE_MB", "1").set("BACKUP_MAX_SIZE_MB", "1");
        FaultFixture.writeTree(fx.storage, 1, 8, 300_000); // > 1 MiB of half-random data: a split archive, two parts
        int[] manifestsBefore = new int[1];
        crashLoop("rotate", fx, new Scenario() {
            public String[] args() {
                BackupService s = fx.service();
                for (int i = 0; i < 3; i++) {
                    s.backupFull(false, null);
                }
                s.backupDatabase(false);
                s.backupStorage(false, null);
                manifestsBefore[0] = manifests(fx);
                return new String[] {"rotate"};
            }

            public void afterKill(String context) {
                // covered by assertEveryListedBackupVerifies: no listed backup is half-deleted, fulls have components
            }

            /** Deleting takes milliseconds of the run: odd rounds wait for the first manifest to go, then kill soon after. */
            public boolean working(FaultFixture f) {
                return manifests(f) < manifestsBefore[0];
            }

            public long workWindowMillis(long afterLock) {
                return 30;
            }

            public void next(String context) {
                fx.service().rotate(false);
                assertThat(fx.service().rotate(true).decisions()).as("rotation completed: nothing left to remove; %s", context)
                        .allMatch(d -> d.keep());
            }
        });
    }

    @Test
    void restoreDatabase() throws Exception {
        FaultFixture fx = new FaultFixture(dir).database(1000, 1000);
        BackupService s = fx.service();
        String idA = s.backupDatabase(false).id();
        String hashA = FaultFixture.dbHash(fx.db);
        fx.rewriteDatabase(900, 1000, 50_000);
        String idB = s.backupDatabase(false).id();
        String hashB = FaultFixture.dbHash(fx.db);
        assertThat(hashA).isNotEqualTo(hashB);
        String[] target = new String[1];
        crashLoop("restore database", fx, new Scenario() {
            public String[] args() throws Exception {
                String live = FaultFixture.dbHash(fx.db);
                target[0] = live.equals(hashA) ? idB : idA;
                return new String[] {"restore", "database", target[0], "--yes"};
            }

            public void afterKill(String context) throws Exception {
                assertThat(integrityCheck(fx.db)).as(context).isEqualTo("ok");
                assertThat(FaultFixture.dbHash(fx.db)).as("live database is entirely A or entirely B; %s", context).isIn(hashA, hashB);
            }

            public void next(String context) throws Exception {
                fx.service().restoreDatabase(target[0], null, true);
                assertThat(FaultFixture.dbHash(fx.db)).as(context).isEqualTo(target[0].equals(idA) ? hashA : hashB);
            }
        });
    }

    @Test
    void restoreStorage() throws Exception {
        FaultFixture fx = new FaultFixture(dir).database(10, 100);
        FaultFixture.writeTree(fx.storage, 1, 16, 100_000);
        BackupService s = fx.service();
        String idA = s.backupStorage(false, null).id();
        String hashA = FaultFixture.treeHash(fx.storage);
        Path old = Files.move(fx.storage, dir.resolve("version-a"));
        FaultFixture.writeTree(fx.storage, 2, 16, 100_000);
        String idB = s.backupStorage(false, null).id();
        String hashB = FaultFixture.treeHash(fx.storage);
        dev.archivist.catalog.Durable.deleteTree(old);
        String[] target = new String[1];
        String[] before = new String[1];
        crashLoop("restore storage", fx, new Scenario() {
            public String[] args() throws Exception {
                before[0] = FaultFixture.treeHash(fx.storage);
                target[0] = before[0].equals(hashA) ? idB : idA;
                return new String[] {"restore", "storage", target[0], "--yes"};
            }

            public void afterKill(String context) throws Exception {
                String now = FaultFixture.treeHash(fx.storage);
                if (now.equals("missing")) {
                    // killed between the two renames of the swap: the old tree waits aside, journalled, and the next
                    // run rolls it back before doing anything else
                    Path journal = dev.archivist.restore.RestoreFiles.journal(fx.storage);
                    assertThat(journal).as(context).exists();
                    Path aside = Path.of(new com.fasterxml.jackson.databind.ObjectMapper().readTree(journal.toFile()).path("aside").asText());
                    assertThat(FaultFixture.treeHash(aside)).as("old tree intact aside; %s", context).isEqualTo(before[0]);
                    swapWindowKills++;
                } else {
                    assertThat(now).as("live storage is entirely A or entirely B; %s", context).isIn(hashA, hashB);
                }
            }

            public void next(String context) throws Exception {
                fx.service().restoreStorage(target[0], null, List.of(), true);
                assertThat(FaultFixture.treeHash(fx.storage)).as(context).isEqualTo(target[0].equals(idA) ? hashA : hashB);
            }
        });
        System.err.println("[faults] restore storage: " + swapWindowKills + " kill(s) between the two renames of the swap");
    }

    private int swapWindowKills;

    static int manifests(FaultFixture fx) {
        int n = 0;
        for (BackupType t : BackupType.values()) {
            try (var files = Files.newDirectoryStream(fx.catalog().dir(t), "*.json")) {
                for (Path ignored : files) {
                    n++;
                }
            } catch (java.io.IOException e) {
                // folder not there yet
            }
        }
        return n;
    }

    static String integrityCheck(Path db) throws Exception {
        try (Connection c = dev.archivist.testing.TestDb.open(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private void crashLoop(String name, FaultFixture fx, Scenario scenario) throws Exception {
        Random random = FaultMode.random("crash loop " + name);
        CliProcess cli = fx.cli();
        Path holder = fx.backups.resolve(".archivist").resolve("lock.holder");

        // 1. two unkilled runs: the shorter one's duration bounds the kill delays (one run slowed by a busy machine
        // put most kills after the command had ended); note when it took the lock
        String[] args = null;
        long duration = Long.MAX_VALUE;
        long lockFrom = 0;
        for (int u = 0; u < 2; u++) {
            args = scenario.args();
            long t0 = System.nanoTime();
            CliProcess.Running first = cli.start(args);
            long lockedAt = -1;
            while (first.process().isAlive()) {
                if (lockedAt < 0 && Files.exists(holder)) {
                    lockedAt = (System.nanoTime() - t0) / 1_000_000;
                }
                Thread.sleep(3);
            }
            long took = (System.nanoTime() - t0) / 1_000_000;
            CliProcess.Result r = first.await(java.time.Duration.ofSeconds(5));
            assertThat(r.exitCode()).as("unkilled %s: %s", name, r.describe()).isZero();
            if (took < duration) {
                duration = took;
                lockFrom = lockedAt < 0 ? took / 2 : lockedAt;
            }
            fx.assertEveryListedBackupVerifies("after the unkilled " + name);
            scenario.afterKill("after the unkilled " + name);
            fx.assertNoLeftovers("after the unkilled " + name);
        }
        System.err.println("[faults] " + name + ": unkilled run " + duration + " ms, lock taken at ~" + lockFrom + " ms; "
                + KILLS + " kills follow");

        int killedRunning = 0;
        int killedHoldingLock = 0;
        int attempts = 0;
        // KILLS kills that hit a running process: a SIGKILL sent after the command had ended kills nothing, so such a
        // round does not count, and another is run (up to MAX_ATTEMPTS, in case the machine runs the commands so fast
        // that delays drawn from the unkilled run's duration mostly come too late)
        for (int i = 0; killedRunning < KILLS && i < MAX_ATTEMPTS; i++) {
            attempts++;
            args = scenario.args();
            // even rounds: anywhere in the run (JVM start included); odd rounds: within the work done under the lock
            boolean inWork = i % 2 == 1;
            long delay = inWork ? (long) (random.nextDouble() * Math.max(1, scenario.workWindowMillis(duration - lockFrom)))
                    : (long) (random.nextDouble() * duration);
            // what exists now was verified before or written by this test in-process: after the kill, checksums suffice
            // for those (a half-deleted one still fails), and only what the killed process wrote is read deeply
            fx.service().list(null).forEach(m -> fx.deeplyVerified.add(m.id() + "/" + m.checksum()));
            CliProcess.Running run = cli.start(args);
            if (inWork) {
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (run.process().isAlive() && !scenario.working(fx) && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
            }
            Thread.sleep(delay);
            boolean alive = run.process().isAlive();
            boolean locked = Files.exists(holder);
            run.kill9();
            int exit = run.process().exitValue();
            String context = name + " attempt " + (i + 1) + " (" + killedRunning + "/" + KILLS + " kills before it) after "
                    + delay + " ms" + (inWork ? " into the work" : "") + " (alive " + alive + ", lock held " + locked
                    + ", exit " + exit + ")";
            if (alive) {
                killedRunning++;
                if (locked) {
                    killedHoldingLock++;
                }
            } else {
                assertThat(exit).as("finished before the kill, so it must have succeeded; %s; stderr: %s", context, run.stderrSoFar()).isZero();
            }
            List<Manifest> listed = fx.assertEveryListedBackupVerifies(context);
            scenario.afterKill(context);
            scenario.next(context);
            fx.assertNoLeftovers("after the next command; " + context);
            if (killedRunning == KILLS || i == MAX_ATTEMPTS - 1) {
                System.err.println("[faults] " + name + ": " + listed.size() + " backups listed at the end");
            }
        }
        fx.assertEveryListedBackupVerifies(name + ": final");
        System.err.println("[faults] " + name + ": " + killedRunning + " kills hit a running process in " + attempts
                + " attempts, " + killedHoldingLock + " while it held the lock");
        assertThat(killedRunning).as("kills that hit a running process, in %d attempts", attempts).isEqualTo(KILLS);
        assertThat(killedHoldingLock).as("some kills must land while the command does its work").isPositive();
    }
}
