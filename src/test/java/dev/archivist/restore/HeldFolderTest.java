package dev.archivist.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A staging folder held by its descriptor: whatever its name leads to later (a user who may rename entries beside it
 * swapped it for a link to a folder of root's), the extraction and the last changes land in the folder it made.
 */
class HeldFolderTest {
    @TempDir
    Path dir;

    private static byte[] tarOf(String name, String content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            byte[] data = content.getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry e = new TarArchiveEntry(name);
            e.setSize(data.length);
            e.setMode(0100644);
            tar.putArchiveEntry(e);
            tar.write(data);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    @Test
    void anExtractionThroughTheHeldFolderStaysInItWhenItsNameIsSwappedForALink() throws IOException {
        Path staging = dir.resolve("staging");
        var usual = RestoreFiles.createClosed(staging);
        Path outside = Files.createDirectory(dir.resolve("roots-folder"));
        Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rwx------"));
        Path moved = dir.resolve("moved-away");
        try (HeldFolder anchor = HeldFolder.hold(staging)) {
            assertThat(anchor.held()).isTrue();
            Files.move(staging, moved);
            Files.createSymbolicLink(staging, outside);

            new SafeExtractor().extract(new ByteArrayInputStream(tarOf("sub/file.txt", "restored")), anchor.path(),
                    p -> true);
            RestoreFiles.openAgain(anchor.itself(), usual);
        }

        assertThat(moved.resolve("sub/file.txt")).hasContent("restored");
        assertThat(Files.getPosixFilePermissions(moved)).isEqualTo(usual);
        assertThat(outside).isEmptyDirectory();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(outside))).isEqualTo("rwx------");
    }

    @Test
    void aStagingFolderReplacedBeforeItIsHeldStopsTheRestore() throws IOException {
        Path staging = dir.resolve("staging");
        RestoreFiles.createClosed(staging);
        Path other = Files.createDirectory(dir.resolve("someone-elses"));
        Files.setPosixFilePermissions(other, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(other.resolve("theirs.txt"), "x");
        Files.delete(staging);
        Files.createSymbolicLink(staging, other);

        assertThatThrownBy(() -> HeldFolder.hold(staging)).hasMessageContaining("was replaced");
    }
}
