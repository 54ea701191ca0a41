package dev.archivist.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The staging folder's own mode: owner-only while written, then the usual one, never set through a symlink. */
class StagingModesTest {
    @TempDir
    Path dir;

    @Test
    void aStagingFolderIsMadeOwnerOnlyAndOpenedToTheModeANewFolderGetsHere() throws IOException {
        Path staging = dir.resolve("staging");
        var usual = RestoreFiles.createClosed(staging);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(staging))).isEqualTo("rwx------");
        Path plain = Files.createDirectory(dir.resolve("plain"));
        assertThat(usual).isEqualTo(Files.getPosixFilePermissions(plain));
        RestoreFiles.openAgain(staging, usual);
        assertThat(Files.getPosixFilePermissions(staging)).isEqualTo(usual);
    }

    @Test
    void openingAgainNeverFollowsASymlinkPutInTheStagingFoldersPlace() throws IOException {
        Path victim = Files.createFile(dir.resolve("victim"));
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-------"));
        Path staging = Files.createSymbolicLink(dir.resolve("staging"), victim);
        assertThatThrownBy(() -> RestoreFiles.openAgain(staging, PosixFilePermissions.fromString("rwxr-xr-x")))
                .isInstanceOf(IOException.class);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(victim))).isEqualTo("rw-------");
    }
}
