package dev.archivist.archive;

import static dev.archivist.archive.TestTrees.q;
import static dev.archivist.archive.TestTrees.sh;
import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.config.Compression;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chunks that do not compress are stored as raw zstd frames, the others compressed; either way the output is one
 * zstd stream that the zstd tool and our own reader decode to exactly the input.
 */
class AdaptiveZstdOutputStreamTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path tmp;

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] text(int n, long seed) {
        String[] words = "invoice photo album backup report customer order draft final weekly".split(" ");
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder(n + 16);
        while (sb.length() < n) {
            sb.append(words[r.nextInt(words.length)]).append(r.nextInt(10) == 0 ? '\n' : ' ');
        }
        return sb.substring(0, n).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            all.writeBytes(p);
        }
        return all.toByteArray();
    }

    /** Compresses {@code data} written in uneven slices; flushes after each slice when asked. */
    private static Packed pack(byte[] data, boolean flushEachSlice) throws Exception {
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        AdaptiveZstdOutputStream out = new AdaptiveZstdOutputStream(packed, 3, 2, 2 << 20);
        Random slices = new Random(data.length);
        int off = 0;
        while (off < data.length) {
            int n = Math.min(data.length - off, 1 + slices.nextInt(700_000));
            out.write(data, off, n);
            off += n;
            if (flushEachSlice) {
                out.flush();
            }
        }
        out.close();
        return new Packed(packed.toByteArray(), out.storedBytes());
    }

    private record Packed(byte[] bytes, long stored) {
    }

    private byte[] unpackWithOurReader(byte[] packed) throws Exception {
        try (InputStream in = Codecs.decompressor(Compression.ZSTD, new ByteArrayInputStream(packed))) {
            return in.readAllBytes();
        }
    }

    private byte[] unpackWithZstdTool(byte[] packed) throws Exception {
        Path zst = Files.write(tmp.resolve("a.zst"), packed);
        Path plain = tmp.resolve("a");
        sh("zstd -q -t " + q(zst) + " && zstd -q -d -f -c " + q(zst) + " > " + q(plain));
        return Files.readAllBytes(plain);
    }

    @Test
    void randomChunksAreStoredTextIsCompressedAndBothDecodeToTheInput() throws Exception {
        byte[] data = concat(text(2 * MIB + 300, 1), random(3 * MIB + 5, 2), text(MIB / 2, 3), random(2 * MIB, 4),
                text(10_000, 5));
        Packed p = pack(data, false);

        assertThat(unpackWithOurReader(p.bytes())).isEqualTo(data);
        assertThat(unpackWithZstdTool(p.bytes())).isEqualTo(data);
        // the chunks that lie wholly in random data (at least 4 of the 5 MiB) are stored, nothing else is
        assertThat(p.stored()).isBetween(4L * MIB, 5L * MIB + 5);
    }

    @Test
    void storedDataCostsOnlyFrameAndBlockHeaders() throws Exception {
        byte[] data = random(5 * MIB + 123, 9);
        Packed p = pack(data, false);

        // whole chunks are stored; the short tail is too small to sample and goes through zstd (a few bytes' frame)
        assertThat(p.stored()).isEqualTo(5 * MIB);
        // 5 raw frames (6-byte headers) of 1 MiB in 128 KiB blocks (3-byte headers), and the tail's frame
        assertThat(p.bytes().length - data.length).isLessThanOrEqualTo(5 * 6 + 40 * 3 + 32);
        assertThat(unpackWithZstdTool(p.bytes())).isEqualTo(data);
    }

    @Test
    void compressibleDataIsCompressedLikePlainZstd() throws Exception {
        byte[] data = text(3 * MIB + 77, 11);
        Packed p = pack(data, false);

        assertThat(p.stored()).isZero();
        assertThat(p.bytes().length).isLessThan(data.length / 3);
        assertThat(unpackWithZstdTool(p.bytes())).isEqualTo(data);
    }

    @Test
    void flushDoesNotEndFramesSoTheOutputIsTheSame() throws Exception {
        byte[] data = concat(text(3 * MIB, 12), random(2 * MIB, 13), text(MIB + 1, 14));
        assertThat(pack(data, true).bytes()).isEqualTo(pack(data, false).bytes());
    }

    @Test
    void anEmptyStreamIsAValidEmptyZstdStream() throws Exception {
        Packed p = pack(new byte[0], false);

        assertThat(p.bytes()).isNotEmpty();
        assertThat(unpackWithOurReader(p.bytes())).isEmpty();
        assertThat(unpackWithZstdTool(p.bytes())).isEmpty();
    }
}
