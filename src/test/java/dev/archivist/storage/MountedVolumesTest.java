package dev.archivist.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.archivist.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Storage on volumes, as containers mount them: real bind mounts, made in a mount namespace of the CLI's own
 * ({@code unshare -m}), so they vanish with it. The storage folder itself a mount point (restored in place, alone or
 * with the database), a volume mounted inside it (refused), and the backup folder mounted inside it a second time
 * (skipped). Needs root (or the right to make mount namespaces).
 */
class MountedVolumesTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void needsMountNamespaces() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("probe-a"));
        Path b = Files.createDirectories(tmp.resolve("probe-b"));
        boolean canMount = StorageFixtures.hasCommand("unshare") && new ProcessBuilder("unshare", "-m", "mount",
                "--bind", a.toString(), b.toString()).redirectErrorStream(true).start().waitFor() == 0;
        Assumptions.assumeTrue(canMount, "bind mounts in a mount namespace need root");
        Files.delete(a);
        Files.delete(b);
    }

    /**
     * A mount point cannot be renamed away, so a live restore switches its entries inside it: the content comes back,
     * the earlier content is kept in the volume as {@code .archivist-before-restore-<id>}, nothing is left beside the
     * folder; the next backup skips the kept tree, and rotation removes it once a newer storage backup exists.
     */
    @Test
    void aLiveRestoreOfAStorageFolderThatIsAMountPointSwitchesItsEntriesInPlace() throws Exception {
        Path volume = folderWithFile(tmp.resolve("volume"), "a.txt", "one");
        Files.writeString(Files.createDirectories(volume.resolve("photos")).resolve("p.jpg"), "pixels");
        Path app = Files.createDirectories(tmp.resolve("app"));
        Path storage = Files.createDirectories(app.resolve("storage"));
        Path backups = tmp.resolve("backups");
        List<Path> binds = List.of(volume, storage);

        CliProcess.Result restore = backupThenRestoreLive(storage, backups, binds, () -> {
            Files.writeString(volume.resolve("a.txt"), "two");
            Files.writeString(volume.resolve("new.txt"), "made after the backup");
        });

        assertThat(restore.exitCode()).as(restore.describe()).isZero();
        assertThat(restore.stdout()).contains("is a mount point");
        assertThat(volume.resolve("a.txt")).hasContent("one");
        assertThat(volume.resolve("photos/p.jpg")).hasContent("pixels");
        assertThat(volume.resolve("new.txt")).doesNotExist();
        Path kept;
        try (Stream<Path> s = Files.list(volume)) {
            kept = s.filter(p -> p.getFileName().toString().startsWith(".archivist-before-restore-")).findFirst()
                    .orElseThrow(() -> new AssertionError("no before-restore folder in " + volume));
        }
        assertThat(kept.resolve("a.txt")).hasContent("two");
        assertThat(kept.resolve("new.txt")).hasContent("made after the backup");
        try (Stream<Path> around = Files.list(app)) {
            assertThat(around.map(p -> p.getFileName().toString())).containsExactly("storage");
        }

        CliProcess.Result next = mounted(storage, backups, binds, "backup", "storage", "--no-rotate", "--json");
        assertThat(next.exitCode()).as(next.describe()).isZero();
        JsonNode m = StorageFixtures.JSON.readTree(next.stdout());
        assertThat(m.path("skipped").get(0).path("path").asText()).isEqualTo(kept.getFileName().toString());
        assertThat(StorageFixtures.readIndex(backups.resolve("storage"), m).keySet())
                .containsExactlyInAnyOrder("a.txt", "photos", "photos/p.jpg");
        CliProcess.Result rotate = mounted(storage, backups, binds, "rotate");
        assertThat(rotate.exitCode()).as(rotate.describe()).isZero();
        assertThat(kept).doesNotExist();
    }

    /** A full restore switches the storage folder's entries in place too, and the database with them. */
    @Test
    void aFullRestoreWithTheStorageFolderAMountPointRestoresBoth() throws Exception {
        Path volume = folderWithFile(tmp.resolve("volume"), "a.txt", "one");
        Path storage = Files.createDirectories(tmp.resolve("app").resolve("storage"));
        Path backups = tmp.resolve("backups");
        Path db = tmp.resolve("app.db");
        dev.archivist.testing.TestDb.create(db, dev.archivist.testing.TestDb.Mode.WAL, 10, 100);
        List<Path> binds = List.of(volume, storage);
        CliProcess.Result made = mounted(storage, backups, binds, "backup", "full", "--no-rotate");
        assertThat(made.exitCode()).as(made.describe()).isZero();
        Files.writeString(volume.resolve("a.txt"), "two");
        try (var c = dev.archivist.testing.TestDb.open(db)) {
            dev.archivist.testing.TestDb.insert(c, 5, 100, 1_000_000);
        }

        CliProcess.Result restore = mounted(storage, backups, binds, "restore", "full", "latest", "--yes");

        assertThat(restore.exitCode()).as(restore.describe()).isZero();
        assertThat(volume.resolve("a.txt")).hasContent("one");
        assertThat(dev.archivist.testing.TestDb.count(db, "items")).isEqualTo(10);
        try (Stream<Path> s = Files.list(volume)) {
            assertThat(s.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.startsWith(".archivist-before-restore-"))
                    .noneMatch(n -> n.startsWith(".archivist-restore-"));
        }
    }

    /** A volume mounted inside the storage folder would leave with the old tree on a swap: refused the same way. */
    @Test
    void aLiveRestoreOfAStorageFolderHoldingAMountIsRefused() throws Exception {
        Path storage = folderWithFile(tmp.resolve("storage"), "a.txt", "one");
        Path uploads = Files.createDirectories(storage.resolve("uploads"));
        Path volume = folderWithFile(tmp.resolve("uploads-volume"), "photo.jpg", "pixels");
        Path backups = tmp.resolve("backups");

        CliProcess.Result restore = backupThenRestoreLive(storage, backups, List.of(volume, uploads), () -> { });

        assertThat(restore.exitCode()).as(restore.describe()).isEqualTo(1);
        assertThat(restore.stderr()).contains("holds mount points (" + uploads + ")");
        assertThat(volume.resolve("photo.jpg")).hasContent("pixels");
        assertThat(storage.resolve("a.txt")).hasContent("one");
        try (Stream<Path> around = Files.list(tmp)) {
            assertThat(around.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".archivist-restore-"));
        }
    }

    /**
     * The backup folder mounted inside the storage folder under another path is still recognised (by device and
     * inode) and skipped as the backup folder: a second backup holds the application's file only, not the first one.
     */
    @Test
    void theBackupFolderBindMountedInsideTheStorageFolderIsNotBackedUp() throws Exception {
        Path storage = folderWithFile(tmp.resolve("storage"), "f.txt", "data");
        Path mountedBackups = Files.createDirectories(storage.resolve("bk"));
        Path backups = Files.createDirectories(tmp.resolve("backups"));

        CliProcess.Result first = mounted(storage, backups, List.of(backups, mountedBackups), "backup", "storage", "--no-rotate");
        assertThat(first.exitCode()).as(first.describe()).isZero();
        CliProcess.Result second = mounted(storage, backups, List.of(backups, mountedBackups), "backup", "storage",
                "--no-rotate", "--json");
        assertThat(second.exitCode()).as(second.describe()).isZero();

        JsonNode m = StorageFixtures.JSON.readTree(second.stdout());
        assertThat(m.path("file_count").asLong()).isEqualTo(1);
        assertThat(m.path("skipped")).hasSize(1);
        assertThat(m.path("skipped").get(0).path("path").asText()).isEqualTo("bk");
        assertThat(m.path("skipped").get(0).path("reason").asText()).isEqualTo("Archivist's backup folder (BACKUP_DIR)");
        assertThat(StorageFixtures.readIndex(backups.resolve("storage"), m).keySet()).containsExactly("f.txt");
        assertThat(second.stderr()).doesNotContain("not stored"); // skipped by design, not data left out
    }

    /** Makes {@code folder} with one file in it. */
    private static Path folderWithFile(Path folder, String file, String content) throws Exception {
        Files.writeString(Files.createDirectories(folder).resolve(file), content);
        return folder;
    }

    /** Something done between the backup and the restore. */
    private interface Step {
        void run() throws Exception;
    }

    /** A storage backup, {@code between}, then a live restore of it, with the same mounts; returns the restore's result. */
    private CliProcess.Result backupThenRestoreLive(Path storage, Path backups, List<Path> binds, Step between)
            throws Exception {
        CliProcess.Result made = mounted(storage, backups, binds, "backup", "storage", "--no-rotate");
        assertThat(made.exitCode()).as(made.describe()).isZero();
        between.run();
        return mounted(storage, backups, binds, "restore", "storage", "latest", "--yes");
    }

    /** Runs the CLI in a mount namespace of its own with {@code binds} (source, mount point, ...) bind-mounted. */
    private CliProcess.Result mounted(Path storage, Path backups, List<Path> binds, String... args) throws Exception {
        Map<String, String> env = Map.of("STORAGE_PATH", storage.toString(), "BACKUP_DIR", backups.toString(),
                "DATABASE_URL", "sqlite:///" + tmp.resolve("app.db"), "JSON_LOGS", "false");
        return StorageFixtures.runWrapped(tmp, env, cmd -> {
            StringBuilder script = new StringBuilder();
            for (int i = 0; i < binds.size(); i += 2) {
                script.append("mount --bind ").append(StorageFixtures.q(binds.get(i))).append(' ')
                        .append(StorageFixtures.q(binds.get(i + 1))).append(" && ");
            }
            script.append("exec \"$@\"");
            List<String> full = new ArrayList<>(List.of("unshare", "-m", "sh", "-c", script.toString(), "sh"));
            full.addAll(cmd);
            return full;
        }, args);
    }
}
