package dev.archivist.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A storage folder holding read-only folders (0555), restored live: the {@code before-restore} folder the restore
 * set aside holds them too. Rotation, run as a user the permission bits bind, removes it once a newer storage backup
 * exists. Before, every rotation failed on it ("permission denied"), for good, and the old copy was never freed.
 */
@Tag("system")
class ReadOnlyFoldersRotationTest {
    @TempDir
    Path tmp;

    @Test
    void aBeforeRestoreFolderHoldingReadOnlyFoldersIsRemovedByRotation() throws Exception {
        Path storage = tmp.resolve("storage");
        Path inner = Files.createDirectories(storage.resolve("rodir/inner"));
        Files.writeString(inner.resolve("f.txt"), "kept read-only");
        Files.setPosixFilePermissions(inner, PosixFilePermissions.fromString("r-xr-xr-x"));
        Files.setPosixFilePermissions(storage.resolve("rodir"), PosixFilePermissions.fromString("r-xr-xr-x"));
        Path backups = tmp.resolve("backups");
        CliProcess cli = StorageFixtures.cli(tmp, storage, backups);
        for (String[] args : new String[][] {{"backup", "storage", "--no-rotate"}, {"restore", "storage", "latest", "--yes"},
                {"backup", "storage", "--no-rotate"}}) {
            CliProcess.Result r = cli.run(args);
            assertThat(r.exitCode()).as(r.describe()).isZero();
        }
        assertThat(beforeRestoreFolders()).isEqualTo(1);

        CliProcess.Result rotate = StorageFixtures.runWithoutPermissionBypass(tmp, Map.of("STORAGE_PATH",
                storage.toString(), "BACKUP_DIR", backups.toString(), "DATABASE_URL", "sqlite:///" + tmp.resolve("app.db")),
                "-dac_override,-dac_read_search", "rotate");
        assertThat(rotate.exitCode()).as(rotate.describe()).isZero();
        assertThat(beforeRestoreFolders()).as(rotate.describe()).isZero();
        assertThat(storage.resolve("rodir/inner/f.txt")).as("the live folder is not touched").hasContent("kept read-only");
    }

    private long beforeRestoreFolders() throws Exception {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.filter(p -> p.getFileName().toString().startsWith("storage.before-restore-")).count();
        }
    }
}
