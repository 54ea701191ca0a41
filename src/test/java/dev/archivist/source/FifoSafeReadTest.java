package dev.archivist.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A FIFO at a database's name (a user swapped it in after the check that it is a file) is refused instead of
 * waiting for a writer for ever with the backup's lock held; a file opens as always.
 */
class FifoSafeReadTest {
    @TempDir
    Path dir;

    @Test
    void aFifoAtTheNameIsRefusedRatherThanWaitedOn() throws Exception {
        Path fifo = dir.resolve("app.db");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(mk.waitFor()).isZero();

        assertThatThrownBy(() -> FifoSafeRead.open(fifo)).hasMessage(fifo + " is a FIFO, not a file: not read");
    }

    @Test
    void aFileOpensForReading() throws Exception {
        Path file = Files.writeString(dir.resolve("app.db"), "SQLite format 3");
        try (FileChannel ch = FifoSafeRead.open(file)) {
            ByteBuffer b = ByteBuffer.allocate(6);
            ch.read(b);
            assertThat(new String(b.array(), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("SQLite");
        }
        assertThatThrownBy(() -> FifoSafeRead.open(dir.resolve("gone.db")))
                .isInstanceOf(java.nio.file.NoSuchFileException.class);
    }
}
