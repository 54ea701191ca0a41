package dev.archivist.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parts written with direct I/O are byte for byte what the page-cache path writes, whatever their length (whole
 * blocks, a short last block, empty) and however the stream is sliced; a direct write the kernel or Java refuses
 * goes on through the page cache instead of failing the backup.
 */
class SequentialFileTest {
    @TempDir
    Path dir;

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void directAndBufferedPartsAreIdenticalForEveryLengthAndChunkSize() throws Exception {
        List<Integer> lengths = List.of(0, 1, 4095, 4096, 4097, 1_000_000, (1 << 20) + 1, 3 * (1 << 20) + 12_345,
                13 * (1 << 20) + 777); // more than the writer's buffers (3 x 4 MiB) hold
        for (int length : lengths) {
            for (long chunk : List.of(1_000_000L, 4096L * 300, 5_000_000L, 100L << 20)) {
                byte[] data = random(length, length * 31L + chunk);
                ArchiveFiles direct = write(dir.resolve("d-" + length + "-" + chunk), data, chunk, true);
                ArchiveFiles buffered = write(dir.resolve("b-" + length + "-" + chunk), data, chunk, false);
                String context = length + " bytes in parts of " + chunk;
                assertThat(direct.parts()).as(context).isEqualTo(buffered.parts());
                assertThat(direct.sha256Hex()).as(context).isEqualTo(TestTrees.sha256(data));
                ByteArrayOutputStream joined = new ByteArrayOutputStream();
                for (ArchiveFiles.Part p : direct.parts()) {
                    byte[] bytes = Files.readAllBytes(dir.resolve("d-" + length + "-" + chunk).resolve(p.fileName()));
                    assertThat(bytes.length).as(context).isEqualTo(p.size());
                    assertThat(TestTrees.sha256(bytes)).as(context).isEqualTo(p.sha256Hex());
                    joined.write(bytes);
                }
                assertThat(joined.toByteArray()).as(context).isEqualTo(data);
            }
        }
    }

    @Test
    void aRefusedDirectWriteGoesOnThroughThePageCache() throws Exception {
        Path file = dir.resolve("f");
        byte[] data = random(10_000, 7);
        try (SequentialFile out = SequentialFile.create(file, true)) {
            assumeTrue(out.alignment() > 1, "this file system has no direct I/O");
            // 1,000 bytes is not a whole block: Java refuses it for a direct channel, so the file switches over
            ByteBuffer first = ByteBuffer.allocateDirect(1000).put(data, 0, 1000).flip();
            out.write(first);
            assertThat(out.alignment()).isEqualTo(1);
            assertThat(first.hasRemaining()).isFalse();
            ByteBuffer rest = ByteBuffer.allocateDirect(data.length - 1000).put(data, 1000, data.length - 1000).flip();
            out.finish(rest, data.length);
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(data);
    }

    private static ArchiveFiles write(Path target, byte[] data, long chunk, boolean direct) throws Exception {
        Files.createDirectories(target);
        PartWriter w = new PartWriter(target, "a.tar.zst", chunk, 0, true, direct);
        int off = 0;
        int step = 1;
        while (off < data.length) { // slices of 1, 4, 13, 40, ... bytes: every alignment of the stream
            int n = Math.min(step, data.length - off);
            w.write(data, off, n);
            off += n;
            step = step * 3 + 1;
        }
        w.close();
        return w.finish();
    }
}
