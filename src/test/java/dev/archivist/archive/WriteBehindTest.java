package dev.archivist.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Background writes keep their order, end before {@code await} returns, and report a failure to the caller. */
class WriteBehindTest {
    private static final int SIZE = 2 * SequentialFile.MAX_ALIGNMENT;

    @TempDir
    Path dir;

    @Test
    void buffersAreWrittenInTheOrderTheyWereFilled() throws Exception {
        byte[] data = new byte[500 * SIZE];
        new Random(1).nextBytes(data);
        Path file = dir.resolve("f");
        try (WriteBehind wb = new WriteBehind("test-io", 3, SIZE); SequentialFile out = SequentialFile.create(file, true)) {
            for (int off = 0; off < data.length; off += SIZE) {
                wb.filling().put(data, off, SIZE);
                wb.submit(out);
            }
            wb.await();
            assertThat(Files.size(file)).isEqualTo(data.length); // all written once await returns
            out.forceAndClose();
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(data);
    }

    @Test
    void aFailedWriteIsReportedAndLaterBuffersAreNotWritten() throws Exception {
        Path file = dir.resolve("f");
        SequentialFile out = SequentialFile.create(file, false);
        out.close(); // every write now fails
        try (WriteBehind wb = new WriteBehind("test-io", 2, SIZE)) {
            wb.filling().put(new byte[SIZE]);
            wb.submit(out);
            assertThatThrownBy(wb::await).isInstanceOf(IOException.class);
            assertThat(wb.failed()).isTrue();
            wb.filling().put(new byte[SIZE]);
            assertThatThrownBy(() -> wb.submit(out)).isInstanceOf(IOException.class);
        }
        assertThat(Files.size(file)).isZero();
    }

    /**
     * Direct memory is limited (the launcher's -XX:MaxDirectMemorySize) and freed only when its buffer is collected:
     * a closed writer that something still references (zstd-jni's stream, which has a finalizer, kept the whole stack
     * alive for a further collection) must not keep its buffers, or a daemon's next backups ran out of direct memory.
     */
    @Test
    void closeLetsGoOfItsBuffersWhileTheWriterIsStillReferenced() throws Exception {
        Path file = dir.resolve("f");
        WriteBehind wb = new WriteBehind("test-io", 3, SIZE);
        List<WeakReference<ByteBuffer>> buffers = new ArrayList<>();
        try (SequentialFile out = SequentialFile.create(file, false)) {
            for (int i = 0; i < 6; i++) {
                ByteBuffer b = wb.filling();
                buffers.add(new WeakReference<>(b));
                b.put(new byte[SIZE]);
                wb.submit(out);
            }
            wb.close();
        }
        for (int i = 0; i < 20 && buffers.stream().anyMatch(r -> r.get() != null); i++) {
            System.gc();
            Thread.sleep(50);
        }
        assertThat(buffers).allSatisfy(r -> assertThat(r.get()).isNull());
        // the writer itself is still referenced here, and so not collected: its buffers went because close let go
        // of them. How many it made depends on how fast its thread wrote (a freed buffer is taken before a new one
        // is made), so only the bounds are certain
        assertThat(wb.buffersMade()).isBetween(1, 3);
        Reference.reachabilityFence(wb);
    }

    @Test
    void closeWaitsForTheWritesInFlight() throws Exception {
        Path file = dir.resolve("f");
        SequentialFile out = SequentialFile.create(file, false);
        WriteBehind wb = new WriteBehind("test-io", 4, SIZE);
        for (int i = 0; i < 50; i++) {
            ByteBuffer b = wb.filling();
            while (b.hasRemaining()) {
                b.put((byte) i);
            }
            wb.submit(out);
        }
        wb.close();
        out.close();
        byte[] written = Files.readAllBytes(file);
        assertThat(written).hasSize(50 * SIZE);
        assertThat(written[49 * SIZE]).isEqualTo((byte) 49);
    }

    @Test
    void buffersAreMadeWhenNeededAndNeverMoreThanTheCount() throws Exception {
        Path file = dir.resolve("f");
        try (WriteBehind wb = new WriteBehind("test-io", 3, SIZE); SequentialFile out = SequentialFile.create(file, false)) {
            assertThat(wb.buffersMade()).isOne();
            wb.filling().put(new byte[SIZE]);
            wb.submit(out);
            wb.await(); // the written buffer is free again: filling it needs no new one
            wb.filling().put(new byte[SIZE]);
            wb.submit(out);
            assertThat(wb.buffersMade()).isLessThanOrEqualTo(2);
            for (int i = 0; i < 40; i++) {
                wb.filling().put(new byte[SIZE]);
                wb.submit(out);
            }
            wb.await();
            assertThat(wb.buffersMade()).isBetween(1, 3);
        }
        assertThat(Files.size(file)).isEqualTo(42L * SIZE);
    }

    @Test
    void buffersMustBeWholeBlocksAndAtLeastTwo() {
        assertThatThrownBy(() -> new WriteBehind("x", 1, SIZE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WriteBehind("x", 2, SIZE + 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
