package dev.archivist.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.archivist.ArchivistException;
import dev.archivist.BackupService;
import dev.archivist.catalog.Manifest;
import dev.archivist.source.SqliteSnapshot;
import dev.archivist.testing.TestDb;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Disk full. On a real 4 MiB tmpfs (mounted for the test when running as root and the kernel allows it, otherwise
 * skipped with the reason): a database and a storage backup larger than the free space fail with exit 1 and a message
 * that says so, leave no temporary file and no data file without a manifest, and the earlier backup still verifies.
 * On every Linux machine, the same path through the real process with a file-size limit ({@code ulimit -f}: writes
 * fail with EFBIG, as the JVM ignores SIGXFSZ). The archive layer with a stream failing with "No space left on device"
 * is covered by {@code archive.StorageArchiverTest#aFailingSinkFailsThePipelineAndAbortLeavesNoFile}.
 */
@Tag("system")
class DiskFullTest {
    @TempDir
    Path dir;

    private Path mounted;

    @AfterEach
    void unmount() throws Exception {
        if (mounted != null) {
            run(List.of("umount", "-l", mounted.toString()));
            mounted = null;
        }
    }

    @Test
    void backupOntoAFullTmpfsFailsCleanlyAndKeepsEarlierBackups() throws Exception {
        Path mnt = mountTmpfs("small-disk");

        FaultFixture fx = new FaultFixture(dir).set("BACKUP_DIR", mnt.resolve("backups").toString()).database(20, 100);
        Files.createDirectories(fx.storage);
        Files.writeString(fx.storage.resolve("small.txt"), "small\n");
        var first = fx.cli().run("backup", "full", "--json");
        assertThat(first.exitCode()).as(first.describe()).isZero();

        // 6 MiB of random bytes: incompressible, larger than the whole filesystem
        byte[] noise = new byte[6 << 20];
        new java.util.Random(1).nextBytes(noise);
        Files.write(fx.storage.resolve("big.bin"), noise);
        var storage = fx.cli().run("backup", "storage");
        assertFailedForSpace(storage);
        fx.assertNoLeftovers("after the failed storage backup");
        // every codec names the reason (with none and gz it was lost to "Self-suppression not permitted")
        for (String codec : List.of("none", "gz", "xz")) {
            var other = fx.cli().env("BACKUP_COMPRESSION", codec).run("backup", "storage");
            assertFailedForSpace(other);
            fx.assertNoLeftovers("after the failed " + codec + " storage backup");
        }

        addIncompressibleRows(fx, 1500);
        var database = fx.cli().run("backup", "database");
        assertFailedForSpace(database);
        fx.assertNoLeftovers("after the failed database backup");

        List<Manifest> listed = fx.assertEveryListedBackupVerifies("after two backups failed for lack of space");
        assertThat(listed).as("only the first full backup and its components").hasSize(3);
        var verify = fx.cli().run("verify", "--all");
        assertThat(verify.exitCode()).as(verify.describe()).isZero();
        Files.delete(fx.storage.resolve("big.bin"));
        var again = fx.cli().run("backup", "storage");
        assertThat(again.exitCode()).as("space is back once the failed run cleaned up; %s", again.describe()).isZero();
    }

    /**
     * A disk left full (by a backup killed at ENOSPC, or by anything else): the commands that free space still run. The
     * lock's holder record could not be written, and every command that takes the lock failed before sweeping the
     * killed run's leftovers or rotating.
     */
    @Test
    void aFullDiskStillLetsRotationAndTheSweepOfLeftoversRun() throws Exception {
        Path mnt = mountTmpfs("full-disk");
        Path backups = mnt.resolve("backups");
        FaultFixture fx = new FaultFixture(dir).set("BACKUP_DIR", backups.toString()).set("MAX_BACKUPS", "1").database(5, 100);
        Files.createDirectories(fx.storage);
        byte[] noise = new byte[300_000];
        new java.util.Random(3).nextBytes(noise);
        Files.write(fx.storage.resolve("a.bin"), noise);
        for (int i = 0; i < 2; i++) {
            var b = fx.cli().run("backup", "storage", "--no-rotate");
            assertThat(b.exitCode()).as(b.describe()).isZero();
        }
        Path leftover = backups.resolve("storage/.tmp-storage_backup_20991231T000000.000Z.tar.zst.part001");
        Files.write(leftover, noise);
        Path filler = Files.createDirectories(mnt.resolve("other")).resolve("filler");
        try (var os = Files.newOutputStream(filler)) {
            while (true) {
                os.write(noise);
            }
        } catch (java.io.IOException full) {
            assertThat(full.getMessage()).containsIgnoringCase("No space left");
        }
        try (var os = Files.newOutputStream(filler.resolveSibling("last-pages"))) { // the last few pages too
            while (true) {
                os.write(noise, 0, 4096);
                os.flush();
            }
        } catch (java.io.IOException full) {
            assertThat(full.getMessage()).containsIgnoringCase("No space left");
        }

        // the sweep of the leftover frees a little room, not enough: the failure names the part and the file
        var full = fx.cli().run("backup", "full", "--no-rotate");
        assertFailedForSpace(full);
        assertThat(full.stderr()).containsPattern("full backup failed: (database|storage) part: .*cannot write ");
        // a restore into a new place needs no room in BACKUP_DIR (it failed, recording its target there)
        try (var os = Files.newOutputStream(filler.resolveSibling("again"))) { // what the sweep freed, full again
            while (true) {
                os.write(noise, 0, 4096);
                os.flush();
            }
        } catch (java.io.IOException fullAgain) {
            assertThat(fullAgain.getMessage()).containsIgnoringCase("No space left");
        }
        var restored = fx.cli().run("restore", "storage", "latest", "--target", dir.resolve("restored").toString());
        assertThat(restored.exitCode()).as(restored.describe()).isZero();
        assertThat(dir.resolve("restored").resolve("a.bin")).hasBinaryContent(noise);

        var rotate = fx.cli().run("rotate");
        assertThat(rotate.exitCode()).as(rotate.describe()).isZero();
        assertThat(rotate.stdout()).contains("1 backup removed");
        assertThat(leftover).as("swept by the first command that holds the lock").doesNotExist();
        fx.assertNoLeftovers("after the rotation on a full disk");
        Files.delete(filler);
        Files.delete(filler.resolveSibling("last-pages"));
        Files.delete(filler.resolveSibling("again"));
        var again = fx.cli().run("backup", "storage");
        assertThat(again.exitCode()).as(again.describe()).isZero();
    }

    /** A 4 MiB tmpfs mounted at {@code name} in the test's folder (unmounted after the test); skips the test when it cannot. */
    private Path mountTmpfs(String name) throws Exception {
        Path mnt = Files.createDirectories(dir.resolve(name));
        boolean root = "root".equals(System.getProperty("user.name"));
        assumeTrue(root, "needs root to mount a tmpfs (running as " + System.getProperty("user.name") + ")");
        String out = run(List.of("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mnt.toString()));
        assumeTrue(out.startsWith("0"), "cannot mount a tmpfs here: " + out);
        mounted = mnt;
        return mnt;
    }

    /**
     * A database backup onto a full disk names the file it could not write, whichever of its two files (the scratch
     * copy, the compressed file) runs out of space: "No space left on device" alone does not say on which disk.
     */
    @Test
    void aDatabaseBackupOntoAFullDiskNamesWhereItCouldNotWrite() throws Exception {
        Path mnt = mountTmpfs("small-backups");
        FaultFixture fx = new FaultFixture(dir).set("BACKUP_DIR", mnt.resolve("backups").toString()).database(5, 100);
        addIncompressibleRows(fx, 600); // ~2.5 MB that does not compress: the copy fits, the copy and its file do not
        for (String codec : List.of("none", "zstd")) {
            var backup = fx.cli().env("BACKUP_COMPRESSION", codec).run("backup", "database", "--no-rotate");
            assertFailedForSpace(backup);
            assertThat(backup.stderr()).as(backup.describe()).contains(mnt.resolve("backups").resolve("database") + "/");
            fx.assertNoLeftovers("after the " + codec + " database backup onto the full disk");
        }
    }

    /**
     * A snapshot that cannot even be created (no inode left on the disk) names its path once, and why: it said
     * "cannot create the snapshot X: X: No space left on device".
     */
    @Test
    void aSnapshotThatCannotBeCreatedOnAFullDiskNamesItsPathOnce() throws Exception {
        Path mnt = mountTmpfs("no-inode");
        assertThat(run(List.of("mount", "-o", "remount,nr_inodes=1", mnt.toString()))).startsWith("0"); // its root's
        Path db = TestDb.create(dir.resolve("app.db"), TestDb.Mode.WAL, 10, 10);
        Path dest = mnt.resolve("snapshot.db");

        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> SqliteSnapshot.copy(db, dest));

        assertThat(thrown).isInstanceOf(ArchivistException.class)
                .hasMessage("cannot create the snapshot " + dest + ": No space left on device");
    }

    /**
     * {@code backup --dry-run} on a disk without room for the backup warns, naming the free space and what the backup
     * needs (the last backup's size, and the snapshot copy beside it), still exit 0; it foretold nothing, and the real
     * backup then failed with "No space left on device".
     */
    @Test
    void aDryRunOnADiskWithoutRoomForTheBackupWarnsOfIt() throws Exception {
        Path mnt = mountTmpfs("dry-run-room");
        FaultFixture fx = new FaultFixture(dir).set("BACKUP_DIR", mnt.resolve("backups").toString()).database(5, 100);
        addIncompressibleRows(fx, 250); // ~1 MB that does not compress: the copy and its file fit in 4 MiB
        var first = fx.cli().run("backup", "database", "--no-rotate");
        assertThat(first.exitCode()).as(first.describe()).isZero();
        var roomy = fx.cli().run("backup", "database", "--dry-run");
        assertThat(roomy.exitCode()).as(roomy.describe()).isZero();
        assertThat(roomy.stderr()).as(roomy.describe()).doesNotContain("warning");

        Path filler = leaveFree(mnt, 1 << 20);
        var text = fx.cli().run("backup", "database", "--dry-run");
        var json = fx.cli().run("backup", "database", "--dry-run", "--json");
        var real = fx.cli().run("backup", "database", "--no-rotate");
        Files.delete(filler);

        assertThat(text.exitCode()).as(text.describe()).isZero();
        assertThat(text.stderr()).as(text.describe()).contains("archivist: warning: BACKUP_DIR " + mnt.resolve("backups"))
                .contains("the last database backup").contains("snapshot copy").contains("a real backup would fail");
        assertThat(json.exitCode()).as(json.describe()).isZero();
        assertThat(dev.archivist.catalog.Json.MAPPER.readTree(json.stdout()).path("warnings").get(0).asText())
                .as(json.describe()).contains("a real backup would fail");
        assertFailedForSpace(real); // as foretold
    }

    /** A database restore onto a full disk names the file it could not write, and leaves nothing there. */
    @Test
    void aDatabaseRestoreOntoAFullDiskNamesWhereItCouldNotWrite() throws Exception {
        FaultFixture fx = new FaultFixture(dir).database(5, 100);
        addIncompressibleRows(fx, 1500); // ~6 MB that does not compress: more than the 4 MiB disk
        var backup = fx.cli().run("backup", "database");
        assertThat(backup.exitCode()).as(backup.describe()).isZero();
        Path mnt = mountTmpfs("small-target");
        var restore = fx.cli().run("restore", "database", "latest", "--target", mnt.resolve("app.db").toString());
        assertFailedForSpace(restore);
        assertThat(restore.stderr()).as(restore.describe()).contains("cannot write " + mnt + "/");
        try (var left = Files.list(mnt)) {
            assertThat(left).as("nothing left on the full disk").isEmpty();
        }
    }

    /** A storage restore onto a full disk names the folder it could not write, not only the entry, and leaves nothing there. */
    @Test
    void aStorageRestoreOntoAFullDiskNamesWhereItCouldNotWrite() throws Exception {
        FaultFixture fx = new FaultFixture(dir).database(5, 100);
        Files.createDirectories(fx.storage);
        byte[] noise = new byte[6 << 20]; // incompressible, more than the 4 MiB disk
        new java.util.Random(4).nextBytes(noise);
        Files.write(fx.storage.resolve("big.bin"), noise);
        var backup = fx.cli().run("backup", "storage");
        assertThat(backup.exitCode()).as(backup.describe()).isZero();
        Path mnt = mountTmpfs("small-restore-target");
        var restore = fx.cli().run("restore", "storage", "latest", "--target", mnt.resolve("restored").toString());
        assertFailedForSpace(restore);
        assertThat(restore.stderr()).as(restore.describe()).contains("'big.bin' into " + mnt + "/");
        try (var left = Files.list(mnt)) {
            assertThat(left).as("nothing left on the full disk").isEmpty();
        }
        assertThat(fx.storage.resolve("big.bin")).hasBinaryContent(noise);
    }

    /**
     * A disk with room for the decompressed copy of a database backup, but not for the 32 KiB shared-memory file SQLite
     * made beside a WAL-mode database it opened: verify and restore check the copy all the same. The check failed with
     * SQLITE_IOERR_SHMSIZE, and the sound backup was recorded as damaged: {@code list} showed it FAILED and
     * {@code latest} passed over it, so a restore onto a nearly full disk lost the newest backup for good.
     */
    @Test
    void aCopyCheckedOnANearlyFullDiskIsNotTakenForDamaged() throws Exception {
        Path mnt = mountTmpfs("nearly-full");
        FaultFixture fx = new FaultFixture(dir).set("BACKUP_DIR", mnt.resolve("backups").toString()).database(5, 100);
        addIncompressibleRows(fx, 200); // ~850 KB that does not compress: the backup and one copy fit the 4 MiB disk
        var backup = fx.cli().run("backup", "database");
        assertThat(backup.exitCode()).as(backup.describe()).isZero();
        long copy = fx.service().list(null).get(0).json().path("size_uncompressed").asLong();
        assertThat(copy).isPositive();

        Path filler = leaveFree(mnt, copy + 8192);
        var verify = fx.cli().run("verify", "latest");
        assertThat(verify.exitCode()).as(verify.describe()).isZero();
        assertThat(verify.stdout()).as(verify.describe()).contains("clean");

        Files.delete(filler);
        filler = leaveFree(mnt, copy + 8192);
        var restore = fx.cli().run("restore", "database", "latest", "--target", mnt.resolve("restored.db").toString());
        assertThat(restore.exitCode()).as(restore.describe()).isZero();
        Files.delete(filler);
        assertThat(TestDb.count(mnt.resolve("restored.db"), "items")).isEqualTo(205);
        var list = fx.cli().run("list");
        assertThat(list.stdout()).as(list.describe()).doesNotContain("FAILED");
    }

    /**
     * A live database restore whose database lies on a disk with no room left for the -shm SQLite makes to open it
     * (32 KiB, or an inode): neither its safety backup nor its check can open it, which is no damage. It was taken for
     * damaged, and the restore failed copying it aside with "restore database failed: No space left on device",
     * naming no file and no disk.
     */
    @Test
    void aLiveDatabaseOnAFullDiskIsNotTakenForDamaged() throws Exception {
        Path mnt = mountTmpfs("full-live");
        Path live = mnt.resolve("app.db");
        FaultFixture fx = new FaultFixture(dir).database(5, 100).set("DATABASE_URL", live.toString());
        Files.copy(fx.db, live);
        var backup = fx.cli().run("backup", "database");
        assertThat(backup.exitCode()).as(backup.describe()).isZero();
        try (var c = TestDb.open(live); var st = c.createStatement()) {
            st.execute("INSERT INTO items(name, payload) VALUES ('after the backup', randomblob(10))");
        }
        String before = TestDb.sha256(live);

        Path filler = leaveFree(mnt, 16384);
        var restore = fx.cli().run("restore", "database", "latest", "--yes");
        assertFailedForSpace(restore);
        assertThat(restore.stderr()).as(restore.describe()).contains(live.toString()).doesNotContain("damaged");
        Files.delete(filler);
        assertThat(TestDb.sha256(live)).as("the live database as it was").isEqualTo(before);
        try (var left = Files.list(mnt)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("nothing set aside as damaged")
                    .noneMatch(n -> n.contains("damaged"));
        }
    }

    /**
     * A live database restore onto a disk with room for the restored pages but not for SQLite's -wal frame headers and
     * -shm beside them (512-byte pages: about 5 % more) fails naming the lack of space. It was blamed on "the live
     * database's write lock" held by another connection, sending the operator after an application that was idle.
     */
    @Test
    void aLiveRestoreShortOfRoomForTheWalSaysSo() throws Exception {
        Path mnt = mountTmpfs("short-of-wal");
        Path live = mnt.resolve("app.db");
        FaultFixture fx = new FaultFixture(dir).set("DATABASE_URL", live.toString());
        var made = TestDb.sqlite3(live, "PRAGMA page_size=512; PRAGMA journal_mode=WAL;"
                + " CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, payload BLOB);"
                + " WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < 1000)"
                + " INSERT INTO items(name, payload) SELECT 'n'||x, randomblob(1000) FROM c;");
        assertThat(made.exitCode()).as(made.describe()).isZero();
        var backup = fx.cli().run("backup", "database");
        assertThat(backup.exitCode()).as(backup.describe()).isZero();
        long restored = fx.service().list(null).get(0).json().path("size_uncompressed").asLong();
        var shrunk = TestDb.sqlite3(live, "DELETE FROM items WHERE id > 50; VACUUM;");
        assertThat(shrunk.exitCode()).as(shrunk.describe()).isZero();
        String before = TestDb.sha256(live);

        Path filler = leaveFree(mnt, restored + 48 * 1024); // the pages fit, their -wal and -shm do not
        var restore = fx.cli().run("restore", "database", "latest", "--yes");
        Files.delete(filler);
        assertThat(restore.exitCode()).as(restore.describe()).isEqualTo(1);
        assertThat(restore.stderr()).as(restore.describe()).contains("not enough free space beside the live database")
                .doesNotContain("write lock");
        assertThat(TestDb.sha256(live)).as("the live database as it was").isEqualTo(before);
    }

    /** A file on {@code mnt} that leaves about {@code free} bytes of it unused. */
    private static Path leaveFree(Path mnt, long free) throws Exception {
        Path filler = mnt.resolve("filler");
        long size = Files.getFileStore(mnt).getUsableSpace() - free;
        byte[] page = new byte[4096];
        try (var os = Files.newOutputStream(filler)) {
            for (long left = size; left > 0; left -= page.length) {
                os.write(page, 0, (int) Math.min(page.length, left));
            }
        }
        return filler;
    }

    private static void assertFailedForSpace(dev.archivist.testing.CliProcess.Result r) {
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        assertThat(r.stderr()).as(r.describe()).containsIgnoringCase("No space left").doesNotContain("\tat ");
    }

    @Test
    void backupOverAFileSizeLimitFailsCleanlyOnEveryMachine() throws Exception {
        FaultFixture fx = new FaultFixture(dir).database(20, 100);
        FaultFixture.writeTree(fx.storage, 7, 2, 1_000);
        BackupService service = fx.service();
        Manifest earlier = service.backupFull(false, null);

        byte[] noise = new byte[3 << 20];
        new java.util.Random(2).nextBytes(noise);
        Files.write(fx.storage.resolve("big.bin"), noise);
        // 2 MiB per file: room for the JVM's own files (sqlite-jdbc extracts its 1 MiB native library), not for the backup
        Result storage = limited(fx, LIMIT_KIB, "backup", "storage");
        assertThat(storage.exit).as(storage.text).isEqualTo(1);
        assertThat(storage.text).as(storage.text).contains("File too large").doesNotContain("\tat ");
        fx.assertNoLeftovers("after the storage backup over the size limit");
        fx.assertNoInFlightMarks("after the storage backup over the size limit");

        addIncompressibleRows(fx, 800);
        Result database = limited(fx, LIMIT_KIB, "backup", "database");
        assertThat(database.exit).as(database.text).isEqualTo(1);
        assertThat(database.text).as(database.text).containsAnyOf("File too large", "file size limit", "No space left").doesNotContain("\tat ");
        fx.assertNoLeftovers("after the database backup over the size limit");
        fx.assertNoInFlightMarks("after the database backup over the size limit");

        List<Manifest> listed = fx.assertEveryListedBackupVerifies("after two failed backups");
        assertThat(listed).extracting(Manifest::id).contains(earlier.id()).hasSize(3);
    }

    private static final int LIMIT_KIB = 2 * 1024;

    record Result(int exit, String text) {
    }

    /** The real CLI under {@code ulimit -f kib} (bash counts in KiB). */
    private Result limited(FaultFixture fx, int kib, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "ulimit -f " + kib + "; exec \"$@\"", "bash"));
        cmd.addAll(fx.cli().command(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        Map<String, String> e = pb.environment();
        e.clear();
        for (String keep : List.of("PATH", "HOME")) {
            if (System.getenv(keep) != null) {
                e.put(keep, System.getenv(keep));
            }
        }
        e.put("LANG", "C.UTF-8");
        e.putAll(fx.env);
        File log = dir.resolve("limited-" + System.nanoTime() + ".log").toFile();
        pb.redirectErrorStream(true).redirectOutput(log);
        Process p = pb.start();
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
        String text = Files.readString(log.toPath(), StandardCharsets.UTF_8);
        Files.delete(log.toPath());
        return new Result(p.exitValue(), "exit " + p.exitValue() + "\n" + text);
    }

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(1, TimeUnit.MINUTES);
        return p.exitValue() + " " + out.strip();
    }

    /** Adds {@code rows} rows of 4,000 random bytes (~4 KB each, which do not compress) to the fixture's database. */
    private static void addIncompressibleRows(FaultFixture fx, int rows) throws Exception {
        try (var c = TestDb.open(fx.db); var ps = c.prepareStatement("INSERT INTO items(name, payload) VALUES (?, randomblob(?))")) {
            for (int i = 0; i < rows; i++) {
                ps.setString(1, "big-" + i);
                ps.setInt(2, 4000);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
