package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.catalog.Manifest;
import dev.archivist.testing.CliProcess;
import dev.archivist.testing.TestDb;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4 acceptance (SEED-SPEC defects 2 and 6): {@code restore storage} and {@code restore database} killed with
 * SIGKILL at seeded random moments. Afterwards the live data is entirely the old or entirely the new, and the next
 * command that takes the lock reports and removes the leftovers (staging folders, temporary files, an interrupted
 * swap rolled back by its journal).
 */
@Tag("system")
class KilledRestoreTest {
    private static final int ROUNDS = 5;

    @TempDir
    Path dir;

    private final long seed = Long.getLong("archivist.seed", System.nanoTime());

    @Test
    void killedStorageRestoreLeavesTheOldOrTheNewTree() throws Exception {
        BackedUp b = storageWithMedia();
        Fixture f = b.fixture();
        Manifest backup = b.backup();
        Map<String, String> newTree = b.tree();
        Files.writeString(f.storage.resolve("documents/after-backup.txt"), "old tree only");
        Files.delete(f.storage.resolve("media/m3.bin"));
        Map<String, String> oldTree = Fixture.tree(f.storage);
        Path pristine = dir.resolve("pristine");
        copyTree(f.storage, pristine);
        Path aside = f.storage.resolveSibling("storage.before-restore-" + backup.id());

        long duration = timed(() -> f.process().run("restore", "storage", backup.id(), "--yes"));
        assertThat(Fixture.tree(f.storage)).isEqualTo(newTree);
        Random random = new Random(seed);
        int killedRunning = 0;
        for (int round = 0; round < ROUNDS; round++) {
            reset(f.storage, aside, pristine);
            long delay = 300 + (long) (random.nextDouble() * duration);
            String context = "seed " + seed + ", round " + round + ", delay " + delay + " ms of ~" + duration;
            CliProcess.Running run = f.process().start("restore", "storage", backup.id(), "--yes");
            Thread.sleep(delay);
            boolean alive = run.process().isAlive();
            run.kill9();
            killedRunning += alive ? 1 : 0;
            boolean leftovers = Fixture.names(dir).stream().anyMatch(n -> n.startsWith(".archivist-restore-"));
            if (leftovers) { // a read-only command names them too
                CliProcess.Result listed = f.process().run("list");
                assertThat(listed.stderr()).as(context + "\n" + listed.describe()).containsAnyOf("was interrupted", "did not finish");
            }

            CliProcess.Result next = f.process().run("rotate");
            assertThat(next.exitCode()).as(context + "\n" + next.describe()).isZero();
            Map<String, String> live = Fixture.tree(f.storage);
            assertThat(live.equals(oldTree) || live.equals(newTree)).as(context + ": live is entirely old or new; got " + live.size() + " entries").isTrue();
            assertThat(Fixture.names(dir)).as(context).noneMatch(n -> n.startsWith(".archivist-restore-"));
            if (leftovers) {
                assertThat(next.stderr()).as(context).containsAnyOf("leftover", "interrupted restore");
            }
            if (live.equals(newTree)) {
                assertThat(Fixture.tree(aside)).as(context + ": the old tree is kept aside").isEqualTo(oldTree);
            }
        }
        assertThat(killedRunning).as("seed " + seed + ": some kills hit a running restore").isPositive();
    }

    /**
     * What a restore killed before its switch leaves (a staging folder beside the storage folder, a decompressed copy
     * beside the database) is named by read-only commands, and removed by the next command that takes the lock.
     */
    @Test
    void leftoversOfARestoreKilledBeforeItsSwitchAreNamedByListAndRemovedByTheNext() throws Exception {
        Fixture f = new Fixture(dir).database(20).storage(3, 1000);
        f.service().backupDatabase(false);
        Path staging = Files.createDirectories(f.storage.resolveSibling(".archivist-restore-storage-storage_backup_x"));
        Files.writeString(staging.resolve("half.bin"), "half of a file");
        Path copy = Files.writeString(f.db.resolveSibling(".archivist-restore-" + f.db.getFileName() + "-42.tmp"), "partial");

        for (String command : List.of("list", "stats")) {
            CliProcess.Result r = f.process().run(command);
            assertThat(r.exitCode()).as(r.describe()).isZero();
            assertThat(r.stderr()).as(r.describe()).contains("a restore of " + f.storage + " was interrupted before its switch")
                    .contains(staging.toString()).contains(copy.toString()).contains("the next backup, restore or rotate removes");
        }
        assertThat(staging).exists();
        CliProcess.Result next = f.process().run("rotate");
        assertThat(next.exitCode()).as(next.describe()).isZero();
        assertThat(staging).doesNotExist();
        assertThat(copy).doesNotExist();
        assertThat(f.process().run("list").stderr()).doesNotContain("was interrupted");
    }

