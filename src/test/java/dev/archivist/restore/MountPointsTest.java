package dev.archivist.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mount points read from a mountinfo file: the kernel's escapes undone, names in UTF-8, only those at or under a folder. */
class MountPointsTest {
    @TempDir
    Path dir;

    @Test
    void findsTheMountsAtAndUnderAFolderOnly() throws Exception {
        Path info = mountinfo(
                "21 26 0:20 / /proc rw,relatime - proc proc rw",
                "26 1 254:0 / / rw,relatime - ext4 /dev/vda rw",
                "40 26 254:0 /srv/vol /app/storage rw,relatime - ext4 /dev/vda rw",
                "41 40 0:50 / /app/storage/uploads rw - tmpfs tmpfs rw",
                "42 26 0:51 / /app/storage-other rw - tmpfs tmpfs rw");

        assertThat(MountPoints.atOrUnder(Path.of("/app/storage"), info))
                .containsExactly(Path.of("/app/storage"), Path.of("/app/storage/uploads"));
        assertThat(MountPoints.atOrUnder(Path.of("/app/storage/uploads/2024"), info)).isEmpty();
        assertThat(MountPoints.atOrUnder(Path.of("/app"), info)).hasSize(3);
    }

    @Test
    void undoesTheOctalEscapesOfSpacesTabsBackslashesAndKeepsUtf8() throws Exception {
        byte[] line = "50 26 0:52 / /mnt/my\\040photos/r\u00e9sum\u00e9\\011x\\134y rw - tmpfs tmpfs rw\n"
                .getBytes(StandardCharsets.UTF_8);
        Path info = Files.write(dir.resolve("mountinfo"), line);

        assertThat(MountPoints.read(info)).containsExactly(Path.of("/mnt/my photos/r\u00e9sum\u00e9\tx\\y"));
    }

    @Test
    void noMountinfoMeansNoMountPoints() {
        assertThat(MountPoints.read(dir.resolve("absent"))).isEmpty();
    }

    private Path mountinfo(String... lines) throws Exception {
        return Files.write(dir.resolve("mountinfo"), String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
    }
}
