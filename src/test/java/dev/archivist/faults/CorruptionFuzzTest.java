package dev.archivist.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.archivist.ArchivistException;
import dev.archivist.BackupService;
import dev.archivist.BackupType;
import dev.archivist.NotFoundException;
import dev.archivist.catalog.Durable;
import dev.archivist.catalog.Manifest;
import dev.archivist.testing.CliProcess;
import dev.archivist.verify.VerifyReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corruption fuzz: random single-byte and multi-byte changes, truncations, extensions and deletions of any file of a
 * backup (parts of a split storage archive, the per-file index, manifests, a compressed and an uncompressed database
 * file, the components of a full backup). After each: {@code verify} never reports clean (a manifest that no longer
 * parses makes the backup unfindable, which is "not clean" too), {@code restore} refuses (exit code 1 through
 * {@link ArchivistException}) with the live data unchanged, and refusing deletes no backup data.
 */
@Tag("system")
class CorruptionFuzzTest {
    static final int MUTATIONS = FaultMode.count(50, 400);

    @TempDir
    Path dir;

    /** A backup file to damage and the backup whose verify/restore must notice. */
    record Target(String backupId, BackupType type, Path file) {
    }

    @Test
    void noDamagedBackupVerifiesOrRestores() throws Exception {
        Random random = FaultMode.random("corruption fuzz");
        FaultFixture fx = new FaultFixture(dir).database(400, 600)
                .set("BACKUP_CHUNK_SIZE_MB", "1").set("BACKUP_MAX_SIZE_MB", "1");
        FaultFixture.writeTree(fx.storage, 3, 14, 200_000);
        BackupService service = fx.service();
        Manifest dbZstd = service.backupDatabase(false);
        Manifest storage = service.backupStorage(false, null);
        Manifest full = service.backupFull(false, null);
        Manifest dbPlain = new FaultFixture(dir).set("BACKUP_COMPRESSION", "none").service().backupDatabase(false);
        assertThat(storage.parts()).as("a split archive").hasSizeGreaterThan(1);
        for (Manifest m : service.list(null)) {
            assertThat(service.verify(m, true).problems()).as("pristine %s", m.id()).isEmpty();
        }

        List<Target> targets = new ArrayList<>();
        for (Manifest m : List.of(dbZstd, dbPlain, storage)) {
            addFilesOf(fx, m, m, targets);
        }
        targets.add(new Target(full.id(), BackupType.FULL, fx.catalog().dir(BackupType.FULL).resolve(Manifest.fileName(full.id()))));
        for (BackupType t : List.of(BackupType.DATABASE, BackupType.STORAGE)) {
            Manifest component = service.find(full.component(t).path("id").asText(), t);
            addFilesOf(fx, full, component, targets);
        }

        Path pristine = dir.resolve("pristine");
        copyTree(fx.backups, pristine);
        String liveDb = FaultFixture.dbHash(fx.db);
        String liveTree = FaultFixture.treeHash(fx.storage);
        Map<String, Integer> kinds = new TreeMap<>();
        int noOps = 0;
        for (int i = 0; i < MUTATIONS; i++) {
            Durable.deleteTree(fx.backups);
            copyTree(pristine, fx.backups);
            Target t = targets.get(random.nextInt(targets.size()));
            byte[] before = Files.readAllBytes(t.file());
            String kind = mutate(t.file(), random);
            if (Files.exists(t.file()) && java.util.Arrays.equals(before, Files.readAllBytes(t.file()))) {
                noOps++; // a letter replaced by itself: nothing changed
                continue;
            }
            kinds.merge(kind, 1, Integer::sum);
            String context = "mutation " + (i + 1) + ": " + kind + " of " + fx.backups.relativize(t.file()) + " (backup " + t.backupId() + ")";

            // verify never reports clean
            BackupService s = fx.service();
            Manifest m;
            try {
                m = s.find(t.backupId(), t.type());
            } catch (NotFoundException e) {
                m = null; // the manifest no longer parses: the backup cannot be found, verify by id fails
                assertThat(s.list(null)).extracting(Manifest::id).as(context).doesNotContain(t.backupId());
            }
            if (m != null) {
                VerifyReport report = s.verify(m, true);
                assertThat(report.clean()).as("verify must not be clean; %s", context).isFalse();
            }
            if (i < 2) {
                CliProcess.Result r = fx.cli().run("verify", t.backupId());
                assertThat(r.exitCode()).as("the real CLI: %s; %s", context, r.describe()).isEqualTo(1);
            }

            // restore refuses, the live data stays as it was, and no backup file is deleted by the refusing run
            TreeMap<String, String> files = listing(fx);
            Throwable refused = catchThrowable(() -> {
                switch (t.type()) {
                    case DATABASE -> s.restoreDatabase(t.backupId(), null, true);
                    case STORAGE -> s.restoreStorage(t.backupId(), null, List.of(), true);
                    case FULL -> s.restoreFull(t.backupId(), true);
                }
            });
            assertThat(refused).as("restore must refuse; %s", context).isInstanceOf(ArchivistException.class);
            assertThat(FaultFixture.dbHash(fx.db)).as(context).isEqualTo(liveDb);
            assertThat(FaultFixture.treeHash(fx.storage)).as(context).isEqualTo(liveTree);
            if (Files.exists(t.file()) || !t.file().toString().endsWith(Manifest.SUFFIX)) {
                // (without its manifest a backup does not exist: its files are leftovers by design, like a crashed run's)
                assertThat(listing(fx)).as("a refused restore deletes no backup data; %s; refused with: %s", context, refused.getMessage())
                        .containsAllEntriesOf(files);
            }
        }
        System.err.println("[faults] corruption fuzz: " + kinds + ", " + noOps + " edit(s) that changed nothing skipped");
        assertThat(kinds.values().stream().mapToInt(Integer::intValue).sum()).isGreaterThanOrEqualTo(MUTATIONS * 3 / 4);
    }

