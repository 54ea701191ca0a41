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
 * ({@code unshare -m}), so they vanish with it. The storage folder itself a mount point, a volume mounted inside it,
 * and the backup folder mounted inside it a second time. Needs root (or the right to make mount namespaces).
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
     * A live restore cannot rename a mount point away: it is refused at once, before anything is extracted, naming the
     * way out; the live data and the folder around it are as they were (no journal, no staging left).
     */
    @Test
    void aLiveRestoreOfAStorageFolderThatIsAMountPointIsRefusedAndChangesNothing() throws Exception {
        Path volume = folderWithFile(tmp.resolve("volume"), "a.txt", "one");
        Path app = Files.createDirectories(tmp.resolve("app"));
        Path storage = Files.createDirectories(app.resolve("storage"));
        Path backups = tmp.resolve("backups");

        CliProcess.Result restore = backupThenRestoreLive(storage, backups, List.of(volume, storage),
                () -> Files.writeString(volume.resolve("a.txt"), "two"));

        assertThat(restore.exitCode()).as(restore.describe()).isEqualTo(1);
        assertThat(restore.stderr()).contains(storage + " is a mount point").contains("--target")
                .contains("nothing was changed");
        assertThat(volume.resolve("a.txt")).hasContent("two");
        try (Stream<Path> around = Files.list(app)) {
            assertThat(around.map(p -> p.getFileName().toString())).containsExactly("storage");
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
