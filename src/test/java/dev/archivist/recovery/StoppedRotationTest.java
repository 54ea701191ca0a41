package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archivist.ArchivistException;
import dev.archivist.BackupService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rotation in a process told to stop ({@code Catalog.refuseCommits()}, which a SIGTERM or Ctrl-C calls) removes no
 * further backup: the one being removed ends whole, the others stay, so the stop report, printed after the stop was
 * asked for, names exactly what was removed. It went on removing backups for up to the 5 s grace, after the report
 * named those removed so far.
 */
class StoppedRotationTest {
    @TempDir
    Path dir;

    @Test
    void aRotationOfAStoppingProcessRemovesNothing() throws Exception {
        Fixture f = new Fixture(dir).database(10).set("MAX_BACKUPS", "1");
        BackupService service = withDatabaseBackups(f, 3);
        Set<String> before = manifests(f);

        service.catalog().refuseCommits();

        assertThatThrownBy(() -> service.rotate(false)).isInstanceOf(ArchivistException.class)
                .hasMessageContaining("rotation stopped before it ended: removed 0 of 2 backups");
        assertThat(manifests(f)).containsExactlyInAnyOrderElementsOf(before);
    }

    @Test
    void noBackupIsRemovedOnceTheStopWasAskedFor() throws Exception {
        int backups = 80;
        Fixture f = new Fixture(dir).database(10).set("MAX_BACKUPS", "1");
        BackupService service = withDatabaseBackups(f, backups);
        AtomicReference<Set<String>> atStop = new AtomicReference<>();
        Thread stopper = new Thread(() -> {
            try {
                while (manifests(f).size() == backups) {
                    Thread.onSpinWait();
                }
                service.catalog().refuseCommits(); // as the stop hook does
                atStop.set(manifests(f));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        stopper.start();
        try {
            service.rotate(false);
        } catch (ArchivistException stopped) {
            assertThat(stopped).hasMessageContaining("rotation stopped before it ended");
        }
        stopper.join();

        assertThat(atStop.get()).as("the stop came while the rotation removed backups").isNotNull().hasSizeLessThan(backups);
        assertThat(manifests(f)).as("what was left when the stop was asked for is left").isEqualTo(atStop.get());
    }

    /**
     * A rotation whose thread is interrupted (a daemon's rotation job aborted by a second Ctrl-C or its shutdown
     * timeout) stops at the next backup, as a backup does: it went on removing every backup of its plan.
     */
    @Test
    void anInterruptedRotationStopsAtTheNextBackup() throws Exception {
        int backups = 80;
        Fixture f = new Fixture(dir).database(10).set("MAX_BACKUPS", "1");
        BackupService service = withDatabaseBackups(f, backups);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread rotation = new Thread(() -> {
            try {
                service.rotate(false);
            } catch (RuntimeException e) {
                failure.set(e);
            }
        });
        rotation.start();
        while (manifests(f).size() == backups && rotation.isAlive()) {
            Thread.onSpinWait();
        }
        rotation.interrupt();
        int atInterrupt = manifests(f).size();
        rotation.join();

        assertThat(atInterrupt).as("the interrupt came while the rotation removed backups").isLessThan(backups);
        assertThat(manifests(f).size()).as("at most the backup being removed when interrupted is gone after it")
                .isGreaterThanOrEqualTo(atInterrupt - 1);
        assertThat(failure.get()).hasMessageContaining("rotation stopped before it ended");
    }

    /** The service of {@code f} once it has taken {@code count} database backups (rotation left to the test). */
    private static BackupService withDatabaseBackups(Fixture f, int count) throws Exception {
        BackupService service = f.service();
        for (int i = 0; i < count; i++) {
            service.backupDatabase(false);
        }
        return service;
    }

    private static Set<String> manifests(Fixture f) throws Exception {
        try (Stream<Path> s = Files.list(f.backups.resolve("database"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).collect(Collectors.toSet());
        }
    }
}
