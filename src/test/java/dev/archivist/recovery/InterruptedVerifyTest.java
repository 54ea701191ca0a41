package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.ArchivistException;
import dev.archivist.BackupService;
import dev.archivist.BackupType;
import dev.archivist.catalog.Manifest;
import dev.archivist.testing.TestDb;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An application embedding the library stops a deep verify by interrupting its thread, as it stops a backup: the
 * verify of a database, storage or full backup, with each codec, ends with an {@link ArchivistException} instead of a
 * report, keeps the interrupt, records nothing (an interrupted check is no verdict: the earlier clean result stays) and
 * leaves no decompressed copy behind. It ran to its end on a database backup (a clean report), and on a storage backup
 * it returned the cut-short read as damage ("cannot read the compressed tar stream", every file "beyond the damage").
 */
class InterruptedVerifyTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"zstd", "gz", "xz", "none"})
    void anInterruptedDeepVerifyStopsWithNoVerdictAndNoCopyLeft(String codec) throws Exception {
        Fixture f = new Fixture(dir).set("BACKUP_COMPRESSION", codec)
                .set("BACKUP_COMPRESSION_LEVEL", codec.equals("xz") ? "0" : "").storage(5, 24_000_000);
        TestDb.createBig(f.db, TestDb.Mode.WAL, 24);
        Fixture.Run backup = f.cli("backup", "full", "--no-rotate");
        assertThat(backup.exitCode()).as(backup.describe()).isZero();
        BackupService service = f.service();
        Manifest full = service.list(BackupType.FULL).get(0);
        assertThat(service.verify(full, true).clean()).isTrue(); // on record: clean, deep
        Map<String, String> recorded = records(f);
        assertThat(recorded).hasSize(3);
        List<String> parts = new ArrayList<>();
        for (BackupType t : List.of(BackupType.DATABASE, BackupType.STORAGE)) {
            service.list(t).get(0).parts().forEach(p -> parts.add(p.path()));
        }

        for (BackupType t : List.of(BackupType.DATABASE, BackupType.STORAGE, BackupType.FULL)) {
            Manifest m = service.list(t).get(0);
            for (boolean whileReading : List.of(false, true)) {
                String what = codec + " " + t.wireName() + (whileReading ? ", interrupted while reading" : ", interrupted before");
                Outcome o = verifyInterrupted(service, m, whileReading, parts);
                assertThat(o.thrown()).as(what + ": " + o.report()).isInstanceOf(ArchivistException.class)
                        .hasMessageContaining("stopped");
                assertThat(o.interruptKept()).as(what).isTrue();
                assertThat(records(f)).as(what + ": nothing recorded").isEqualTo(recorded);
                assertThat(scratchCopies(f)).as(what + ": copies left").isEmpty();
            }
        }
        assertThat(service.verify(full, true).clean()).as("an uninterrupted verify after them").isTrue();
    }

    record Outcome(Throwable thrown, Object report, boolean interruptKept) {
    }

    /**
     * Verifies {@code m} deeply on a thread of its own, interrupted before it begins or, {@code whileReading}, once it
     * has one of {@code parts} open (a watcher looks at this process's open files).
     */
    private static Outcome verifyInterrupted(BackupService service, Manifest m, boolean whileReading, List<String> parts)
            throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Object> report = new AtomicReference<>();
        AtomicBoolean kept = new AtomicBoolean();
        Thread verify = new Thread(() -> {
            if (!whileReading) {
                Thread.currentThread().interrupt();
            }
            try {
                report.set(service.verify(m, true));
            } catch (RuntimeException e) {
                thrown.set(e);
            }
            kept.set(Thread.currentThread().isInterrupted());
        });
        verify.start();
        if (whileReading) {
            while (verify.isAlive() && !hasOpen(parts)) {
                Thread.onSpinWait();
            }
            verify.interrupt();
        }
        verify.join();
        return new Outcome(thrown.get(), report.get(), kept.get());
    }

    /** Whether this process has a file named one of {@code names} open. */
    private static boolean hasOpen(List<String> names) {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    return target.getFileName() != null && names.contains(target.getFileName().toString());
                } catch (IOException | RuntimeException e) {
                    return false; // closed meanwhile
                }
            });
        } catch (IOException e) {
            return false;
        }
    }

    private static Map<String, String> records(Fixture f) throws IOException {
        Map<String, String> all = new TreeMap<>();
        Path verified = f.backups.resolve(".archivist/verified");
        try (Stream<Path> files = Files.list(verified)) {
            for (Path p : files.toList()) {
                all.put(p.getFileName().toString(), Files.readString(p));
            }
        }
        return all;
    }

    /** This process's decompressed copies for integrity_check, in the state folder or the temporary one. */
    private static Set<String> scratchCopies(Fixture f) throws IOException {
        try (Stream<Path> files = Stream.concat(Files.list(f.backups.resolve(".archivist")),
                Files.list(Path.of(System.getProperty("java.io.tmpdir"))))) {
            return Set.copyOf(files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("archivist-verify-") && n.contains("-" + ProcessHandle.current().pid() + "-"))
                    .toList());
        }
    }
}
