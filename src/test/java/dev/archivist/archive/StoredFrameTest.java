package dev.archivist.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archivist.config.Compression;
import dev.archivist.testing.TestDb;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A stored frame written in front of a compressed stream decodes, with the stock tools too, as their concatenation. */
class StoredFrameTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({"zstd,512", "zstd,4096", "zstd,65536", "gz,512", "gz,4096", "gz,65535", "gz,65536", "gz,200000",
        "xz,512", "xz,4096", "xz,65536", "xz,65537", "xz,200000", "none,4096"})
    void frameThenCompressedStreamDecodesAsTheConcatenation(String codec, int length) throws Exception {
        Compression c = Compression.parseOrNull(codec);
        byte[] head = new byte[length];
        new Random(length).nextBytes(head);
        byte[] rest = CodecsTest.mixed(3 << 20);

        byte[] frame = StoredFrame.encode(c, head);
        assertThat(frame).hasSize(StoredFrame.size(c, length).getAsInt());
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.write(frame);
        try (OutputStream out = Codecs.compressor(c, c.defaultLevel(), file)) {
            out.write(rest);
        }
        byte[] expected = new byte[head.length + rest.length];
        System.arraycopy(head, 0, expected, 0, head.length);
        System.arraycopy(rest, 0, expected, head.length, rest.length);

        try (InputStream in = Codecs.decompressor(c, new ByteArrayInputStream(file.toByteArray()))) {
            assertThat(in.readAllBytes()).isEqualTo(expected);
        }
        Path stored = Files.write(tmp.resolve("stored." + codec), file.toByteArray());
        Path plain = TestDb.decompressWithStockTool(stored, codec, tmp.resolve("plain"));
        assertThat(Files.readAllBytes(plain)).isEqualTo(expected);
    }

    @Test
    void sizesAreExactAndLimitsAreKnown() {
        assertThat(StoredFrame.size(Compression.ZSTD, 4096)).hasValue(4096 + 10);
        assertThat(StoredFrame.size(Compression.GZ, 4096)).hasValue(10 + 5 + 4096 + 8);
        assertThat(StoredFrame.size(Compression.GZ, 65536)).hasValue(10 + 2 * 5 + 65536 + 8);
        assertThat(StoredFrame.size(Compression.NONE, 4096)).hasValue(4096);
        // stream header 12, block header 12, one LZMA2 chunk (3 + 4096) and its end (1), padding 0, check 4,
        // index 1 + 1 + 2 + 2 padded to 8 with its CRC32 4, stream footer 12
        assertThat(StoredFrame.size(Compression.XZ, 4096)).hasValue(12 + 12 + 3 + 4096 + 1 + 4 + 12 + 12);
        assertThat(StoredFrame.size(Compression.XZ, 0)).isEmpty();
        assertThat(StoredFrame.size(Compression.ZSTD, 100)).isEmpty();
        assertThat(StoredFrame.size(Compression.ZSTD, 65535 + 256)).hasValue(65535 + 256 + 10);
        assertThat(StoredFrame.size(Compression.ZSTD, 65536 + 256)).isEmpty();
        assertThatThrownBy(() -> StoredFrame.encode(Compression.ZSTD, new byte[100]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zstd");
    }
}
