package dev.archivist.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon's shutdown aborts a running backup by interrupting its thread. The interrupt reaches the archive writer as
 * an exception without a message (ClosedByInterruptException), and the job's log line ended in "...part001: null"
 * ("aborted by shutdown (storage backup of ... failed: cannot append ...part002 to ...part001: null)").
 */
class InterruptedPartWriterReasonTest {
    @TempDir
    Path dir;

    @Test
    void anInterruptedFinishSaysInterruptedNotNull() throws Exception {
        byte[] data = new byte[2_500_000];
        new Random(1).nextBytes(data);
        // parts of 1 MB joined into one file at the end: the archive stays under the 10 MB split threshold
        PartWriter w = new PartWriter(dir, "a.tar.zst", 1_000_000, 10_000_000, true);
        w.write(data, 0, data.length);
        w.close();
        IOException e;
        Thread.currentThread().interrupt();
        try {
            e = catchThrowableOfType(w::finish, IOException.class);
        } finally {
            Thread.interrupted();
            w.abort();
        }
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).doesNotEndWith("null").doesNotContain(": null").contains("interrupted");
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }
}
