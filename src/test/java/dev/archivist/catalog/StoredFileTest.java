package dev.archivist.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archivist.testing.TestDb;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stored files: temporary until committed, hashed as stored, with or without a prefix filled in last. */
class StoredFileTest {
    @TempDir
    Path tmp;

    @Test
    void aReservedPrefixIsFilledInLastAndHashedWithTheRest() throws Exception {
        Path target = tmp.resolve("out.bin");
        StoredFile stored = StoredFile.createWithReservedPrefix(target, 5);
        try (OutputStream out = stored.stream()) {
            out.write(" world".getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(target).doesNotExist();
        stored.writePrefix("hello".getBytes(StandardCharsets.US_ASCII));
        Manifest.Part part = stored.commit();
        assertThat(Files.readString(target)).isEqualTo("hello world");
        assertThat(part.size()).isEqualTo(11);
        assertThat(part.sha256()).isEqualTo(TestDb.sha256(target));
        assertThat(TestDb.files(tmp)).containsExactly("out.bin");
    }

    @Test
    void aPrefixOfTheWrongSizeOrNoneAtAllIsRefusedAndNothingIsLeft() throws Exception {
        Path target = tmp.resolve("out.bin");
        try (StoredFile stored = StoredFile.createWithReservedPrefix(target, 4)) {
            stored.stream().write(1);
            assertThatThrownBy(() -> stored.writePrefix(new byte[3])).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(stored::commit).isInstanceOf(IllegalStateException.class).hasMessageContaining("prefix");
        }
        assertThat(TestDb.files(tmp)).isEmpty();
    }

    @Test
    void aPlainFileIsHashedWhileWritten() throws Exception {
        Path target = tmp.resolve("plain.bin");
        StoredFile stored = StoredFile.create(target);
        stored.stream().write(new byte[] {1, 2, 3});
        Manifest.Part part = stored.commit();
        assertThat(part.sha256()).isEqualTo(TestDb.sha256(target));
        assertThat(part.path()).isEqualTo("plain.bin");
    }
}
