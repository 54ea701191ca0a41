package dev.archivist.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartWriterTest {
    @TempDir
    Path dir;

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private List<String> names() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void writeInOddSlices(PartWriter w, byte[] data) throws Exception {
        int off = 0;
        int step = 1;
        while (off < data.length) {
            int n = Math.min(step, data.length - off);
            w.write(data, off, n);
            off += n;
            step = step * 3 + 1;
        }
    }

    @Test
    void splitsIntoPartsOfChunkSizeWithPerPartHashes() throws Exception {
        byte[] data = random(2_500_000);
        PartWriter w = new PartWriter(dir, "a.tar.zst", 1_000_000, 1_000_000, true);
        writeInOddSlices(w, data);
        w.close();
        ArchiveFiles files = w.finish();
        assertThat(names()).containsExactly("a.tar.zst.part001", "a.tar.zst.part002", "a.tar.zst.part003");
        assertThat(files.parts()).extracting(ArchiveFiles.Part::size).containsExactly(1_000_000L, 1_000_000L, 500_000L);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (ArchiveFiles.Part p : files.parts()) {
            byte[] bytes = Files.readAllBytes(dir.resolve(p.fileName()));
            assertThat(TestTrees.sha256(bytes)).isEqualTo(p.sha256Hex());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(p.fileName()))))
                    .isEqualTo("rw-------");
            joined.write(bytes);
        }
        assertThat(joined.toByteArray()).isEqualTo(data);
        assertThat(files.sha256Hex()).isEqualTo(TestTrees.sha256(data));
        assertThat(files.totalSize()).isEqualTo(data.length);
        assertThat(files.split()).isTrue();
    }

    @Test
    void overNineHundredNinetyNinePartsTheNamesGetMoreDigitsSoNameOrderStaysTheArchiveOrder() throws Exception {
        byte[] data = random(1_234 * 16 + 5);
        PartWriter w = new PartWriter(dir, "a.tar.zst", 16, 0, true);
        writeInOddSlices(w, data);
        ArchiveFiles files = w.finish();

        List<String> inNameOrder = names(); // what `cat a.tar.zst.part*` concatenates
        assertThat(inNameOrder).hasSize(1_235).first().isEqualTo("a.tar.zst.part0001");
        assertThat(inNameOrder).last().isEqualTo("a.tar.zst.part1235");
        assertThat(files.parts()).extracting(ArchiveFiles.Part::fileName).containsExactlyElementsOf(inNameOrder);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (String name : inNameOrder) {
            joined.write(Files.readAllBytes(dir.resolve(name)));
        }
        assertThat(joined.toByteArray()).isEqualTo(data);
        assertThat(files.parts().get(1_000).sha256Hex())
                .isEqualTo(TestTrees.sha256(Arrays.copyOfRange(data, 16_000, 16_016)));
    }

    @Test
    void joinsPartsIntoOneFileWhenNotOverMaxSize() throws Exception {
        byte[] data = random(2_500_000);
        PartWriter w = new PartWriter(dir, "a.tar.gz", 1_000_000, 2_500_000, true);
        w.write(data);
        ArchiveFiles files = w.finish();
        assertThat(names()).containsExactly("a.tar.gz");
        assertThat(Files.readAllBytes(dir.resolve("a.tar.gz"))).isEqualTo(data);
        assertThat(files.parts()).containsExactly(new ArchiveFiles.Part("a.tar.gz", data.length, TestTrees.sha256(data)));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a.tar.gz")))).isEqualTo("rw-------");
    }

    @Test
    void withoutAutoSplitWritesOneFileWhateverTheSize() throws Exception {
        byte[] data = random(3_000_000);
        PartWriter w = new PartWriter(dir, "a.tar", 1_000_000, 10, false);
        w.write(data);
        ArchiveFiles files = w.finish();
        assertThat(names()).containsExactly("a.tar");
        assertThat(files.sha256Hex()).isEqualTo(TestTrees.sha256(data));
    }

    @Test
    void anEmptyStreamIsOneEmptyFile() throws Exception {
        ArchiveFiles files = new PartWriter(dir, "a.tar", 1000, 1000, true).finish();
        assertThat(names()).containsExactly("a.tar");
        assertThat(files.parts().get(0).size()).isZero();
        assertThat(files.sha256Hex()).isEqualTo(TestTrees.sha256(new byte[0]));
    }

    @Test
    void anExactMultipleOfTheChunkSizeHasNoEmptyLastPart() throws Exception {
        PartWriter w = new PartWriter(dir, "a.tar", 1000, 0, true);
        w.write(random(3000));
        assertThat(w.finish().parts()).hasSize(3);
        assertThat(names()).hasSize(3);
    }

    @Test
    void abortDeletesEverythingWrittenSoFar() throws Exception {
        PartWriter w = new PartWriter(dir, "a.tar", 1000, 0, true);
        w.write(random(3500));
        assertThat(names()).hasSize(4).allMatch(n -> n.startsWith(".tmp-a.tar.part00"));
        w.abort();
        w.abort();
        assertThat(names()).isEmpty();
        assertThatThrownBy(() -> w.write(1)).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void abortAfterFinishDeletesTheFinalFiles() throws Exception {
        PartWriter w = new PartWriter(dir, "a.tar", 1000, 0, true);
        w.write(random(2500));
        w.finish();
        assertThat(names()).hasSize(3);
        w.abort();
        assertThat(names()).isEmpty();
    }

    @Test
    void neverOverwritesAnExistingArchive() throws Exception {
        Files.writeString(dir.resolve("a.tar"), "precious");
        assertThatThrownBy(() -> new PartWriter(dir, "a.tar", 1000, 1000, true))
                .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining("a.tar");
        assertThat(Files.readString(dir.resolve("a.tar"))).isEqualTo("precious");
    }

    @Test
    void singleByteWritesWork() throws Exception {
        PartWriter w = new PartWriter(dir, "a.tar", 3, 0, true);
        byte[] data = "hello world".getBytes();
        for (byte b : data) {
            w.write(b);
        }
        ArchiveFiles files = w.finish();
        assertThat(files.parts()).hasSize(4);
        assertThat(Files.readAllBytes(dir.resolve("a.tar.part004"))).isEqualTo(Arrays.copyOfRange(data, 9, 11));
    }
}
