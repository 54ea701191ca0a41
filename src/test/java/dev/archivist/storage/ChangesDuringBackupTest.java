package dev.archivist.storage;

import static dev.archivist.storage.StorageFixtures.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.archivist.BackupService;
import dev.archivist.archive.IndexEntry;
import dev.archivist.archive.ProgressListener;
import dev.archivist.catalog.Manifest;
import dev.archivist.config.Settings;
import dev.archivist.config.SettingsLoader;
import dev.archivist.testing.CliProcess;
import dev.archivist.verify.VerifyReport;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3 acceptance: files that change or disappear while a storage backup runs. A changed file is recorded in
 * {@code changed} and the backup stays valid ({@code verify} is clean: the index holds the SHA-256 of the bytes actually
 * stored); a file deleted between the walk and its reading is recorded in {@code skipped} as {@code vanished} and the
 * backup succeeds. Once deterministically through the service (a progress callback mutates the tree between entries),
 * once racing a real CLI process with a concurrent writer and deleter.
 */
@Tag("system")
class ChangesDuringBackupTest {
    @TempDir
    Path tmp;

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private Settings settings(Path storage, Path backups, String codec) {
        return SettingsLoader.load(Map.of("STORAGE_PATH", storage.toString(), "BACKUP_DIR", backups.toString(),
                "DATABASE_URL", tmp.resolve("app.db").toString(), "BACKUP_COMPRESSION", codec),
                tmp.resolve("no.env"), false, Map.of());
    }

    @Test
    void changedAndVanishedFilesAreRecordedAndTheBackupVerifiesClean() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        Path backups = tmp.resolve("backups");
        byte[] first = random(3 << 20, 1);
        byte[] grows = random(3 << 20, 2);
        byte[] rewritten = random(2 << 20, 3);
        byte[] rewrittenNew = random(2 << 20, 4);
        Files.write(storage.resolve("a-first.bin"), first);
        Files.write(storage.resolve("b-grows.bin"), grows);
        Files.write(storage.resolve("c-rewritten.bin"), rewritten);
        Files.write(storage.resolve("d-gone.bin"), random(2 << 20, 5));
        Files.writeString(storage.resolve("e-last.txt"), "last\n");
        Files.createDirectories(storage.resolve("f-dir"));
        for (int i = 0; i < 20; i++) {
            Files.writeString(storage.resolve("f-dir/small" + i), "small " + i);
        }
        StorageFixtures.setMtimes(storage, 1_700_000_000L);
        FileTime rewrittenTime = Files.getLastModifiedTime(storage.resolve("c-rewritten.bin"));

        // after the first entry is stored (the walk has long seen the rest): b grows, c is rewritten in place with
        // the same size and a new mtime, d is deleted
        Manifest m = backUpChangingTheTreeOnce(storage, backups, () -> {
            try (OutputStream out = Files.newOutputStream(storage.resolve("b-grows.bin"), StandardOpenOption.APPEND)) {
                out.write(random(100_000, 6));
            }
            Files.write(storage.resolve("c-rewritten.bin"), rewrittenNew);
            Files.setLastModifiedTime(storage.resolve("c-rewritten.bin"),
                    FileTime.fromMillis(rewrittenTime.toMillis() + 60_000));
            Files.delete(storage.resolve("d-gone.bin"));
        });
        BackupService service = new BackupService(settings(storage, backups, "zstd"), Clock.systemUTC(), n -> { });
        JsonNode j = m.json();

        Map<String, String> changed = byPath(j.path("changed"));
        assertThat(changed).containsOnlyKeys("b-grows.bin", "c-rewritten.bin");
        assertThat(changed.get("b-grows.bin")).contains("grew");
        assertThat(changed.get("c-rewritten.bin")).contains("changed");
        assertThat(j.path("skipped")).hasSize(1);
        assertThat(j.path("skipped").get(0).path("path").asText()).isEqualTo("d-gone.bin");
        assertThat(j.path("skipped").get(0).path("reason").asText()).isEqualTo("vanished");
        assertThat(j.path("file_count").asLong()).isEqualTo(4 + 20);

