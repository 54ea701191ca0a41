package dev.archivist.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A storage folder the user owns inside a folder it cannot write ({@code /srv/app} owned by root, its
 * {@code storage} by the application's user, who runs the backups): nothing can be put beside the folder, so a live
 * restore switches its entries inside it. As root, permission bits do not stop writing, so the CLI then runs without
 * the capability that bypasses them ({@code setpriv}).
 */
class UnwritableParentRestoreTest {
    @TempDir
    Path tmp;
    Path app;

    @AfterEach
    void writableAgain() throws Exception {
        if (app != null) {
            Files.setPosixFilePermissions(app, PosixFilePermissions.fromString("rwxr-xr-x")); // for the cleanup
        }
    }

    @Test
    void aLiveRestoreSwitchesTheEntriesInsideTheFolder() throws Exception {
        boolean root = StorageFixtures.runningAsRoot();
        Assumptions.assumeTrue(!root || StorageFixtures.hasCommand("setpriv"),
                "running as root without setpriv: permission bits cannot make a folder read-only");
        app = Files.createDirectories(tmp.resolve("app"));
        Path storage = Files.createDirectories(app.resolve("storage"));
        Files.writeString(storage.resolve("a.txt"), "one");
        Path backups = tmp.resolve("backups");
        CliProcess.Result made = StorageFixtures.cli(tmp, storage, backups).run("backup", "storage", "--no-rotate");
        assertThat(made.exitCode()).as(made.describe()).isZero();
        Files.writeString(storage.resolve("a.txt"), "two");
        Files.setPosixFilePermissions(app, PosixFilePermissions.fromString("r-xr-xr-x"));

        Map<String, String> env = Map.of("STORAGE_PATH", storage.toString(), "BACKUP_DIR", backups.toString(),
                "DATABASE_URL", "sqlite:///" + tmp.resolve("app.db"), "JSON_LOGS", "false");
        CliProcess.Result restore = StorageFixtures.runWithoutPermissionBypass(tmp, env, "-dac_override",
                "restore", "storage", "latest", "--yes");

        assertThat(restore.exitCode()).as(restore.describe()).isZero();
        assertThat(restore.stdout()).contains("is in a folder this user cannot write (" + app + ")");
        assertThat(storage.resolve("a.txt")).hasContent("one");
        try (Stream<Path> s = Files.list(storage)) {
            Path kept = s.filter(p -> p.getFileName().toString().startsWith(".archivist-before-restore-")).findFirst()
                    .orElseThrow(() -> new AssertionError("no before-restore folder in " + storage));
            assertThat(kept.resolve("a.txt")).hasContent("two");
        }
        try (Stream<Path> s = Files.list(app)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("storage");
        }
    }
}
