package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.catalog.Manifest;
import dev.archivist.config.Compression;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A storage folder may hold symlinks pointing outside it (an absolute target, a relative one climbing out). The backup
 * stores them; restore refuses them by default (issue 4: such a link is what a hostile archive uses) with a message
 * naming the entry and the option, and {@code --allow-outside-symlinks} restores them exactly, never following them:
 * an entry whose path goes through a symlink is still refused.
 */
class OutsideSymlinksRestoreTest {
    @TempDir
    Path dir;

    @Test
    void refusedByDefaultWithTheWayOutAndRestoredExactlyWhenAllowed() throws Exception {
        Fixture f = new Fixture(dir).database(5);
        Files.createDirectories(f.storage.resolve("shared"));
        Files.writeString(f.storage.resolve("shared/logo.txt"), "logo");
        Files.createSymbolicLink(f.storage.resolve("passwd-link"), Path.of("/etc/passwd"));
        Files.createSymbolicLink(f.storage.resolve("shared/up-link"), Path.of("../../elsewhere/file"));
        Files.createSymbolicLink(f.storage.resolve("shared/inside-link"), Path.of("../shared/logo.txt"));
        Fixture.Run backup = f.cli("backup", "storage", "--no-rotate");
        assertThat(backup.exitCode()).as(backup.describe()).isZero();
        // the backup already says which entries a default restore refuses
        assertThat(backup.stdout()).contains("2 refused by a default restore");
        java.util.Map<String, String> warnings = new java.util.HashMap<>();
        f.service().list(dev.archivist.BackupType.STORAGE).get(0).json().path("restore_warnings")
                .forEach(w -> warnings.put(w.path("path").asText(), w.path("reason").asText()));
        assertThat(warnings).containsOnlyKeys("passwd-link", "shared/up-link");
        assertThat(warnings.get("passwd-link")).contains("absolute").contains("--allow-outside-symlinks");

        // so does verify, which finds no damage: a clean backup whose default restore fails is worth a note
        Fixture.Run verify = f.cli("verify", "latest");
        assertThat(verify.exitCode()).as(verify.describe()).isZero();
        assertThat(verify.stdout()).contains("clean").contains("note: 2 entries are refused by a default restore")
                .contains("--allow-outside-symlinks");
        Fixture.Run verifyJson = f.cli("verify", "latest", "--json");
        assertThat(dev.archivist.catalog.Json.MAPPER.readTree(verifyJson.stdout()).path("restore_warnings"))
                .as(verifyJson.describe()).hasSize(2);

        Path target = dir.resolve("restored");
        Fixture.Run refused = f.cli("restore", "storage", "latest", "--target", target.toString());
        assertThat(refused.exitCode()).as(refused.describe()).isEqualTo(1);
        assertThat(refused.stderr()).contains("passwd-link").contains("--allow-outside-symlinks");
        assertThat(target).doesNotExist();

        Fixture.Run allowed = f.cli("restore", "storage", "latest", "--target", target.toString(), "--allow-outside-symlinks");
        assertThat(allowed.exitCode()).as(allowed.describe()).isZero();
        assertThat(Fixture.tree(target)).isEqualTo(Fixture.tree(f.storage));
        assertThat(Files.readSymbolicLink(target.resolve("passwd-link"))).isEqualTo(Path.of("/etc/passwd"));
        assertThat(Files.readSymbolicLink(target.resolve("shared/up-link"))).isEqualTo(Path.of("../../elsewhere/file"));
    }

    /** A restore of some paths checks the links it restores, not those it leaves out. */
    @Test
    void aPartialRestoreIsRefusedOnlyForTheOutsideLinksItTakes() throws Exception {
        Fixture f = new Fixture(dir).database(5);
        Files.createDirectories(f.storage.resolve("shared"));
        Files.writeString(f.storage.resolve("shared/logo.txt"), "logo");
        Files.writeString(f.storage.resolve("big.bin"), "big");
        Files.createSymbolicLink(f.storage.resolve("passwd-link"), Path.of("/etc/passwd"));
        Files.createSymbolicLink(f.storage.resolve("shared/up-link"), Path.of("../../elsewhere/file"));
        assertThat(f.cli("backup", "storage", "--no-rotate").exitCode()).isZero();

        Path some = dir.resolve("some");
        Fixture.Run taken = f.cli("restore", "storage", "latest", "--target", some.toString(), "--path", "big.bin");
        assertThat(taken.exitCode()).as(taken.describe()).isZero();
        assertThat(some.resolve("big.bin")).hasContent("big");
        assertThat(some.resolve("passwd-link")).doesNotExist();
        for (String path : new String[] {"passwd-link", "shared"}) {
            Path target = dir.resolve("with-" + path);
            Fixture.Run refused = f.cli("restore", "storage", "latest", "--target", target.toString(), "--path", path);
            assertThat(refused.exitCode()).as(path + ": " + refused.describe()).isEqualTo(1);
            assertThat(refused.stderr()).contains("--allow-outside-symlinks");
            assertThat(target).doesNotExist();
        }
    }

    @Test
    void anEntryThroughAnOutsideLinkIsRefusedEvenWhenAllowed() throws Exception {
        Fixture f = new Fixture(dir).set("RESTORE_OUTSIDE_SYMLINKS", "true");
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Manifest forged = new ForgedBackup().file("ok.txt", "fine")
                .raw(ForgedBackup.link("escape", TarConstants.LF_SYMLINK, outside.toString()), null)
                .raw(ForgedBackup.entry("escape/planted.txt", TarConstants.LF_NORMAL), "planted")
                .writeTo(f.backups, Compression.ZSTD, 1);
        Path target = dir.resolve("restored");
        Fixture.Run r = f.cli("restore", "storage", forged.id(), "--target", target.toString());
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        assertThat(r.stderr()).contains("escape/planted.txt").contains("through the symlink");
        assertThat(outside.resolve("planted.txt")).doesNotExist();
        assertThat(target).doesNotExist();
    }
}
