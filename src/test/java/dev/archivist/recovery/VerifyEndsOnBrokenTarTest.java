package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.catalog.Manifest;
import dev.archivist.config.Compression;
import dev.archivist.verify.Problem;
import dev.archivist.verify.VerifyReport;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deep verify whose tar reader stops early while much decompressed data is still to come (a damaged tar header
 * inside a sound compressed stream, with valid part checksums) reports the damage and returns. It used to wait
 * forever: the tar reader closed the pipeline, whose producer then stopped without an end marker, and verify's
 * final read waited for one (found by the corruption fuzz test).
 */
class VerifyEndsOnBrokenTarTest {
    @TempDir
    java.nio.file.Path dir;

    @Test
    void aTarThatBreaksEarlyInALongStreamIsReportedNotWaitedFor() throws Exception {
        Fixture f = new Fixture(dir);
        byte[] garbageHeader = new byte[512];
        Arrays.fill(garbageHeader, (byte) 'x'); // not a tar header: its checksum field is not even a number
        byte[] rest = new byte[24 << 20]; // far more than the pipeline holds in flight
        new Random(1).nextBytes(rest);
        byte[] tail = new byte[garbageHeader.length + rest.length];
        System.arraycopy(garbageHeader, 0, tail, 0, garbageHeader.length);
        System.arraycopy(rest, 0, tail, garbageHeader.length, rest.length);
        for (Compression codec : new Compression[] {Compression.ZSTD, Compression.NONE}) {
            // one good file, then the damaged "header" and megabytes behind it
            Manifest m = new ForgedBackup().file("good.txt", "fine").endInstead(tail).writeTo(f.backups, codec, 3);

            VerifyReport report = f.service().verify(m, true);

            assertThat(report.clean()).as(codec.wireName()).isFalse();
            assertThat(report.problems()).extracting(Problem::toString).as(codec.wireName())
                    .anyMatch(p -> p.contains("tar"));
        }
    }
}
