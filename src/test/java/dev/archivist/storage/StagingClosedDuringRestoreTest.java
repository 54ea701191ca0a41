package dev.archivist.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * While a storage restore writes its staging folder, no other user can enter it: a restore run as root hands folders
 * inside to their archived owners as it goes, and such an owner must not get to swap one for a symlink before the
 * restore's last changes by path. The restored folder gets the mode the staging folder was made with.
 */
class StagingClosedDuringRestoreTest {
    @TempDir
    Path tmp;

    @Test
    void theStagingFolderIsOwnerOnlyUntilTheSwitch() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        for (int d = 0; d < 100; d++) {
            Path folder = Files.createDirectory(storage.resolve("f" + d));
            for (int i = 0; i < 300; i++) {
                Files.writeString(folder.resolve(i + ".txt"), d + "/" + i);
            }
        }
        Path backups = tmp.resolve("backups");
        CliProcess.Result made = StorageFixtures.cli(tmp, storage, backups).run("backup", "storage", "--no-rotate");
        assertThat(made.exitCode()).as(made.describe()).isZero();
        Path parent = Files.createDirectory(tmp.resolve("restores"));
        Path target = parent.resolve("restored");

        CliProcess.Running restore = StorageFixtures.cli(tmp, storage, backups)
                .start("restore", "storage", "latest", "--target", target.toString());
        Set<String> whileWritten = new HashSet<>();
        while (restore.process().isAlive()) {
            try (Stream<Path> s = Files.list(parent)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    if (p.equals(target)) {
                        continue;
                    }
                    String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
                    // it gets its usual mode just before the switch, once every entry is in and synced
                    try (Stream<Path> held = Files.list(p)) {
                        if (held.count() < 100) {
                            whileWritten.add(mode);
                        }
                    }
                }
            } catch (java.nio.file.NoSuchFileException | java.nio.file.AccessDeniedException gone) {
                // renamed into place meanwhile, or (not as root) not ours to list while it is closed
            }
            Thread.sleep(2);
        }
        CliProcess.Result done = restore.await(Duration.ofMinutes(3));
        assertThat(done.exitCode()).as(done.describe()).isZero();
        assertThat(whileWritten).as("modes of the staging folder while entries were written").containsExactly("rwx------");

        Set<PosixFilePermission> usual = Files.getPosixFilePermissions(Files.createDirectory(parent.resolve("usual")));
        assertThat(Files.getPosixFilePermissions(target)).isEqualTo(usual);
        assertThat(target.resolve("f99/299.txt")).hasContent("99/299");
        assertThat(done.stdout() + done.stderr()).doesNotContain("trusts");
    }

    /** As root, a backup of a one-file storage folder restored into {@code target} (inside or being {@code users}). */
    private CliProcess.Result rootRestoreOfOneFile(Path users, Path target) throws Exception {
        Assumptions.assumeTrue(CliProcess.runningAsRoot(), "only a restore run as root could trust the folder's owner");
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        Files.writeString(storage.resolve("a.txt"), "one");
        Path backups = tmp.resolve("backups");
        CliProcess.Result made = StorageFixtures.cli(tmp, storage, backups).run("backup", "storage", "--no-rotate");
        assertThat(made.exitCode()).as(made.describe()).isZero();
        Files.createDirectory(users);
        Files.setAttribute(users, "unix:uid", 4321);
        return StorageFixtures.cli(tmp, storage, backups).run("restore", "storage", "latest", "--target", target.toString());
    }

    @Test
    void aRootRestoreInAFolderAnotherUserOwnsHoldsItsStagingFolderAndTrustsNoOne() throws Exception {
        Path users = tmp.resolve("users-folder");
        CliProcess.Result restored = rootRestoreOfOneFile(users, users.resolve("restored"));

        assertThat(restored.exitCode()).as(restored.describe()).isZero();
        assertThat(restored.stdout() + restored.stderr()).doesNotContain("trusts"); // written through a held descriptor
        assertThat(users.resolve("restored/a.txt")).hasContent("one");
    }

    /**
     * An existing empty folder is filled entry by entry, inside a folder its owner may rename entries of: the switch
     * goes through the held folders too, so nothing is trusted (before, the restore warned that it trusted that user).
     */
    @Test
    void aRootRestoreIntoAnEmptyFolderAnotherUserOwnsSwitchesThroughHeldFoldersAndTrustsNoOne() throws Exception {
        Path empty = tmp.resolve("users-empty-folder");
        CliProcess.Result restored = rootRestoreOfOneFile(empty, empty);

        assertThat(restored.exitCode()).as(restored.describe()).isZero();
        assertThat(restored.stdout() + restored.stderr()).doesNotContain("trusts");
        assertThat(empty.resolve("a.txt")).hasContent("one");
        assertThat(Files.getAttribute(empty, "unix:uid")).as("the folder itself stays, with its owner").isEqualTo(4321);
    }
}
