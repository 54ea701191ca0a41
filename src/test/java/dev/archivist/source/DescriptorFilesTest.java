package dev.archivist.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Small files read by descriptor in an open folder, through the JDK's own calls, as a storage backup reads them. */
class DescriptorFilesTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void onLinux() {
        assumeThat(System.getProperty("os.name")).isEqualTo("Linux");
    }

    private int open(DirectoryStream<Path> folder, String name) throws IOException {
        return DescriptorFiles.open(folder, tmp, tmp.getFileSystem().getPath(name));
    }

    @Test
    void aFileIsOpenedReadAndStatedByDescriptor() throws Exception {
        Files.writeString(tmp.resolve("résumé.txt"), "hello, world");
        assertThat(DescriptorFiles.available()).as("the tests open sun.nio.fs and sun.nio.ch as the jar does").isTrue();
        ByteBuffer buffer = ByteBuffer.allocateDirect(64);
        try (DirectoryStream<Path> folder = Files.newDirectoryStream(tmp)) {
            assertThat(DescriptorFiles.opens(folder)).isTrue();
            int fd = open(folder, "résumé.txt");
            try {
                assertThat(DescriptorFiles.read(fd, buffer, 3, 60, tmp)).isEqualTo(12);
                assertThat(DescriptorFiles.read(fd, buffer, 15, 40, tmp)).as("at the end").isZero();
                FileStat stat = DescriptorFiles.stat(fd);
                assertThat(stat.type()).isEqualTo(FileStat.Type.FILE);
                assertThat(stat.size()).isEqualTo(12);
                assertThat(stat.inode()).isEqualTo(FileStat.lstat(tmp.resolve("résumé.txt")).inode());
            } finally {
                DescriptorFiles.close(fd);
            }
        }
        byte[] read = new byte[12];
        buffer.get(3, read);
        assertThat(new String(read, StandardCharsets.UTF_8)).isEqualTo("hello, world");
    }

    @Test
    void aMissingFileIsNamedInTheJdksOwnException() throws Exception {
        try (DirectoryStream<Path> folder = Files.newDirectoryStream(tmp)) {
            assertThatThrownBy(() -> open(folder, "gone.txt")).isInstanceOf(NoSuchFileException.class)
                    .hasMessageContaining(tmp.resolve("gone.txt").toString());
        }
    }

    @Test
    void aSymlinkIsNeverFollowed() throws Exception {
        Files.writeString(tmp.resolve("secret"), "not to be read");
        Files.createSymbolicLink(tmp.resolve("link"), tmp.resolve("secret"));
        try (DirectoryStream<Path> folder = Files.newDirectoryStream(tmp)) {
            assertThatThrownBy(() -> open(folder, "link")).isInstanceOf(IOException.class)
                    .hasMessageContaining(tmp.resolve("link").toString());
        }
    }

    @Test
    void aFifoOpensWithoutWaitingAndIsToldApartByItsAttributes() throws Exception {
        Path fifo = tmp.resolve("pipe");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        try (DirectoryStream<Path> folder = Files.newDirectoryStream(tmp)) {
            // no writer ever comes: a blocking open would wait for ever
            int fd = CompletableFuture.supplyAsync(() -> {
                try {
                    return open(folder, "pipe");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).get(10, TimeUnit.SECONDS);
            try {
                assertThat(DescriptorFiles.read(fd, ByteBuffer.allocateDirect(16), 0, 16, fifo)).isZero();
                FileStat stat = DescriptorFiles.stat(fd);
                assertThat(stat.type()).isEqualTo(FileStat.Type.OTHER);
                assertThat(stat.mode() & 0170000).isEqualTo(0010000);
            } finally {
                DescriptorFiles.close(fd);
            }
        }
    }

    @Test
    void aClosedFolderOpensNothing() throws Exception {
        Files.writeString(tmp.resolve("a.txt"), "a");
        DirectoryStream<Path> folder = Files.newDirectoryStream(tmp);
        folder.close();
        assertThatThrownBy(() -> open(folder, "a.txt")).isInstanceOf(IOException.class)
                .hasMessageContaining("its folder was closed");
    }

    @Test
    void onlyDirectBuffersAreReadInto() throws Exception {
        Files.writeString(tmp.resolve("a.txt"), "a");
        try (DirectoryStream<Path> folder = Files.newDirectoryStream(tmp)) {
            int fd = open(folder, "a.txt");
            try {
                assertThatThrownBy(() -> DescriptorFiles.read(fd, ByteBuffer.allocate(8), 0, 8, tmp))
                        .isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> DescriptorFiles.read(fd, ByteBuffer.allocateDirect(8), 4, 8, tmp))
                        .isInstanceOf(IllegalArgumentException.class);
            } finally {
                DescriptorFiles.close(fd);
            }
        }
    }
}