    @Test
    void killedRestoreIntoANewFolderLeavesNothingBesideIt() throws Exception {
        BackedUp b = storageWithMedia();
        Fixture f = b.fixture();
        // a place of its own: the sweep beside the live folder would not see it
        Path restores = Files.createDirectories(dir.resolve("restores"));
        Random random = new Random(seed);
        for (int round = 0; round < 3; round++) {
            Path target = restores.resolve("round-" + round);
            CliProcess.Running run = f.process().start("restore", "storage", b.backup().id(), "--target", target.toString());
            long extraDelay = random.nextInt(400);
            String context = "seed " + seed + ", round " + round + ", killed " + extraDelay + " ms after staging appeared";
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (Fixture.names(restores).stream().noneMatch(n -> n.startsWith(".archivist-restore-"))
                    && run.process().isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            Thread.sleep(extraDelay);
            run.kill9();
            boolean leftovers = Fixture.names(restores).stream().anyMatch(n -> n.startsWith(".archivist-restore-"));

            CliProcess.Result next = f.process().run("rotate");
            assertThat(next.exitCode()).as(context + "\n" + next.describe()).isZero();
            assertThat(Fixture.names(restores)).as(context).noneMatch(n -> n.startsWith(".archivist-restore-"));
            if (leftovers) {
                assertThat(next.stderr()).as(context).contains("leftover");
            }
            if (Files.exists(target)) {
                assertThat(Fixture.tree(target)).as(context + ": a target that exists is complete").isEqualTo(b.tree());
            }
        }
        assertThat(Fixture.names(f.root.resolve("backups/.archivist/restore-targets"))).as("records are dropped once swept")
                .isEmpty();
    }

    @Test
    void killedRestoreIntoAnEmptyFolderLeavesItEmptyOrComplete() throws Exception {
        BackedUp b = storageWithMedia();
        Fixture f = b.fixture();
        Random random = new Random(seed);
        for (int round = 0; round < 3; round++) {
            // filled inside, as a mount point is: the staging folder and the journal are in the target itself
            Path target = Files.createDirectories(dir.resolve("volumes/round-" + round));
            CliProcess.Running run = f.process().start("restore", "storage", b.backup().id(), "--target", target.toString());
            long extraDelay = random.nextInt(600);
            String context = "seed " + seed + ", round " + round + ", killed " + extraDelay + " ms after staging appeared";
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (Fixture.names(target).isEmpty() && run.process().isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            Thread.sleep(extraDelay);
            run.kill9();

            CliProcess.Result next = f.process().run("rotate");
            assertThat(next.exitCode()).as(context + "\n" + next.describe()).isZero();
            assertThat(Fixture.names(target)).as(context).noneMatch(n -> n.startsWith(".archivist-"));
            Map<String, String> left = Fixture.tree(target);
            assertThat(left.isEmpty() || left.equals(b.tree())).as(context + ": empty or complete, got " + left.size()
                    + " entries").isTrue();
        }
        assertThat(Fixture.names(f.root.resolve("backups/.archivist/restore-targets"))).as("records are dropped once swept")
                .isEmpty();
    }

    @Test
    void killedDatabaseRestoreLeavesTheOldOrTheNewDatabase() throws Exception {
        Fixture f = new Fixture(dir).set("MAX_BACKUPS", "1000");
        TestDb.createBig(f.db, TestDb.Mode.WAL, 60);
        Manifest backup = f.service().backupDatabase(false);
        String newDigest = digest(f.db);
        try (Connection c = TestDb.open(f.db); Statement st = c.createStatement()) {
            st.execute("DELETE FROM items WHERE id % 3 = 0");
            st.execute("UPDATE items SET name = 'old' WHERE id % 7 = 0");
            st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        String oldDigest = digest(f.db);
        Path pristine = dir.resolve("pristine.db");
        Files.copy(f.db, pristine);

        long duration = timed(() -> f.process().run("restore", "database", backup.id(), "--yes"));
        assertThat(digest(f.db)).isEqualTo(newDigest);
        Random random = new Random(seed);
        int killedRunning = 0;
        for (int round = 0; round < ROUNDS; round++) {
            for (String s : List.of("", "-wal", "-shm")) {
                Files.deleteIfExists(f.db.resolveSibling(f.db.getFileName() + s));
            }
            Files.copy(pristine, f.db);
            long delay = 300 + (long) (random.nextDouble() * duration);
            String context = "seed " + seed + ", round " + round + ", delay " + delay + " ms of ~" + duration;
            CliProcess.Running run = f.process().start("restore", "database", backup.id(), "--yes");
            Thread.sleep(delay);
            boolean alive = run.process().isAlive();
            run.kill9();
            killedRunning += alive ? 1 : 0;
            boolean leftovers = Fixture.names(dir).stream().anyMatch(n -> n.startsWith(".archivist-restore-"));

            // the first reader after the crash rolls back an interrupted copy (SQLite's journal)
            String now = digest(f.db);
            assertThat(now.equals(oldDigest) || now.equals(newDigest)).as(context + ": the database is entirely old or new").isTrue();
            assertThat(TestDb.integrityCheck(f.db)).as(context).isEqualTo("ok");
            CliProcess.Result next = f.process().run("rotate");
            assertThat(next.exitCode()).as(context + "\n" + next.describe()).isZero();
            assertThat(Fixture.names(dir)).as(context).noneMatch(n -> n.startsWith(".archivist-restore-"));
            assertThat(Fixture.names(f.backups.resolve("database"))).as(context).noneMatch(n -> n.startsWith(".tmp-"));
            if (leftovers) {
                assertThat(next.stderr()).as(context).contains("leftover");
            }
            CliProcess.Result verify = f.process().run("verify", "--all", "--quick");
            assertThat(verify.exitCode()).as(context + ": every listed backup (safety backups too) is complete\n" + verify.describe()).isZero();
        }
        assertThat(killedRunning).as("seed " + seed + ": some kills hit a running restore").isPositive();
    }

    /** A storage folder with 90 MiB of media (a restore long enough to be killed midway), backed up. */
    private record BackedUp(Fixture fixture, Manifest backup, Map<String, String> tree) {
    }

    private BackedUp storageWithMedia() throws Exception {
        Fixture f = new Fixture(dir).set("MAX_BACKUPS", "1000").storage(seed, 0);
        bulk(f.storage.resolve("media"), new Random(seed), 90, 1 << 20);
        Manifest backup = f.service().backupStorage(false, null);
        return new BackedUp(f, backup, Fixture.tree(f.storage));
    }

    private static long timed(Supplier<CliProcess.Result> run) {
        long t0 = System.nanoTime();
        CliProcess.Result r = run.get();
        assertThat(r.exitCode()).as(r.describe()).isZero();
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static void bulk(Path dir, Random r, int files, int size) throws IOException {
        Files.createDirectories(dir);
        byte[] data = new byte[size];
        for (int i = 0; i < files; i++) {
            r.nextBytes(data);
            Files.write(dir.resolve("m" + i + ".bin"), data);
        }
    }

    private static void reset(Path live, Path aside, Path pristine) throws IOException {
        deleteTree(live);
        deleteTree(aside);
        copyTree(pristine, live);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(d).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                Files.copy(f, to.resolve(from.relativize(f).toString()), StandardCopyOption.COPY_ATTRIBUTES, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Path t = to.resolve(from.relativize(d).toString());
                Files.setPosixFilePermissions(t, Files.getPosixFilePermissions(d));
                Files.setLastModifiedTime(t, Files.getLastModifiedTime(d));
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                Files.delete(f);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
                d.toFile().setWritable(true);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** SHA-256 over every row (id, name, payload) in id order. */
    private static String digest(Path db) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (Connection c = TestDb.open(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, name, payload FROM items ORDER BY id")) {
            while (rs.next()) {
                md.update(Long.toString(rs.getLong(1)).getBytes());
                md.update(rs.getString(2).getBytes());
                byte[] p = rs.getBytes(3);
                if (p != null) {
                    md.update(p);
                }
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
