package dev.archivist.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A storage restore holds only the folders on its current path and the files hard links name, whatever the number of
 * files: it extracts in step with the index. Before, it kept about 550 bytes a file until the end (1,000,000 files:
 * 646 MiB peak RSS), so the number of files it could restore was bounded by the heap.
 */
class FlatMemoryRestoreTest {
    @TempDir
    Path tmp;
    private Path locked;

    @AfterEach
    void unlock() throws Exception {
        if (locked != null && Files.exists(locked)) {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------")); // for the cleanup
        }
    }

    @Test
    void sixtyThousandFilesRestoreInAHeapTooSmallToListThem() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        for (int d = 0; d < 300; d++) {
            Path folder = Files.createDirectory(storage.resolve(String.format("folder-%03d", d)));
            for (int i = 0; i < 200; i++) {
                Files.writeString(folder.resolve(String.format("upload-%04d.txt", i)), d + "/" + i);
            }
        }
        Path backups = tmp.resolve("backups");
        CliProcess.Result made = StorageFixtures.cli(tmp, storage, backups).run("backup", "storage", "--no-rotate");
        assertThat(made.exitCode()).as(made.describe()).isZero();

        // 24 MiB: the restore's own buffers fit, 60,000 files at ~550 bytes each (33 MiB) did not
        Path target = tmp.resolve("restored");
        CliProcess.Result restored = StorageFixtures.cli(tmp, storage, backups).jvmArg("-Xmx24m")
                .timeout(Duration.ofMinutes(5)).run("restore", "storage", "latest", "--target", target.toString());
        assertThat(restored.exitCode()).as(restored.describe()).isZero();
        assertThat(restored.stdout()).contains("extracted 60000 files").contains("compared each with the index");
        assertThat(target.resolve("folder-000/upload-0000.txt")).hasContent("0/0");
        assertThat(target.resolve("folder-299/upload-0199.txt")).hasContent("299/199");
        try (var files = Files.walk(target)) {
            assertThat(files.filter(Files::isRegularFile).count()).isEqualTo(60_000);
        }
    }

    @Test
    void aFolderThatLocksItsOwnerOutGetsItsModeLastSoALaterHardLinkToItsFileWorks() throws Exception {
        boolean root = StorageFixtures.runningAsRoot();
        Assumptions.assumeTrue(!root || StorageFixtures.hasCommand("setpriv"),
                "running as root without setpriv: permission bits do not bind");
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        locked = Files.createDirectory(storage.resolve("a-locked"));
        Files.writeString(locked.resolve("data.txt"), "kept behind a mode 000 folder");
        Files.createLink(storage.resolve("z-link.txt"), locked.resolve("data.txt")); // stored later, as a hard link
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        Path backups = tmp.resolve("backups");
        CliProcess.Result made = StorageFixtures.cli(tmp, storage, backups).run("backup", "storage", "--no-rotate");
        assertThat(made.exitCode()).as(made.describe()).isZero();

        Path target = tmp.resolve("restored");
        Map<String, String> env = Map.of("STORAGE_PATH", storage.toString(), "BACKUP_DIR", backups.toString(),
                "DATABASE_URL", "sqlite:///" + tmp.resolve("app.db"), "JSON_LOGS", "false");
        CliProcess.Result restored = StorageFixtures.runWithoutPermissionBypass(tmp, env,
                "-dac_override,-dac_read_search", "restore", "storage", "latest", "--target", target.toString());

        assertThat(restored.exitCode()).as(restored.describe()).isZero();
        assertThat(target.resolve("z-link.txt")).hasContent("kept behind a mode 000 folder");
        assertThat(Files.getPosixFilePermissions(target.resolve("a-locked"))).isEmpty();
        Files.setPosixFilePermissions(target.resolve("a-locked"), PosixFilePermissions.fromString("rwx------"));
        assertThat(target.resolve("a-locked/data.txt")).hasContent("kept behind a mode 000 folder");
    }
}
