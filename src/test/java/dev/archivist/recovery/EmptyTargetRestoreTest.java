package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.catalog.Manifest;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code restore storage --target} into a folder that exists and is empty (a freshly made or mounted volume): the
 * backup is restored into it and the folder itself stays (same inode, owner and mode); a folder with anything in it
 * is refused and left as it was; a database target is never an existing folder.
 */
class EmptyTargetRestoreTest {
    @TempDir
    Path dir;

    Fixture f;
    Manifest storage;
    Manifest database;
    Map<String, String> backedUp;

    @BeforeEach
    void setUp() throws Exception {
        f = new Fixture(dir).set("BACKUP_MAX_SIZE_MB", "1").set("BACKUP_CHUNK_SIZE_MB", "1").database(50).storage(7, 1_500_000);
        storage = f.service().backupStorage(false, null);
        database = f.service().backupDatabase(false);
        backedUp = Fixture.tree(f.storage);
    }

    private static Object inode(Path p) throws Exception {
        return Files.readAttributes(p, "unix:ino", LinkOption.NOFOLLOW_LINKS).get("ino");
    }

    @Test
    void anEmptyFolderIsFilledAndKeepsItsInodeAndMode() throws Exception {
        Path target = Files.createDirectory(dir.resolve("volume"));
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-x---"));
        Object before = inode(target);

        Fixture.Run run = f.cli("restore", "storage", storage.id(), "--target", target.toString());

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(Fixture.tree(target)).isEqualTo(backedUp);
        assertThat(inode(target)).as("the folder itself stays, as a mount point must").isEqualTo(before);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rwxr-x---");
        assertThat(Fixture.names(dir)).noneMatch(n -> n.startsWith(".archivist-restore-"));
        assertThat(run.stdout() + run.stderr()).contains("existing empty folder");
    }

    @Test
    void aFolderWithAnythingInItIsRefusedAndLeftAsItWas() throws Exception {
        Path target = Files.createDirectory(dir.resolve("used"));
        Files.writeString(target.resolve(".hidden"), "mine");
        Map<String, String> before = Fixture.tree(target);

        Fixture.Run run = f.cli("restore", "storage", storage.id(), "--target", target.toString());

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(1);
        assertThat(run.stderr()).contains("already exists and is not empty").contains(target.toString());
        assertThat(Fixture.tree(target)).isEqualTo(before);
        assertThat(Fixture.names(dir)).noneMatch(n -> n.startsWith(".archivist-restore-"));
    }

    @Test
    void aFreshVolumeWithOnlyAnEmptyLostAndFoundCountsAsEmpty() throws Exception {
        Path target = Files.createDirectory(dir.resolve("ext4-volume"));
        Files.createDirectory(target.resolve("lost+found"));

        Fixture.Run run = f.cli("restore", "storage", storage.id(), "--target", target.toString());

        assertThat(run.exitCode()).as(run.describe()).isZero();
        Map<String, String> restored = new java.util.TreeMap<>(Fixture.tree(target));
        assertThat(restored.remove("lost+found")).as("lost+found stays where it was").isNotNull();
        assertThat(restored).isEqualTo(backedUp);
    }

    @Test
    void aRefusedTargetIsNeverSweptByTheNextCommand() throws Exception {
        Path target = Files.createDirectory(dir.resolve("someone-elses"));
        Path staging = Files.createDirectories(target.resolve(".archivist-restore-staging-theirs"));
        Files.writeString(staging.resolve("data"), "precious");
        Files.createDirectory(target.resolve("archivist-created-during-restore-x"));
        Map<String, String> before = Fixture.tree(target);

        Fixture.Run refused = f.cli("restore", "storage", storage.id(), "--target", target.toString());
        Fixture.Run next = f.cli("rotate");

        assertThat(refused.exitCode()).as(refused.describe()).isEqualTo(1);
        assertThat(next.exitCode()).as(next.describe()).isZero();
        assertThat(Fixture.tree(target)).isEqualTo(before);
    }