        // valid: the service's deep verification and the CLI's both find it clean
        VerifyReport report = service.verify(m, true);
        assertThat(report.problems()).isEmpty();
        assertThat(report.clean()).isTrue();
        CliProcess.Result v = StorageFixtures.cli(tmp, storage, backups).run("verify", m.id());
        assertThat(v.exitCode()).as(v.describe()).isZero();

        // what was stored: b cut to the size it had when walked, c's new content, no d
        Path dir = backups.resolve("storage");
        Path out = StorageFixtures.extractWithStockTools(StorageFixtures.partPaths(dir, j), "zstd", tmp.resolve("out"));
        assertThat(Files.readAllBytes(out.resolve("a-first.bin"))).isEqualTo(first);
        assertThat(Files.readAllBytes(out.resolve("b-grows.bin"))).isEqualTo(grows);
        assertThat(Files.readAllBytes(out.resolve("c-rewritten.bin"))).isEqualTo(rewrittenNew);
        assertThat(out.resolve("d-gone.bin")).doesNotExist();
        assertThat(out.resolve("e-last.txt")).hasContent("last\n");
        Map<String, IndexEntry> index = StorageFixtures.readIndex(dir, j);
        assertThat(index).doesNotContainKey("d-gone.bin");
        assertThat(index.get("b-grows.bin").sha256()).isEqualTo(StorageFixtures.sha256(grows));
        assertThat(index.get("b-grows.bin").size()).isEqualTo(grows.length);
        assertThat(index.get("c-rewritten.bin").sha256()).isEqualTo(StorageFixtures.sha256(rewrittenNew));
    }

    /**
     * A file rewritten in place with the same size and its mtime set back ({@code touch -r}, an editor or a sync tool
     * keeping times) is recorded as changed: only its status change time tells, which GNU tar compares too ("file
     * changed as we read it"). The backup stays valid and holds the bytes read.
     */
    @Test
    void aFileRewrittenWithItsSizeAndMtimeKeptIsRecordedAsChanged() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        Path backups = tmp.resolve("backups");
        byte[] rewrittenNew = random(2 << 20, 8);
        Files.write(storage.resolve("a-first.bin"), random(3 << 20, 7));
        Files.write(storage.resolve("b-same-size.bin"), random(2 << 20, 9));
        Files.writeString(storage.resolve("c-last.txt"), "last\n");
        StorageFixtures.setMtimes(storage, 1_700_000_000L);
        Path sameSize = storage.resolve("b-same-size.bin");
        FileTime kept = Files.getLastModifiedTime(sameSize);

        Manifest m = backUpChangingTheTreeOnce(storage, backups, () -> {
            Thread.sleep(20); // a status change time of its own, on file systems with coarse timestamps too
            try (OutputStream out = Files.newOutputStream(sameSize, StandardOpenOption.WRITE)) {
                out.write(rewrittenNew);
            }
            Files.setLastModifiedTime(sameSize, kept);
        });
        assertThat(Files.size(sameSize)).isEqualTo(rewrittenNew.length);
        assertThat(Files.getLastModifiedTime(sameSize)).isEqualTo(kept);

        JsonNode j = m.json();
        Map<String, String> changed = byPath(j.path("changed"));
        assertThat(changed).containsOnlyKeys("b-same-size.bin");
        assertThat(changed.get("b-same-size.bin")).isEqualTo("file changed while being read");
        assertThat(j.path("skipped")).isEmpty();
        BackupService service = new BackupService(settings(storage, backups, "zstd"), Clock.systemUTC(), n -> { });
        assertThat(service.verify(m, true).problems()).isEmpty();
        Map<String, IndexEntry> index = StorageFixtures.readIndex(backups.resolve("storage"), j);
        assertThat(index.get("b-same-size.bin").sha256()).isEqualTo(StorageFixtures.sha256(rewrittenNew));
    }

    /**
     * Large files the application replaces after the walk listed them and before they are read (a new file renamed
     * over each: an atomic save, one smaller, one larger): each is stored whole as the new file, with its own size and
     * time, as GNU tar stores what it opens; not the new content padded with zeros or cut to the size of the file it
     * replaced (a torn image or document, recorded as "shrank" or "grew" while it never changed while read).
     */
    @Test
    void filesReplacedBeforeTheyAreReadAreStoredWholeAsTheNewFile() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        Path backups = tmp.resolve("backups");
        byte[] smaller = random(1536 << 10, 21);
        byte[] larger = random(3 << 20, 22);
        Files.write(storage.resolve("a-first.bin"), random(3 << 20, 19));
        Files.write(storage.resolve("b-saved-smaller.bin"), random(2 << 20, 20));
        Files.write(storage.resolve("c-saved-larger.bin"), random(2 << 20, 23));
        StorageFixtures.setMtimes(storage, 1_700_000_000L);

        Manifest m = backUpChangingTheTreeOnce(storage, backups, () -> {
            for (String name : List.of("b-saved-smaller.bin", "c-saved-larger.bin")) {
                atomicSave(storage.resolve(name), name.startsWith("b") ? smaller : larger);
            }
        });
        JsonNode j = m.json();
        assertThat(j.path("changed")).isEmpty();
        Checked checked = verifiedAndExtracted(storage, backups, m);
        Map<String, IndexEntry> index = checked.index();
        assertThat(index.get("b-saved-smaller.bin").size()).isEqualTo(smaller.length);
        assertThat(index.get("b-saved-smaller.bin").sha256()).isEqualTo(StorageFixtures.sha256(smaller));
        assertThat(index.get("c-saved-larger.bin").size()).isEqualTo(larger.length);
        assertThat(index.get("c-saved-larger.bin").mtime())
                .isEqualTo(Files.getLastModifiedTime(storage.resolve("c-saved-larger.bin")).toMillis());
        Path out = checked.extracted();
        assertThat(Files.readAllBytes(out.resolve("b-saved-smaller.bin"))).isEqualTo(smaller);
        assertThat(Files.readAllBytes(out.resolve("c-saved-larger.bin"))).isEqualTo(larger);
    }

    /**
     * A hard-linked file whose first name the application replaces (a new file renamed over it: an atomic save) after
     * the walk saw both names: the other name, untouched, keeps its own content in the backup, never stored as a link
     * to the replacing file's content it never had. Before, the other name was stored as a hard link to the first
     * one's new content, silently: no other file's change was recorded.
     */
    @Test
    void aHardLinkedFileReplacedUnderOneNameKeepsItsOtherNamesContent() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        Path backups = tmp.resolve("backups");
        byte[] original = random(2 << 20, 16);
        byte[] replacement = random(2 << 20, 17);
        Files.write(storage.resolve("a-first.bin"), random(3 << 20, 18));
        Files.write(storage.resolve("b-saved.bin"), original);
        Files.createLink(storage.resolve("c-other-name.bin"), storage.resolve("b-saved.bin"));

        Manifest m = backUpChangingTheTreeOnce(storage, backups, () -> {
            atomicSave(storage.resolve("b-saved.bin"), replacement);
        });
        JsonNode j = m.json();
        // the replaced name is stored whole as the new file; the other name is read itself: recorded as changed, since
        // its link count (its status change time) changed after the walk
        assertThat(byPath(j.path("changed"))).containsOnlyKeys("c-other-name.bin");
        Checked checked = verifiedAndExtracted(storage, backups, m);
        assertThat(checked.index().get("c-other-name.bin").sha256()).isEqualTo(StorageFixtures.sha256(original));
        Path out = checked.extracted();
        assertThat(Files.readAllBytes(out.resolve("c-other-name.bin"))).isEqualTo(original);
        assertThat(Files.readAllBytes(out.resolve("b-saved.bin"))).isEqualTo(replacement);
    }

    /**
     * Symlinks the application replaces after the walk listed them, one by a folder and one by a file, are skipped
     * with what replaced them (as files are), not as "vanished": their names never went away.
     */
    @Test
    void symlinksReplacedWhileTheBackupRunsAreSkippedWithWhatReplacedThem() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        Path backups = tmp.resolve("backups");
        Files.write(storage.resolve("a-first.bin"), random(3 << 20, 15));
        Files.createSymbolicLink(storage.resolve("b-link-becomes-dir"), Path.of("a-first.bin"));
        Files.createSymbolicLink(storage.resolve("c-link-becomes-file"), Path.of("a-first.bin"));
        Files.writeString(storage.resolve("d-last.txt"), "last\n");

        Manifest m = backUpChangingTheTreeOnce(storage, backups, () -> {
            Files.delete(storage.resolve("b-link-becomes-dir"));
            Files.createDirectories(storage.resolve("b-link-becomes-dir"));
            Files.delete(storage.resolve("c-link-becomes-file"));
            Files.writeString(storage.resolve("c-link-becomes-file"), "a file now");
        });
        Map<String, String> skipped = byPath(m.json().path("skipped"));
        assertThat(skipped).containsOnlyKeys("b-link-becomes-dir", "c-link-becomes-file");
        assertThat(skipped.get("b-link-becomes-dir")).isEqualTo("replaced by a folder while the backup ran");
        assertThat(skipped.get("c-link-becomes-file")).isEqualTo("replaced by a file while the backup ran");
        BackupService service = new BackupService(settings(storage, backups, "zstd"), Clock.systemUTC(), n -> { });
        assertThat(service.verify(m, true).problems()).isEmpty();
    }

    /**
     * After the walk has seen them, a file shrinks, one is replaced by a folder, one by a symlink to a file outside
     * the storage folder, and a folder goes: the backup succeeds, never stores the outside file's content (the link
     * is not followed), records what it could not store, and verifies clean; GNU tar extracts it.
     */
    @Test
    void entriesCutOrReplacedWhileTheBackupRunsAreNeverFollowedAndTheBackupStaysValid() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        Path backups = tmp.resolve("backups");
        byte[] shrinks = random(2 << 20, 11);
        byte[] secret = random(3 << 20, 12);
        Path outside = tmp.resolve("outside-secret.bin");
        Files.write(outside, secret);
        Files.write(storage.resolve("a-first.bin"), random(3 << 20, 10));
        Files.write(storage.resolve("g-shrinks.bin"), shrinks);
        Files.write(storage.resolve("h-becomes-dir.bin"), random(2 << 20, 13));
        Files.write(storage.resolve("i-becomes-link.bin"), random(2 << 20, 14));
        Files.createDirectories(storage.resolve("j-folder"));
        for (int i = 0; i < 10; i++) {
            Files.writeString(storage.resolve("j-folder/small" + i), "small " + i);
        }
        Files.writeString(storage.resolve("k-last.txt"), "last\n");

        Manifest m = backUpChangingTheTreeOnce(storage, backups, () -> {
            try (var ch = java.nio.channels.FileChannel.open(storage.resolve("g-shrinks.bin"), StandardOpenOption.WRITE)) {
                ch.truncate(1000);
            }
            Files.delete(storage.resolve("h-becomes-dir.bin"));
            Files.createDirectories(storage.resolve("h-becomes-dir.bin"));
            Files.writeString(storage.resolve("h-becomes-dir.bin/inside.txt"), "inside");
            Files.delete(storage.resolve("i-becomes-link.bin"));
            Files.createSymbolicLink(storage.resolve("i-becomes-link.bin"), outside);
            StorageFixtures.sh("rm -rf " + StorageFixtures.q(storage.resolve("j-folder")));
        });
        JsonNode j = m.json();

        Map<String, String> changed = byPath(j.path("changed"));
        Map<String, String> skipped = byPath(j.path("skipped"));
        assertThat(changed).containsKey("g-shrinks.bin");
        Checked checked = verifiedAndExtracted(storage, backups, m);
        Map<String, IndexEntry> index = checked.index();
        String secretSha = StorageFixtures.sha256(secret);
        assertThat(index.values()).noneMatch(e -> secretSha.equals(e.sha256()));
        assertThat(index).doesNotContainKey("i-becomes-link.bin");
        assertThat(skipped).containsEntry("h-becomes-dir.bin", "replaced by a folder while the backup ran")
                .containsEntry("i-becomes-link.bin", "replaced by a symlink while the backup ran (not followed)");
        Path out = checked.extracted();
        try (Stream<Path> s = Files.walk(out)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    assertThat(StorageFixtures.sha256(p)).as(p.toString()).isNotEqualTo(secretSha);
                }
            }
        }
        assertThat(Files.readAllBytes(out.resolve("g-shrinks.bin"))).startsWith(Arrays.copyOf(shrinks, 1000));
        assertThat(index.get("g-shrinks.bin").sha256()).isEqualTo(StorageFixtures.sha256(out.resolve("g-shrinks.bin")));
        assertThat(out.resolve("k-last.txt")).hasContent("last\n");
        for (int i = 0; i < 10; i++) { // read ahead before the folder went, or recorded as gone
            String name = "j-folder/small" + i;
            assertThat(Files.exists(out.resolve(name)) || skipped.containsKey(name)).as(name).isTrue();
        }
    }

    /**
     * A real CLI process while another thread appends to one big file and deletes others as soon as the archive
     * starts being written. Races are timing-dependent: up to three attempts until both cases were hit; every attempt
     * must succeed, record only "vanished" skips, and verify clean.
     */
    @Test
    void racingARealProcessRecordsChangesAndVanishedFilesAndStaysValid() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        List<byte[]> contents = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            byte[] b = random(2 << 20, 100 + i);
            contents.add(b);
            Files.write(storage.resolve(String.format("f%02d.bin", i)), b);
        }
        boolean bothSeen = false;
        for (int attempt = 1; attempt <= 3 && !bothSeen; attempt++) {
            for (int i = 0; i < 32; i++) { // restore the tree
                Files.write(storage.resolve(String.format("f%02d.bin", i)), contents.get(i));
            }
            Path backups = tmp.resolve("backups-" + attempt);
            Path storageDir = backups.resolve("storage");
            AtomicBoolean stop = new AtomicBoolean();
            Thread racer = new Thread(() -> race(storage, storageDir, stop), "racer");
            racer.setDaemon(true);
            racer.start();
            CliProcess.Result r;
            try {
                r = StorageFixtures.cli(tmp, storage, backups).env("BACKUP_COMPRESSION", "gz")
                        .run("backup", "storage", "--json", "--no-rotate");
            } finally {
                stop.set(true);
                racer.join();
            }
            assertThat(r.exitCode()).as(r.describe()).isZero();
            JsonNode m = JSON.readTree(r.stdout());
            assertThat(m.path("skipped")).allSatisfy(s -> assertThat(s.path("reason").asText()).isEqualTo("vanished"));
            List<String> changed = new ArrayList<>();
            m.path("changed").forEach(c -> changed.add(c.path("path").asText()));
            assertThat(changed).isSubsetOf("f16.bin");
            if (!changed.isEmpty()) { // as GNU tar's "file changed as we read it", a warning for log-based alerting
                assertThat(r.stderr()).as(r.describe()).containsPattern("WARN[^\n]*1 file changed while being read, stored"
                        + " as read \\(see changed in the manifest\\), e\\.g\\. f16\\.bin");
            }

            CliProcess.Result v = StorageFixtures.cli(tmp, storage, backups).run("verify", m.path("id").asText());
            assertThat(v.exitCode()).as(v.describe()).isZero();
            Path out = StorageFixtures.extractWithStockTools(StorageFixtures.partPaths(storageDir, m), "gz",
                    tmp.resolve("out-" + attempt));
            long extracted;
            try (Stream<Path> s = Files.list(out)) {
                extracted = s.count();
            }
            assertThat(extracted).isEqualTo(m.path("file_count").asLong());
            // a file deleted before the walk reached it is simply not there; one deleted after is recorded
            assertThat(extracted + m.path("skipped").size()).isBetween(20L, 32L);
            for (int i = 0; i < 32; i++) {
                Path f = out.resolve(String.format("f%02d.bin", i));
                if (Files.exists(f)) {
                    byte[] stored = Files.readAllBytes(f);
                    byte[] original = contents.get(i);
                    assertThat(stored.length).isGreaterThanOrEqualTo(original.length);
                    assertThat(Arrays.copyOf(stored, original.length)).as(f.toString()).isEqualTo(original);
                }
            }
            bothSeen = m.path("skipped").size() > 0 && changed.contains("f16.bin");
        }
        assertThat(bothSeen).as("in three attempts, a vanished file and a changed file were recorded").isTrue();
    }

    /** What changes the tree, once, while a backup runs. */
    interface TreeChange {
        void apply() throws Exception;
    }

    /**
     * A storage backup through the service that applies {@code change} once, when the first file is stored (the
     * walk has long seen the rest: it runs ahead, and is given 100 ms more); fails if the change failed.
     */
    private Manifest backUpChangingTheTreeOnce(Path storage, Path backups, TreeChange change) {
        AtomicReference<Throwable> callbackError = new AtomicReference<>();
        AtomicBoolean changed = new AtomicBoolean();
        ProgressListener changeOnce = (bytes, files) -> {
            // progress also comes while a large file is read: change once, when the first file is stored
            if (files != 1 || !changed.compareAndSet(false, true)) {
                return;
            }
            try {
                Thread.sleep(100);
                change.apply();
            } catch (Exception e) {
                callbackError.set(e);
            }
        };
        Manifest m = new BackupService(settings(storage, backups, "zstd"), Clock.systemUTC(), n -> { })
                .backupStorage(false, changeOnce);
        assertThat(callbackError.get()).isNull();
        return m;
    }

    /** What an application's atomic save does: {@code content} written to a new file renamed over {@code file}. */
    private static void atomicSave(Path file, byte[] content) throws java.io.IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, content);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** A manifest list of {@code {path, reason}} as a map. */
    private static Map<String, String> byPath(JsonNode entries) {
        Map<String, String> m = new HashMap<>();
        entries.forEach(c -> m.put(c.path("path").asText(), c.path("reason").asText()));
        return m;
    }

    /** Waits for the archive's first part to appear, then deletes f20..f31 and keeps appending to f16. */
    private static void race(Path storage, Path storageDir, AtomicBoolean stop) {
        try {
            while (!stop.get() && !archiveStarted(storageDir)) {
                Thread.sleep(1);
            }
            if (stop.get()) {
                return;
            }
            for (int i = 20; i < 32; i++) {
                Files.deleteIfExists(storage.resolve(String.format("f%02d.bin", i)));
            }
            byte[] more = new byte[64 << 10];
            while (!stop.get()) {
                try (OutputStream out = Files.newOutputStream(storage.resolve("f16.bin"), StandardOpenOption.APPEND)) {
                    out.write(more);
                }
                Thread.sleep(2);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean archiveStarted(Path storageDir) {
        if (!Files.isDirectory(storageDir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(storageDir)) {
            return s.anyMatch(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(".tmp-storage_backup_") && n.contains(".tar");
            });
        } catch (IOException e) {
            return false;
        }
    }

    /** A backup's per-file index and its tree as GNU tar extracts it. */
    private record Checked(Map<String, IndexEntry> index, Path extracted) {
    }

    /** Checks that zstd storage backup {@code m} passes a deep verify; its index and its tree extracted by stock tools. */
    private Checked verifiedAndExtracted(Path storage, Path backups, Manifest m) throws Exception {
        BackupService service = new BackupService(settings(storage, backups, "zstd"), Clock.systemUTC(), n -> { });
        assertThat(service.verify(m, true).problems()).isEmpty();
        Path dir = backups.resolve("storage");
        return new Checked(StorageFixtures.readIndex(dir, m.json()),
                StorageFixtures.extractWithStockTools(StorageFixtures.partPaths(dir, m.json()), "zstd", tmp.resolve("out")));
    }
}
