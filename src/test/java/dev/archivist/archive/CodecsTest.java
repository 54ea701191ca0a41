package dev.archivist.archive;

import static dev.archivist.archive.TestTrees.q;
import static dev.archivist.archive.TestTrees.sh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archivist.config.Compression;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CodecsTest {
    @TempDir
    Path tmp;

    static byte[] mixed(int n) {
        byte[] b = new byte[n];
        Random r = new Random(7);
        r.nextBytes(b);
        byte[] text = "the quick brown fox jumps over the lazy dog\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < n / 2; i++) {
            b[i] = text[i % text.length];
        }
        return b;
    }

    static byte[] roundTrip(Compression c, byte[] data) throws Exception {
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        try (OutputStream out = Codecs.compressor(c, c.defaultLevel(), packed)) {
            out.write(data, 0, Math.min(10, data.length));
            if (data.length > 10) {
                out.write(data[10]);
                out.write(data, 11, data.length - 11);
            }
        }
        try (InputStream in = Codecs.decompressor(c, new ByteArrayInputStream(packed.toByteArray()))) {
            return in.readAllBytes();
        }
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void roundTripsSeveralBlocks(Compression c) throws Exception {
        byte[] data = mixed(3 * ParallelGzipOutputStream.BLOCK_SIZE + 12345);
        assertThat(roundTrip(c, data)).isEqualTo(data);
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void roundTripsEmptyInput(Compression c) throws Exception {
        assertThat(roundTrip(c, new byte[0])).isEmpty();
    }

    @Test
    void parallelGzipIsReadByGzipItself() throws Exception {
        byte[] data = mixed(5 * ParallelGzipOutputStream.BLOCK_SIZE + 1);
        Path gz = tmp.resolve("x.gz");
        try (OutputStream out = Codecs.compressor(Compression.GZ, 6, Files.newOutputStream(gz))) {
            out.write(data);
        }
        sh("gzip -t " + q(gz) + " && gzip -d -c " + q(gz) + " > " + q(tmp.resolve("x")));
        assertThat(Files.readAllBytes(tmp.resolve("x"))).isEqualTo(data);
        try (InputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(gz))) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
        assertThat(Files.size(gz)).isLessThan(data.length * 6L / 10);
    }

    /**
     * The gzip reader takes what gzip itself writes (a member naming its file, members joined by cat) and refuses what
     * is not gzip: bytes after the last member, a stream cut short, a damaged trailer (after the data before it).
     */
    @Test
    void theGzipReaderReadsWhatGzipWritesAndNamesWhatIsWrong() throws Exception {
        byte[] a = mixed(300_000);
        byte[] b = "second member\n".getBytes(StandardCharsets.US_ASCII);
        Files.write(tmp.resolve("a"), a);
        Files.write(tmp.resolve("b"), b);
        sh("gzip -k " + q(tmp.resolve("a")) + " " + q(tmp.resolve("b")) + " && cat " + q(tmp.resolve("a.gz")) + " "
                + q(tmp.resolve("b.gz")) + " > " + q(tmp.resolve("ab.gz")));
        byte[] ab = Files.readAllBytes(tmp.resolve("ab.gz"));
        byte[] expected = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, expected, a.length, b.length);
        assertThat(decompressed(ab)).isEqualTo(expected);

        byte[] appended = java.util.Arrays.copyOf(ab, ab.length + 4);
        assertThatThrownBy(() -> decompressed(appended)).isInstanceOf(IOException.class)
                .hasMessageContaining("after the end of the gzip stream");
        assertThatThrownBy(() -> decompressed(java.util.Arrays.copyOf(ab, ab.length / 2)))
                .isInstanceOf(java.io.EOFException.class);
        byte[] trailer = ab.clone();
        trailer[ab.length - 6] ^= 1; // the last member's CRC-32
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        try (InputStream in = Codecs.decompressor(Compression.GZ, new ByteArrayInputStream(trailer))) {
            byte[] buf = new byte[1 << 16];
            assertThatThrownBy(() -> {
                for (int n; (n = in.read(buf)) != -1; ) {
                    read.write(buf, 0, n);
                }
            }).hasMessageContaining("gzip trailer damaged").hasMessageContaining("CRC-32");
        }
        assertThat(read.toByteArray()).as("every byte before the damaged trailer").isEqualTo(expected);
    }

    private static byte[] decompressed(byte[] gz) throws IOException {
        try (InputStream in = Codecs.decompressor(Compression.GZ, new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    /** libdeflate where it loads (as here: Linux x86-64), zlib elsewhere: either writes what gzip reads, every level. */
    @Test
    void parallelGzipWritesTheSameContentWithLibdeflateAndWithZlib() throws Exception {
        assertThat(Libdeflate.available()).as("libdeflate's native library loads on this platform").isTrue();
        byte[] data = mixed(3 * ParallelGzipOutputStream.BLOCK_SIZE + 777);
        long[] sizes = new long[2];
        for (int level : new int[] {1, 6, 9}) {
            for (boolean libdeflate : new boolean[] {true, false}) {
                Path gz = tmp.resolve("x-" + level + "-" + libdeflate + ".gz");
                try (OutputStream out = new ParallelGzipOutputStream(Files.newOutputStream(gz), level, 2, libdeflate)) {
                    out.write(data);
                }
                sh("gzip -t " + q(gz) + " && gzip -d -c " + q(gz) + " > " + q(tmp.resolve("x")));
                assertThat(Files.readAllBytes(tmp.resolve("x"))).as("level %d, libdeflate %s", level, libdeflate)
                        .isEqualTo(data);
                sizes[libdeflate ? 0 : 1] = Files.size(gz);
            }
            assertThat(sizes[0]).as("level %d: libdeflate's output is about zlib's", level)
                    .isBetween(sizes[1] * 9 / 10, sizes[1] * 11 / 10);
        }
    }

    /**
     * A sink that fails while blocks are still being compressed: the stream fails, closes, and its compressors stay
     * sound. Freeing a compressor a worker was still using showed only now and then (a worker spinning in freed native
     * memory in 1 of 6 runs of StorageArchiverTest's failing-sink case, and one CI run that hung): this runs the
     * failing close 40 times, then compresses again.
     */
    @Test
    void aFailingSinkNeverFreesACompressorInUse() throws Exception {
        // fewer blocks than the stream keeps in flight: the sink is first written, and fails, in close(), while the
        // last block is still being compressed
        byte[] data = mixed(2 * ParallelGzipOutputStream.BLOCK_SIZE + ParallelGzipOutputStream.BLOCK_SIZE / 2);
        for (int round = 0; round < 40; round++) {
            OutputStream failing = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    throw new IOException("No space left on device");
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    throw new IOException("No space left on device");
                }
            };
            OutputStream gz = new ParallelGzipOutputStream(failing, 6, 2, true);
            assertThatThrownBy(() -> {
                try (gz) {
                    gz.write(data);
                }
            }).isInstanceOf(IOException.class).hasStackTraceContaining("No space left");
        }
        // the compressors still work: a stream after the failures compresses as before
        assertThat(roundTrip(Compression.GZ, data)).isEqualTo(data);
    }

    @Test
    void parallelGzipStoresIncompressibleBlocksAndStillCompressesTheRest() throws Exception {
        int block = ParallelGzipOutputStream.BLOCK_SIZE;
        byte[] random = new byte[4 * block];
        new Random(11).nextBytes(random);
        byte[] text = new byte[4 * block];
        byte[] line = "a line of text that compresses well, number ".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < text.length; i++) {
            text[i] = line[i % line.length];
        }
        // One block that is mostly random but has a compressible stretch in its last quarter: compressed, not stored.
        byte[] mostlyRandom = java.util.Arrays.copyOf(random, block);
        System.arraycopy(text, 0, mostlyRandom, block - block / 8, block / 8);
        for (byte[] data : new byte[][] {random, text, mostlyRandom}) {
            Path gz = tmp.resolve("x.gz");
            try (OutputStream out = Codecs.compressor(Compression.GZ, 6, Files.newOutputStream(gz))) {
                out.write(data);
            }
            sh("gzip -t " + q(gz) + " && gzip -d -c " + q(gz) + " > " + q(tmp.resolve("x")));
            assertThat(Files.readAllBytes(tmp.resolve("x"))).isEqualTo(data);
            long size = Files.size(gz);
            if (data == random) {
                // stored: 5 bytes per 64 KiB block plus one member header and trailer per 1 MiB
                assertThat(size).isBetween((long) data.length, data.length + data.length / 1000L);
            } else {
                assertThat(size).isLessThan(data.length * 9L / 10);
            }
        }
    }

    @Test
    void rejectsLevelsOutsideTheCodecsRange() {
        assertThatThrownBy(() -> Codecs.compressor(Compression.ZSTD, 20, new ByteArrayOutputStream()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..19");
        assertThatThrownBy(() -> Codecs.compressor(Compression.GZ, 0, new ByteArrayOutputStream()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * A zstd stream cut short, or a frame whose damaged header declares less content than it holds, is said as gzip's
     * and xz's damage is ("unexpected end of data (truncated)", "zstd data damaged at about byte N of the archive"),
     * not in zstd-jni's words ("Truncated source", "Destination buffer is too small").
     */
    @Test
    void damagedZstdIsSaidAsDamageInTheWordsOfTheOtherCodecs() throws Exception {
        byte[] data = "hello world ".repeat(20_000).getBytes(StandardCharsets.US_ASCII);
        byte[] frame = com.github.luben.zstd.Zstd.compress(data); // one frame, its content size in the header
        byte[] cut = java.util.Arrays.copyOf(frame, frame.length / 2);
        assertThatThrownBy(() -> Codecs.decompressor(Compression.ZSTD, new ByteArrayInputStream(cut)).readAllBytes())
                .isInstanceOf(java.io.EOFException.class).hasMessage("unexpected end of data (truncated)");

        int descriptor = frame[4] & 0xff;
        assertThat(descriptor >> 6).as("a 4-byte content size").isEqualTo(2);
        int at = 5 + ((descriptor & 0x20) != 0 ? 0 : 1) + new int[] {0, 1, 2, 4}[descriptor & 3];
        byte[] lying = frame.clone();
        lying[at] = 0; // declares 4096 bytes where it holds 240,000
        lying[at + 1] = 0x10;
        lying[at + 2] = 0;
        lying[at + 3] = 0;
        assertThatThrownBy(() -> Codecs.decompressor(Compression.ZSTD, new ByteArrayInputStream(lying)).readAllBytes())
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("zstd data damaged at about byte ")
                .hasMessageEndingWith(" of the archive: a frame holds more than its header declares");
    }
}