    /** A failed restore into an empty folder ends its record: the next command touches nothing there. */
    @Test
    void aFailedRestoreIntoAnEmptyFolderLeavesNothingForTheNextCommandToSweep() throws Exception {
        Path target = Files.createDirectory(dir.resolve("volume"));

        Fixture.Run failed = f.cli("restore", "storage", storage.id(), "--target", target.toString(), "--path", "no-such/**");
        Path theirs = Files.createDirectories(target.resolve(".archivist-restore-staging-" + storage.id()));
        Files.writeString(theirs.resolve("p"), "made after the restore failed");
        Fixture.Run next = f.cli("rotate");

        assertThat(failed.exitCode()).as(failed.describe()).isEqualTo(1);
        assertThat(next.exitCode()).as(next.describe()).isZero();
        assertThat(theirs.resolve("p")).hasContent("made after the restore failed");
        assertThat(Fixture.names(f.backups.resolve(".archivist/restore-targets"))).isEmpty();
    }

    @Test
    void aTargetInsideBackupDirIsRefused() throws Exception {
        Path inside = Files.createDirectories(f.backups.resolve("restored-here"));
        for (Path target : List.of(inside, f.backups.resolve("new-folder"), f.backups.resolve(".archivist/x"))) {
            Fixture.Run run = f.cli("restore", "storage", storage.id(), "--target", target.toString());
            assertThat(run.exitCode()).as(run.describe()).isEqualTo(1);
            assertThat(run.stderr()).contains("lies inside BACKUP_DIR");
        }
        Fixture.Run db = f.cli("restore", "database", database.id(), "--target", f.backups.resolve("copy.db").toString());
        assertThat(db.exitCode()).as(db.describe()).isEqualTo(1);
        assertThat(db.stderr()).contains("lies inside BACKUP_DIR");
        assertThat(Fixture.names(inside)).isEmpty();
        assertThat(f.backups.resolve("new-folder")).doesNotExist();
        assertThat(f.backups.resolve("copy.db")).doesNotExist();
    }

    @Test
    void aSymlinkToAnEmptyFolderIsStillRefused() throws Exception {
        Path real = Files.createDirectory(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);

        Fixture.Run run = f.cli("restore", "storage", storage.id(), "--target", link.toString());

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(1);
        assertThat(run.stderr()).contains("already exists (a symlink)");
        assertThat(Fixture.names(real)).isEmpty();
    }

    @Test
    void aDatabaseTargetThatIsAnEmptyFolderIsRefused() throws Exception {
        Path target = Files.createDirectory(dir.resolve("db-folder"));

        Fixture.Run run = f.cli("restore", "database", database.id(), "--target", target.toString());

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(1);
        assertThat(run.stderr()).contains("already exists");
        assertThat(Fixture.names(target)).isEmpty();
    }

    @Test
    void aRefusedRestoreLeavesTheEmptyFolderEmpty() throws Exception {
        Path target = Files.createDirectory(dir.resolve("volume"));
        Path part = f.backups.resolve("storage").resolve(storage.parts().get(1).path());
        byte[] p = Files.readAllBytes(part);
        p[p.length / 2] ^= 0x01;
        Files.write(part, p);

        Fixture.Run run = f.cli("restore", "storage", storage.id(), "--target", target.toString(), "--no-verify");

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(1);
        assertThat(run.stderr()).contains("refused");
        assertThat(Fixture.names(target)).as("no staging or aside folder left inside").isEmpty();
    }

    @Test
    void selectedPathsGoIntoAnEmptyFolderToo() throws Exception {
        Path target = Files.createDirectory(dir.resolve("volume"));
        String first = backedUp.keySet().stream().filter(k -> !k.contains("/")).findFirst().orElseThrow();

        Fixture.Run run = f.cli("restore", "storage", storage.id(), "--target", target.toString(), "--path", first);

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(Fixture.names(target)).containsExactly(first);
    }
}
