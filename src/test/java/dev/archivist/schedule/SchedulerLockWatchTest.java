package dev.archivist.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.catalog.DirectoryLock;
import dev.archivist.catalog.Durable;
import dev.archivist.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's lock stays where a second daemon looks for it: removed ({@code rm -rf BACKUP_DIR/.archivist}) it is
 * taken again, so a second daemon still exits 3; taken by another daemon meanwhile (the backup directory moved away and
 * a new one started), this daemon stops. (A second daemon started beside the first and every job ran twice.) The
 * checks are made by the test here, one at a time; the daemon makes one every few seconds.
 */
@Tag("system")
class SchedulerLockWatchTest {
    @TempDir
    Path dir;

    @Test
    void aRemovedLockIsTakenAgainAndOneAnotherDaemonTookStopsThisOne() throws Exception {
        Path backups = dir.resolve("backups");
        Path lockFile = backups.resolve(".archivist").resolve("daemon.lock");
        Files.createDirectories(lockFile.getParent());
        Files.createDirectories(dir.resolve("storage"));
        CliProcess cli = new CliProcess(dir).env(Map.of("DATABASE_URL", "sqlite:///" + dir.resolve("app.db"),
                "STORAGE_PATH", dir.resolve("storage").toString(), "BACKUP_DIR", backups.toString(),
                "BACKUP_DATABASE_ENABLED", "false", "BACKUP_FULL_ENABLED", "false", "BACKUP_ROTATION_ENABLED", "false",
                "JSON_LOGS", "false"));
        AtomicInteger stops = new AtomicInteger();
        DirectoryLock lock = DirectoryLock.tryAcquire(lockFile, "archivist run");
        try (SchedulerLockWatch watch = new SchedulerLockWatch(lock, lockFile, "archivist run", stops::incrementAndGet,
                Long.MAX_VALUE)) {
            watch.check();
            assertThat(lock.stillAtItsPath()).isTrue();

            Durable.deleteTree(backups.resolve(".archivist"));
            assertThat(lock.stillAtItsPath()).isFalse();
            watch.check();
            assertThat(lockFile).exists();
            assertThat(watch.lost()).isFalse();
            CliProcess.Result second = cli.run("run");
            assertThat(second.exitCode()).as(second.describe()).isEqualTo(3);
            assertThat(second.stderr()).contains("another daemon already runs")
                    .contains("pid " + ProcessHandle.current().pid());

            Files.move(backups, dir.resolve("backups.moved"));
            CliProcess.Running other = cli.start("run");
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!other.stderrSoFar().contains("daemon started")) {
                    assertThat(other.process().isAlive()).as(other.stderrSoFar()).isTrue();
                    assertThat(System.nanoTime()).as("the other daemon starts").isLessThan(deadline);
                    Thread.sleep(20);
                }
                assertThat(other.stderrSoFar()).contains("every job is disabled");
                watch.check();
                assertThat(watch.lost()).isTrue();
                assertThat(stops).hasValue(1);
                assertThat(other.process().isAlive()).isTrue();
            } finally {
                other.process().destroyForcibly();
            }
        }
    }

    /**
     * A lock file that is a symlink to a file elsewhere is locked where the link leads, as every process that opens it
     * is: it is still at its path. (It was judged by the link's own inode, so the watch warned every 5 s that the lock
     * had been removed and let go of it and took it again, a moment in which a second daemon could start; and its holder
     * record outlived the lock, naming a holder that was gone.)
     */
    @Test
    void aLockFileThatIsASymlinkStaysHeldAtItsPath() throws Exception {
        Path lockFile = dir.resolve("backups").resolve(".archivist").resolve("daemon.lock");
        Files.createDirectories(lockFile.getParent());
        Path elsewhere = Files.createFile(dir.resolve("shared.lock"));
        Files.createSymbolicLink(lockFile, elsewhere);
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                SchedulerLockWatch.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> events =
                new ch.qos.logback.core.read.ListAppender<>();
        events.start();
        logger.addAppender(events);
        DirectoryLock lock = DirectoryLock.tryAcquire(lockFile, "archivist run");
        try (SchedulerLockWatch watch = new SchedulerLockWatch(lock, lockFile, "archivist run", () -> { }, Long.MAX_VALUE)) {
            assertThat(lock.stillAtItsPath()).isTrue();
            watch.check();
            assertThat(events.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).isEmpty();
        } finally {
            logger.detachAppender(events);
        }
        assertThat(lockFile.resolveSibling("daemon.lock.holder")).as("the holder's record goes with the lock").doesNotExist();
    }

    @Test
    void aRemovedBackupDirectoryIsMadeAgainOwnerOnly() throws Exception {
        Path backups = dir.resolve("backups");
        Path lockFile = backups.resolve(".archivist").resolve("daemon.lock");
        Files.createDirectories(lockFile.getParent());
        DirectoryLock lock = DirectoryLock.tryAcquire(lockFile, "archivist run");
        try (SchedulerLockWatch watch = new SchedulerLockWatch(lock, lockFile, "archivist run", () -> { },
                Long.MAX_VALUE)) {
            Durable.deleteTree(backups);
            watch.check();
            assertThat(lockFile).exists();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backups))).isEqualTo("rwx------");
        }
    }
}
