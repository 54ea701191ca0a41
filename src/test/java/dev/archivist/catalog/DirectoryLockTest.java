package dev.archivist.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archivist.LockUnavailableException;
import dev.archivist.testing.CliProcess;
import dev.archivist.testing.LockHolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who holds the backup directory's lock, as a waiting process is told. */
class DirectoryLockTest {
    @TempDir
    Path dir;

    /**
     * A holder record without its pid, command or start time (damaged, or of another version) named the holder as
     * "pid 0 (null) since null": it names nobody now. One with a key this version does not know (a newer version's)
     * was "holder unknown": its holder is named.
     */
    @Test
    void aHolderRecordWithMissingOrUnknownKeysNamesNobodyWrongly() throws Exception {
        Path lockFile = dir.resolve("lock");
        Path record = dir.resolve("lock.holder");
        for (String missing : List.of("{}", "{\"pid\": 12}", "{\"pid\": 0, \"command\": \"x\", \"since\": \"y\"}",
                "{\"pid\": \"12\", \"command\": \"x\", \"since\": \"y\"}", "[1]", "")) {
            Files.writeString(record, missing);
            assertThat(DirectoryLock.readHolder(lockFile)).as(missing).isNull();
        }
        Files.writeString(record, "{\"pid\": 12, \"command\": \"archivist run\", \"since\": \"2026-01-01T00:00:00Z\","
                + " \"host\": \"web-1\"}");
        assertThat(DirectoryLock.readHolder(lockFile)).hasToString("pid 12 (archivist run) since 2026-01-01T00:00:00Z");
    }

    /**
     * A lock file that is a symlink leading to no file (dangling, a loop, a folder) failed every command that takes the
     * lock with "no such file or directory: …/lock", a name {@code ls} shows: it is now named as the symlink it is, with
     * where it leads and the mend.
     */
    @Test
    void aLockFileThatIsASymlinkToNoFileIsNamedAsOne() throws Exception {
        Path lockFile = dir.resolve("lock");
        for (Path target : List.of(dir.resolve("unmounted/lock"), lockFile, Files.createDirectory(dir.resolve("folder")))) {
            Files.deleteIfExists(lockFile);
            Files.createSymbolicLink(lockFile, target);
            assertThatThrownBy(() -> DirectoryLock.acquire(lockFile, Duration.ZERO, "archivist backup database", s -> { }))
                    .as("%s", target).hasMessage(lockFile + ": a symlink to " + target + ", which leads to no file: remove"
                            + " it (the lock file is made again)");
        }
        Files.delete(lockFile);
        try (DirectoryLock held = DirectoryLock.acquire(lockFile, Duration.ZERO, "archivist backup database", s -> { })) {
            assertThat(lockFile).isRegularFile();
        }
    }

    @Test
    void aWaiterThatComesBeforeTheHolderRecordedItselfWaitsForTheRecordBeforeSayingWhoHoldsTheLock() throws Exception {
        Path lockFile = dir.resolve("lock");
        try (DirectoryLock held = DirectoryLock.acquire(lockFile, Duration.ZERO, "archivist backup database", s -> { })) {
            Path record = dir.resolve("lock.holder");
            byte[] holder = Files.readAllBytes(record);
            Files.delete(record); // as between the holder's taking the lock and its writing the record
            Thread late = writeLater(record, holder, 300);
            List<String> told = new CopyOnWriteArrayList<>();
            assertThatThrownBy(() -> DirectoryLock.acquire(lockFile, Duration.ofSeconds(2), "archivist rotate", told::add))
                    .isInstanceOf(LockUnavailableException.class).hasMessageContaining("archivist backup database")
                    .hasMessageContaining("another task of this process holds the lock"); // this test holds it
            late.join();
            assertThat(told).singleElement().asString().contains("held by pid " + ProcessHandle.current().pid())
                    .contains("(archivist backup database)");
        }
    }

    @Test
    void aHolderThatNeverRecordsItselfIsNamedAsAnotherProcess() throws Exception {
        Path lockFile = dir.resolve("lock");
        try (DirectoryLock held = DirectoryLock.acquire(lockFile, Duration.ZERO, "archivist backup database", s -> { })) {
            Files.delete(dir.resolve("lock.holder"));
            List<String> told = new CopyOnWriteArrayList<>();
            assertThatThrownBy(() -> DirectoryLock.acquire(lockFile, Duration.ofMillis(1500), "archivist rotate", told::add))
                    .isInstanceOf(LockUnavailableException.class).hasMessageContaining("holder unknown");
            assertThat(told).singleElement().asString().contains("held by another process");
        }
    }

