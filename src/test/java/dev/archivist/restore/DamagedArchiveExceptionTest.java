package dev.archivist.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.channels.Channels;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which read failures mark a backup's data as damaged: never those of a stop or an interruption. */
class DamagedArchiveExceptionTest {
    @TempDir
    Path dir;

    @Test
    void aReadFailureOfTheDataIsMarkedAsDamage() {
        Throwable t = catchThrowable(() -> DamagedArchiveException.marking(failing(new IOException("Compressed data is corrupt"))).read(new byte[8]));
        assertThat(t).isInstanceOf(DamagedArchiveException.class).hasMessageContaining("Compressed data is corrupt");
        assertThat(DamagedArchiveException.in(new IOException("wrapped", t))).isSameAs(t);
    }

    @Test
    void anInterruptedReadIsNoDamage() {
        InterruptedIOException interrupted = new InterruptedIOException("interrupted");
        assertThat(catchThrowable(() -> DamagedArchiveException.marking(failing(interrupted)).read())).isSameAs(interrupted);
    }

    @Test
    void aFileChannelClosedByAnInterruptIsNoDamage() throws IOException {
        Path part = Files.write(dir.resolve("part001"), new byte[1 << 16]);
        try (FileChannel channel = FileChannel.open(part)) {
            InputStream in = DamagedArchiveException.marking(Channels.newInputStream(channel));
            Thread.currentThread().interrupt();
            Throwable t;
            try {
                t = catchThrowable(() -> in.read(new byte[4096]));
            } finally {
                Thread.interrupted();
            }
            assertThat(t).isInstanceOf(ClosedByInterruptException.class);
        }
    }

    @Test
    void anyFailureOfAnInterruptedThreadIsNoDamage() {
        IOException failure = new IOException("Stream closed");
        Thread.currentThread().interrupt();
        Throwable t;
        try {
            t = catchThrowable(() -> DamagedArchiveException.marking(failing(failure)).read(new byte[8], 0, 8));
        } finally {
            Thread.interrupted();
        }
        assertThat(t).isSameAs(failure);
    }

    private static InputStream failing(IOException e) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                throw e;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                throw e;
            }
        };
    }
}
