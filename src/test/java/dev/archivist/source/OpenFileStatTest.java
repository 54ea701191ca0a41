package dev.archivist.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An open file's attributes through its descriptor: those of the file that is open, whatever its name leads to. */
class OpenFileStatTest {
    @TempDir
    Path tmp;

    @Test
    void theOpenFilesAttributesAreWhatItsNameSaysWhileNothingChanges() throws Exception {
        Path f = Files.writeString(tmp.resolve("a.txt"), "hello");
        Files.setLastModifiedTime(f, FileTime.from(Instant.ofEpochSecond(1_700_000_000L, 123_456_789)));
        FileStat named = FileStat.lstat(f);
        assertThat(OpenFileStat.available()).as("the tests open sun.nio.ch as the jar's manifest does").isTrue();
        try (FileChannel ch = FileChannel.open(f)) {
            FileStat open = OpenFileStat.of(ch);
            assertThat(open).isNotNull();
            assertThat(open.size()).isEqualTo(5);
            assertThat(open.lastModified()).isEqualTo(named.lastModified());
            assertThat(open.mode()).isEqualTo(named.mode());
            assertThat(open.inode()).isEqualTo(named.inode());
            assertThat(open.links()).isEqualTo(1);
        }
    }

    @Test
    void theFileThatIsOpenIsStatedNotTheOneNowAtItsName() throws Exception {
        Path f = Files.writeString(tmp.resolve("a.txt"), "hello");
        Path other = Files.writeString(tmp.resolve("other.txt"), "a longer content");
        try (FileChannel ch = FileChannel.open(f)) {
            Files.move(other, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            FileStat open = OpenFileStat.of(ch);
            assertThat(open.size()).isEqualTo(5);
            assertThat(open.links()).as("its last name was replaced").isZero();
            assertThat(open.inode()).isNotEqualTo(FileStat.lstat(f).inode());
        }
    }

    @Test
    void anOpenFileWhoseNameWasRemovedHasNoLinksAndItsSizeStill() throws Exception {
        Path f = Files.writeString(tmp.resolve("gone.txt"), "content");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            Files.delete(f);
            FileStat open = OpenFileStat.of(ch);
            assertThat(open.links()).isZero();
            assertThat(open.size()).isEqualTo(7);
        }
    }

    @Test
    void aClosedChannelHasNoAttributes() throws Exception {
        Path f = Files.writeString(tmp.resolve("a.txt"), "hello");
        FileChannel ch = FileChannel.open(f);
        ch.close();
        assertThat(OpenFileStat.of(ch)).isNull();
    }
}
