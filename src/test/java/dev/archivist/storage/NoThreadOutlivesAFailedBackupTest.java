package dev.archivist.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.ArchivistException;
import dev.archivist.BackupService;
import dev.archivist.archive.ProgressListener;
import dev.archivist.config.SettingsLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application embedding the library sees no thread of a storage backup left once {@code backupStorage()} has
 * thrown: the gzip pool's workers and the archive's writer thread outlived the failed backup (by up to seconds for a
 * worker compressing a block), threads the application never started, and the writer could still be writing into the
 * parts the failure was removing.
 */
class NoThreadOutlivesAFailedBackupTest {
    @TempDir
    Path tmp;

    @Test
    void anInterruptedGzipStorageBackupLeavesNoThreadOfItsOwn() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        Random r = new Random(3);
        for (int f = 0; f < 8; f++) { // text: compressing it keeps the gzip workers busy
            StringBuilder sb = new StringBuilder();
            while (sb.length() < 3 << 20) {
                sb.append(Integer.toString(r.nextInt(1 << 20), 36)).append(r.nextInt(8) == 0 ? '\n' : ' ');
            }
            Files.writeString(storage.resolve("f" + f + ".txt"), sb, StandardCharsets.US_ASCII);
        }
        BackupService service = new BackupService(SettingsLoader.load(Map.of("STORAGE_PATH", storage.toString(),
                "BACKUP_DIR", tmp.resolve("backups").toString(), "DATABASE_URL", tmp.resolve("app.db").toString(),
                "BACKUP_COMPRESSION", "gz"), tmp.resolve("no.env"), false, Map.of()), Clock.systemUTC(), n -> { });

        for (int round = 0; round < 5; round++) {
            Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            List<String> left = new ArrayList<>();
            Thread backup = new Thread(() -> {
                Thread me = Thread.currentThread();
                ProgressListener stopAtFirstBytes = new ProgressListener() {
                    @Override
                    public void progress(long bytes, long files) {
                    }

                    @Override
                    public void stored(long archiveBytes) {
                        me.interrupt(); // as a daemon's shutdown stops a running job
                    }
                };
                try {
                    service.backupStorage(false, stopAtFirstBytes);
                } catch (RuntimeException e) {
                    thrown.set(e);
                }
                Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t != me && !before.contains(t) && t.isAlive())
                        .map(Thread::getName)
                        .filter(n -> n.startsWith("gzip-") || n.startsWith("archive-write"))
                        .forEach(left::add);
            });
            backup.start();
            backup.join();

            assertThat(thrown.get()).as("round %d", round).isInstanceOf(ArchivistException.class)
                    .hasMessageContaining("interrupted");
            assertThat(left).as("round %d: threads of the backup alive when it threw", round).isEmpty();
        }
    }
}
