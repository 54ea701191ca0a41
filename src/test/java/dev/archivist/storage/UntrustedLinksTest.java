package dev.archivist.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.testing.CliProcess;
import dev.archivist.testing.TestDb;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archivist run as root, for an application whose user owns the folder the database and the storage folder are in:
 * a link that user puts at {@code app.db} or {@code storage}, to root's files, is not followed. Before, a backup
 * copied a root-only database into a backup the user could have restored into its folder, and a restore of the
 * storage folder replaced the root folder the link led to with the user's files.
 */
class UntrustedLinksTest {
    @TempDir
    Path tmp;

    private static void ownedByTheUser(Path p) throws Exception {
        Files.setAttribute(p, "unix:uid", 1234, LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void aBackupAndARestoreDoNotFollowTheUsersLinksToRootsFiles() throws Exception {
        Assumptions.assumeTrue(CliProcess.runningAsRoot(), "the links of another user, and root following them");
        Path app = Files.createDirectories(tmp.resolve("app"));
        ownedByTheUser(app);
        Path db = app.resolve("app.db");
        TestDb.create(db, TestDb.Mode.WAL, 2, 10);
        Path storage = Files.createDirectories(app.resolve("storage"));
        Files.writeString(storage.resolve("evil.sh"), "echo owned");
        Path backups = tmp.resolve("backups");
        CliProcess.Result made = StorageFixtures.cli(tmp, storage, backups).env("DATABASE_URL", "sqlite:///" + db)
                .run("backup", "storage", "--no-rotate");
        assertThat(made.exitCode()).as(made.describe()).isZero();

        Path roots = Files.createDirectories(tmp.resolve("roots/profile.d"));
        Files.writeString(roots.resolve("root.sh"), "root's");
        Files.move(storage, app.resolve("storage.real"));
        ownedByTheUser(Files.createSymbolicLink(storage, roots));
        CliProcess.Result restore = StorageFixtures.cli(tmp, storage, backups).env("DATABASE_URL", "sqlite:///" + db)
                .run("restore", "storage", "latest", "--yes");

        assertThat(restore.exitCode()).as(restore.describe()).isEqualTo(1);
        assertThat(restore.stderr()).contains(storage + " is a symlink that uid 1234 owns, to what uid 0 owns");
        assertThat(roots.resolve("root.sh")).hasContent("root's");
        assertThat(roots.resolve("evil.sh")).doesNotExist();

        Path rootDb = tmp.resolve("roots/root.db");
        TestDb.create(rootDb, TestDb.Mode.WAL, 2, 10);
        Files.move(db, app.resolve("app.db.real"));
        ownedByTheUser(Files.createSymbolicLink(db, rootDb));
        CliProcess.Result backup = StorageFixtures.cli(tmp, app.resolve("storage.real"), backups)
                .env("DATABASE_URL", "sqlite:///" + db).run("backup", "database", "--no-rotate");

        assertThat(backup.exitCode()).as(backup.describe()).isEqualTo(1);
        assertThat(backup.stderr()).contains(db + " is a symlink that uid 1234 owns, to what uid 0 owns");
        assertThat(backups.resolve("database")).satisfiesAnyOf(d -> assertThat(d).doesNotExist(),
                d -> assertThat(d).isEmptyDirectory());
    }
}