    @Test
    void aLockRefusedThroughASymlinkedFolderIsStillHeldAgainstOtherProcesses() throws Exception {
        Path backups = Files.createDirectories(dir.resolve("backups").resolve(".archivist")).getParent();
        Path link = Files.createSymbolicLink(dir.resolve("backups-link"), backups); // one BACKUP_DIR, two spellings
        Path out = dir.resolve("holder.out");
        DirectoryLock held = DirectoryLock.tryAcquire(backups.resolve(".archivist").resolve("lock"), "archivist backup database");
        assertThat(held).isNotNull();
        Process other = null;
        try {
            assertThat(DirectoryLock.tryAcquire(link.resolve(".archivist").resolve("lock"), "archivist rotate")).isNull();
            other = new CliProcess(dir).startMain(LockHolder.class, out.toFile(), dir.resolve("holder.err").toFile(),
                    backups.toString());
            assertThat(heldWithin(out, 3_000)).as("another process took the lock this JVM holds").isFalse();
            held.close();
            held = null;
            assertThat(heldWithin(out, 60_000)).as("the other process takes the lock once it is free").isTrue();
        } finally {
            if (other != null) {
                other.destroyForcibly().waitFor();
            }
            if (held != null) {
                held.close();
            }
        }
    }

    private static boolean heldWithin(Path out, long millis) throws Exception {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (Files.exists(out) && Files.readString(out).contains("held")) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    /** Writes {@code record} after {@code millis}, as a holder that records itself a moment after taking the lock. */
    private static Thread writeLater(Path record, byte[] holder, long millis) {
        Thread late = new Thread(() -> {
            try {
                Thread.sleep(millis);
                Files.write(record, holder);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        late.start();
        return late;
    }

    /** With a timeout of 0 nothing waits: the refusal names the holder, and no "waiting up to 0 s" comes before it. */
    @Test
    void aZeroTimeoutRefusesAtOnceWithoutSayingItWaits() throws Exception {
        Path lockFile = dir.resolve("lock");
        try (DirectoryLock held = DirectoryLock.acquire(lockFile, Duration.ZERO, "archivist backup database", s -> { })) {
            List<String> told = new CopyOnWriteArrayList<>();
            assertThatThrownBy(() -> DirectoryLock.acquire(lockFile, Duration.ZERO, "archivist rotate", told::add))
                    .isInstanceOf(LockUnavailableException.class).hasMessageContaining("archivist backup database");
            Files.delete(dir.resolve("lock.holder"));
            assertThatThrownBy(() -> DirectoryLock.acquire(lockFile, Duration.ZERO, "archivist rotate", told::add))
                    .isInstanceOf(LockUnavailableException.class).hasMessageContaining("holder unknown");
            assertThat(told).isEmpty();
        }
    }

    /**
     * A timeout of 0 that loses a race of starts (the holder took the lock a moment before and is writing its record)
     * still names the holder: it said "holder unknown" for 5 of 6 simultaneous starts.
     */
    @Test
    void aZeroTimeoutThatLosesARaceStillNamesTheHolder() throws Exception {
        Path lockFile = dir.resolve("lock");
        try (DirectoryLock held = DirectoryLock.acquire(lockFile, Duration.ZERO, "archivist backup database", s -> { })) {
            Path record = dir.resolve("lock.holder");
            byte[] holder = Files.readAllBytes(record);
            Files.delete(record);
            Thread late = writeLater(record, holder, 200);
            List<String> told = new CopyOnWriteArrayList<>();
            assertThatThrownBy(() -> DirectoryLock.acquire(lockFile, Duration.ZERO, "archivist rotate", told::add))
                    .isInstanceOf(LockUnavailableException.class).hasMessageContaining("archivist backup database");
            late.join();
            assertThat(told).isEmpty();
            assertThat(DirectoryLock.holderOf(lockFile).command()).isEqualTo("archivist backup database");
        }
    }
}
