package dev.archivist.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;

class TarStreamsTest {
    @Test
    void aSizeOver8GiBIsDeclaredInAPaxRecord() throws Exception {
        long nineGiB = 9L << 30;
        ByteArrayOutputStream sink = new ByteArrayOutputStream(); // only headers reach it: no content is written
        TarArchiveOutputStream tar = TarStreams.newTarOutput(sink);
        tar.putArchiveEntry(TarStreams.file("huge.bin", nineGiB, 0644, FileTime.fromMillis(1_700_000_000_000L), 1000, 1000));
        tar.flush();
        byte[] h = sink.toByteArray();
        assertThat(h.length).isEqualTo(3 * 512); // pax header, its record, the ustar header
        assertThat((char) h[156]).isEqualTo('x');
        String pax = new String(h, 512, 512, StandardCharsets.UTF_8);
        assertThat(pax).contains(" size=" + nineGiB + "\n");
        assertThat((char) h[1024 + 156]).isEqualTo('0');
        assertThat(new String(h, 1024, 8, StandardCharsets.US_ASCII)).isEqualTo("huge.bin");
        assertThat(new String(h, 1024 + 257, 5, StandardCharsets.US_ASCII)).isEqualTo("ustar");

        // a reader sees the full size again
        byte[] withEnd = new byte[h.length + 1024];
        System.arraycopy(h, 0, withEnd, 0, h.length);
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(withEnd))) {
            TarArchiveEntry e = in.getNextEntry();
            assertThat(e.getName()).isEqualTo("huge.bin");
            assertThat(e.getSize()).isEqualTo(nineGiB);
            assertThat(e.getMode() & 07777).isEqualTo(0644);
            assertThat(e.getLastModifiedTime().toMillis()).isEqualTo(1_700_000_000_000L);
        }
    }

    @Test
    void shortAsciiNamesWithWholeSecondMtimesNeedNoPaxHeader() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        TarArchiveOutputStream tar = TarStreams.newTarOutput(sink);
        tar.putArchiveEntry(TarStreams.directory("a/b", 0755, FileTime.fromMillis(1_700_000_000_000L), 0, 0));
        tar.closeArchiveEntry();
        tar.flush();
        byte[] h = sink.toByteArray();
        assertThat(h.length).isEqualTo(512);
        assertThat((char) h[156]).isEqualTo('5');
        assertThat(new String(h, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("a/b/");
        assertThat(new String(h, 136, 11, StandardCharsets.US_ASCII)).isEqualTo(Long.toOctalString(1_700_000_000L));
    }

    @Test
    void aSubSecondMtimeIsKeptInAPaxRecordAndTheHeaderHoldsItsSecond() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        TarArchiveOutputStream tar = TarStreams.newTarOutput(sink);
        FileTime mtime = FileTime.from(java.time.Instant.ofEpochSecond(1_700_000_000L, 999_876_500));
        tar.putArchiveEntry(TarStreams.file("f.txt", 0, 0644, mtime, 0, 0));
        tar.closeArchiveEntry();
        tar.finish();
        byte[] h = sink.toByteArray();
        assertThat((char) h[156]).isEqualTo('x');
        assertThat(new String(h, 512, 512, StandardCharsets.UTF_8)).contains(" mtime=1700000000.9998765\n");
        assertThat(new String(h, 1024 + 136, 11, StandardCharsets.US_ASCII)).isEqualTo(Long.toOctalString(1_700_000_000L));
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(h))) {
            assertThat(in.getNextEntry().getLastModifiedTime()).isEqualTo(mtime);
        }
    }
}
