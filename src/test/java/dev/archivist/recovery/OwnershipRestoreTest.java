package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.archivist.BackupService;
import dev.archivist.RestoreResult;
import dev.archivist.catalog.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A storage restore run as root gives entries the owners the archive records (links themselves, not their targets),
 * and a restore over the live folder gives the restored folder the replaced folder's mode and owner: an application
 * running as its own user must be able to write its uploads folder after a restore run from root's cron.
 */
class OwnershipRestoreTest {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    @TempDir
    Path dir;

    private Fixture f;

    @BeforeEach
    void asRootOnly() throws IOException {
        assumeTrue((Integer) Files.getAttribute(dir, "unix:uid") == 0, "changing owners needs root");
        f = new Fixture(dir);
        Files.createDirectories(f.storage.resolve("uploads/2026"));
        Files.writeString(f.storage.resolve("uploads/2026/photo.jpg"), "jpeg bytes");
        Files.writeString(f.storage.resolve("uploads/notes.txt"), "notes");
        Files.writeString(f.storage.resolve("root-owned.txt"), "stays root's");
        Files.createSymbolicLink(f.storage.resolve("uploads/latest"), Path.of("2026/photo.jpg"));
        chown(f.storage.resolve("uploads"), 1234, 2345);
        chown(f.storage.resolve("uploads/2026"), 1234, 2345);
        chown(f.storage.resolve("uploads/2026/photo.jpg"), 1234, 2345);
        chown(f.storage.resolve("uploads/notes.txt"), 1234, 33);
        chown(f.storage.resolve("uploads/latest"), 3456, 4567); // the link itself; its target keeps 1234:2345
        chown(f.storage, 1234, 2345);
        Files.setAttribute(f.storage, "unix:mode", 0750);
    }

    /** Root's new file (0600) was closed to the application whose deleted database it replaces. */
    @Test
    void aDeletedLiveDatabaseRestoredByRootBelongsToItsFoldersOwner() throws Exception {
        Path app = Files.createDirectories(dir.resolve("app"));
        chown(app, 1234, 2345);
        Path db = dev.archivist.testing.TestDb.create(app.resolve("app.db"), dev.archivist.testing.TestDb.Mode.WAL, 10, 5);
        f.set("DATABASE_URL", db.toString());
        Fixture.Run backup = f.cli("backup", "database", "--no-rotate");
        assertThat(backup.exitCode()).as(backup.describe()).isZero();
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Files.deleteIfExists(app.resolve("app.db" + suffix));
        }
        Fixture.Run restore = f.cli("restore", "database", "latest", "--yes");
        assertThat(restore.exitCode()).as(restore.describe()).isZero();
        assertThat(restore.stdout() + restore.stderr()).contains("took the owner 1234:2345 of its folder");
        assertThat(Files.getAttribute(db, "unix:uid", NOFOLLOW)).isEqualTo(1234);
        assertThat(Files.getAttribute(db, "unix:gid", NOFOLLOW)).isEqualTo(2345);
    }

    @Test
    void liveRestoreAsRootGivesBackEveryOwnerAndTheFoldersOwnAttributes() throws Exception {
        Map<String, String> owners = owners(f.storage);
        BackupService service = f.service();
        Manifest backup = service.backupStorage(false, null);

        // the damage: owners lost, as after a copy by root; meanwhile the folder itself got a new mode and group
        try (Stream<Path> all = Files.walk(f.storage)) {
            for (Path p : all.filter(p -> !p.equals(f.storage)).toList()) {
                chown(p, 0, 0);
            }
        }
        chown(f.storage, 1234, 33);
        Files.setAttribute(f.storage, "unix:mode", 0770);

        RestoreResult result = service.restoreStorage(backup.id(), null, List.of(), true);

        assertThat(owners(f.storage)).isEqualTo(owners);
        assertThat(owners.get("uploads/latest")).isEqualTo("3456:4567");
        assertThat(owners.get("uploads/2026/photo.jpg")).isEqualTo("1234:2345");
        assertThat(owners.get("root-owned.txt")).isEqualTo("0:0");
        // the restored folder is a new directory; it takes over the attributes of the folder it replaced
        assertThat(owner(f.storage)).isEqualTo("1234:33");
        assertThat((Integer) Files.getAttribute(f.storage, "unix:mode") & 07777).isEqualTo(0770);
        assertThat(result.notes()).anyMatch(n -> n.contains("owners restored") && n.contains("5 entries changed"));
    }

    @Test
    void restoreIntoANewFolderAsRootGivesEntriesTheirArchivedOwners() throws Exception {
        Map<String, String> owners = owners(f.storage);
        BackupService service = f.service();
        Manifest backup = service.backupStorage(false, null);
        Path target = dir.resolve("elsewhere");

        service.restoreStorage(backup.id(), target, List.of(), true);

        assertThat(owners(target)).isEqualTo(owners);
        assertThat(owner(target)).isEqualTo("0:0"); // a new folder: nothing to take its attributes from
    }

    private static Map<String, String> owners(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.filter(p -> !p.equals(root)).toList()) {
                out.put(root.relativize(p).toString(), owner(p));
            }
        }
        return out;
    }

    private static String owner(Path p) throws IOException {
        return Files.getAttribute(p, "unix:uid", NOFOLLOW) + ":" + Files.getAttribute(p, "unix:gid", NOFOLLOW);
    }

    private static void chown(Path p, int uid, int gid) throws IOException {
        Files.setAttribute(p, "unix:uid", uid, NOFOLLOW);
        Files.setAttribute(p, "unix:gid", gid, NOFOLLOW);
    }
}
