package dev.archivist.testing;

import dev.archivist.catalog.DirectoryLock;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A process that takes a backup directory's lock and keeps it until it is killed: lets a test hold the lock for as
 * long as it needs, whatever the speed of the machine. {@code LockHolder BACKUP_DIR}.
 */
public final class LockHolder {
    private LockHolder() {
    }

    public static void main(String[] args) throws Exception {
        Path lockFile = Path.of(args[0]).resolve(".archivist").resolve("lock");
        try (DirectoryLock ignored = DirectoryLock.acquire(lockFile, Duration.ofMinutes(1), "test lock holder", s -> { })) {
            System.out.println("held");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
