package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.archivist.catalog.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A FIFO at the name of an archive part (put there in place of the file) makes {@code dump} fail naming it, as verify
 * and restore report such a part, instead of waiting for a writer for ever.
 */
class DumpNeverWaitsOnAFifoPartTest {
    @TempDir
    Path dir;

    @Test
    void aFifoAtAPartsNameFailsTheDumpAtOnce() throws Exception {
        Fixture f = new Fixture(dir).storage(7, 1000);
        Files.writeString(f.storage.resolve("note.txt"), "in the first part");
        Manifest m = f.service().backupStorage(false, null);
        Path part = f.backups.resolve("storage").resolve(m.parts().get(0).path());
        Files.delete(part);
        Process mkfifo = new ProcessBuilder("mkfifo", part.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).isZero();

        Path out = dir.resolve("note-out.txt");
        Fixture.Run dump = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> f.cli("dump", m.id(), "note.txt", "--output", out.toString()));
        assertThat(dump.exitCode()).as(dump.describe()).isEqualTo(1);
        assertThat(dump.stderr()).contains(m.parts().get(0).path()).contains("not a regular file");
        assertThat(out).doesNotExist();
    }
}
