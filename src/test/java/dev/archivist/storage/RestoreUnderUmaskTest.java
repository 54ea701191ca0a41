package dev.archivist.storage;

import static dev.archivist.storage.StorageFixtures.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.testing.CliProcess;
import dev.archivist.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A storage restore run under a umask that takes bits from the owner ({@code umask 100} here; {@code 277} alike)
 * restores the tree as GNU tar does: its owner-only staging folders (beside the destination, inside an existing empty
 * target) and the folders it extracts into are made {@code rwx------} whatever the umask. They came out
 * {@code rw-------}, and every restore failed with "the staging folder … was replaced as the restore began", as if
 * someone had swapped it. Run without the capabilities that let root ignore permission bits, so they bind root as
 * they bind any other user.
 */
class RestoreUnderUmaskTest {
    @TempDir
    Path tmp;

    @Test
    void aUmaskThatTakesTheOwnersBitsStillRestoresTheTree() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        Trees.file(storage, "docs/a.txt");
        Trees.file(storage, "docs/deep/b.txt");
        Trees.file(storage, "c.txt");
        Files.setPosixFilePermissions(storage.resolve("docs/deep"), PosixFilePermissions.fromString("r-x------"));
        Path backups = tmp.resolve("backups");
        CliProcess.Result backup = StorageFixtures.cli(tmp, storage, backups).run("backup", "storage", "--json", "--no-rotate");
        assertThat(backup.exitCode()).as(backup.describe()).isZero();
        String id = JSON.readTree(backup.stdout()).path("id").asText();
        Map<String, String> env = Map.of("STORAGE_PATH", storage.toString(), "BACKUP_DIR", backups.toString(),
                "DATABASE_URL", "sqlite:///" + tmp.resolve("app.db"), "JSON_LOGS", "false");

        Path fresh = tmp.resolve("fresh");
        CliProcess.Result intoNew = underUmask(env, "restore", "storage", id, "--target", fresh.toString());
        assertThat(intoNew.exitCode()).as(intoNew.describe()).isZero();
        assertThat(Trees.describe(fresh)).isEqualTo(Trees.describe(storage));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh))).isEqualTo("rw-rwxrwx"); // as mkdir makes it

        Path empty = Files.createDirectory(tmp.resolve("empty"));
        CliProcess.Result intoEmpty = underUmask(env, "restore", "storage", id, "--target", empty.toString());
        assertThat(intoEmpty.exitCode()).as(intoEmpty.describe()).isZero();
        assertThat(Trees.describe(empty)).isEqualTo(Trees.describe(storage));

        var before = Trees.describe(storage);
        Files.writeString(storage.resolve("c.txt"), "changed since the backup");
        CliProcess.Result live = underUmask(env, "restore", "storage", id, "--yes");
        assertThat(live.exitCode()).as(live.describe()).isZero();
        assertThat(Trees.describe(storage)).isEqualTo(before);
    }

    private CliProcess.Result underUmask(Map<String, String> env, String... args) throws Exception {
        List<String> wrapper = CliProcess.withoutPermissionBypass("-dac_override,-dac_read_search");
        return StorageFixtures.runWrapped(tmp, env, cmd -> {
            List<String> full = new ArrayList<>(List.of("sh", "-c", "umask 100 && exec \"$@\"", "sh"));
            full.addAll(wrapper);
            full.addAll(cmd);
            return full;
        }, args);
    }
}