    private static void addFilesOf(FaultFixture fx, Manifest owner, Manifest m, List<Target> targets) {
        Path d = fx.catalog().dir(m.type());
        targets.add(new Target(owner.id(), owner.type(), d.resolve(Manifest.fileName(m.id()))));
        for (String f : m.ownedFiles()) {
            targets.add(new Target(owner.id(), owner.type(), d.resolve(f)));
            if (owner == m) {
                targets.add(new Target(owner.id(), owner.type(), d.resolve(f))); // data files twice as likely
            }
        }
    }

    /** Applies one random kind of damage; returns its name. */
    static String mutate(Path file, Random r) throws Exception {
        byte[] b = Files.readAllBytes(file);
        boolean manifest = file.toString().endsWith(".json");
        // manifests: half of the edits keep the JSON valid, so the manifest checksum (not the parser) must catch them
        int choice = manifest && r.nextBoolean() ? 7 : r.nextInt(7);
        switch (choice) {
            case 0, 1 -> {
                int at = r.nextInt(b.length);
                b[at] ^= (byte) (1 + r.nextInt(255));
                Files.write(file, b);
                return "byte flip";
            }
            case 2 -> {
                int len = 2 + r.nextInt(Math.min(64, Math.max(1, b.length - 1)));
                int at = r.nextInt(Math.max(1, b.length - len));
                for (int k = at; k < Math.min(b.length, at + len); k++) {
                    b[k] = (byte) r.nextInt(256);
                }
                b[at] = (byte) ~b[at]; // at least one byte differs
                Files.write(file, b);
                return "multi-byte overwrite";
            }
            case 3 -> {
                Files.write(file, java.util.Arrays.copyOf(b, r.nextInt(b.length)));
                return "truncation";
            }
            case 4 -> {
                Files.delete(file);
                return "deletion";
            }
            case 6 -> {
                // bytes cut out of the middle (in a manifest, a space of its layout is as good as any: an edit all the same)
                int at = r.nextInt(b.length);
                int len = 1 + r.nextInt(Math.min(64, b.length - at));
                byte[] cut = new byte[b.length - len];
                System.arraycopy(b, 0, cut, 0, at);
                System.arraycopy(b, at + len, cut, at, b.length - at - len);
                Files.write(file, cut);
                return "byte deletion";
            }
            case 5 -> {
                byte[] extra = new byte[1 + r.nextInt(512)];
                r.nextBytes(extra);
                Files.write(file, extra, java.nio.file.StandardOpenOption.APPEND);
                return "extension";
            }
            default -> {
                // an edit that keeps the JSON valid: one letter or digit inside a value replaced by another
                List<Integer> candidates = new ArrayList<>();
                for (int k = 0; k < b.length; k++) {
                    if (Character.isLetterOrDigit(b[k])) {
                        candidates.add(k);
                    }
                }
                int at = candidates.get(r.nextInt(candidates.size()));
                byte old = b[at];
                b[at] = Character.isDigit(old) ? (byte) ('0' + (old - '0' + 1 + r.nextInt(9)) % 10) : (byte) (old == 'a' ? 'b' : 'a');
                Files.write(file, b);
                return "valid-JSON manifest edit";
            }
        }
    }


    private static TreeMap<String, String> listing(FaultFixture fx) throws Exception {
        TreeMap<String, String> all = new TreeMap<>();
        for (BackupType t : BackupType.values()) {
            Path d = fx.catalog().dir(t);
            FaultFixture.snapshot(d).forEach((k, v) -> all.put(t.folder() + "/" + k, v));
        }
        return all;
    }

    static void copyTree(Path from, Path to) throws Exception {
        try (var walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
