package dev.archivist.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archivist.source.OwnerNames;
import dev.archivist.testing.Trees;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tar dialect at the byte level, as commons-compress reads it back and as GNU tar extracts it. */
class PaxTarWriterTest {
    @TempDir
    Path tmp;

    @Test
    void aSizeOver8GiBIsDeclaredInAPaxRecord() throws Exception {
        long nineGiB = 9L << 30;
        ByteArrayOutputStream sink = new ByteArrayOutputStream(); // only headers reach it: no content is written
        new PaxTarWriter(sink).file("huge.bin", nineGiB, 0644, FileTime.fromMillis(1_700_000_000_000L), 1000, 1000);
        byte[] h = sink.toByteArray();
        assertThat(h.length).isEqualTo(3 * 512); // pax header, its record, the ustar header
        assertThat((char) h[156]).isEqualTo('x');
        String pax = new String(h, 512, 512, StandardCharsets.UTF_8);
        assertThat(pax).startsWith("19 size=" + nineGiB + "\n");
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
            assertThat(e.getLongUserId()).isEqualTo(1000);
            assertThat(e.getLastModifiedTime().toMillis()).isEqualTo(1_700_000_000_000L);
        }
    }

    @Test
    void shortAsciiNamesWithWholeSecondMtimesNeedNoPaxHeader() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        new PaxTarWriter(sink).directory("a/b", 0755, FileTime.fromMillis(1_700_000_000_000L), 0, 0);
        byte[] h = sink.toByteArray();
        assertThat(h.length).isEqualTo(512);
        assertThat((char) h[156]).isEqualTo('5');
        assertThat(new String(h, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("a/b/\0");
        assertThat(new String(h, 100, 8, StandardCharsets.US_ASCII)).isEqualTo("0000755\0");
        assertThat(new String(h, 136, 12, StandardCharsets.US_ASCII))
                .isEqualTo(Long.toOctalString(1_700_000_000L) + "\0");
        long sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += i >= 148 && i < 156 ? ' ' : h[i] & 0xff;
        }
        assertThat(new String(h, 148, 8, StandardCharsets.US_ASCII)).isEqualTo(String.format("%06o\0 ", sum));
    }

    @Test
    void aSubSecondMtimeIsKeptToTheNanosecondAndTheHeaderHoldsItsSecond() throws Exception {
        FileTime mtime = FileTime.from(Instant.ofEpochSecond(1_700_000_000L, 999_876_543));
        byte[] h = archive(w -> {
            w.file("f.txt", 0, 0644, mtime, 0, 0);
            w.closeEntry();
        });
        assertThat((char) h[156]).isEqualTo('x');
        assertThat(new String(h, 512, 512, StandardCharsets.UTF_8)).startsWith("30 mtime=1700000000.999876543\n");
        assertThat(new String(h, 1024 + 136, 11, StandardCharsets.US_ASCII))
                .isEqualTo(Long.toOctalString(1_700_000_000L));
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(h))) {
            assertThat(in.getNextEntry().getLastModifiedTime()).isEqualTo(mtime);
        }
    }

    @Test
    void theArchiveEndsWithTwoZeroBlocksInWholeRecords() throws Exception {
        byte[] h = archive(w -> {
            w.file("a", 3, 0600, FileTime.fromMillis(0), 0, 0);
            w.write(new byte[] {1, 2, 3}, 0, 3);
            w.closeEntry();
        });
        assertThat(h.length).isEqualTo(10240);
        assertThat(h[512]).isEqualTo((byte) 1);
        for (int i = 515; i < h.length; i++) {
            assertThat(h[i]).as("byte %d", i).isZero();
        }
    }

    @Test
    void contentThatDoesNotMatchTheDeclaredSizeIsRefused() throws Exception {
        PaxTarWriter w = new PaxTarWriter(new ByteArrayOutputStream());
        w.file("short", 4, 0644, FileTime.fromMillis(0), 0, 0);
        w.write(new byte[3], 0, 3);
        assertThatThrownBy(w::closeEntry).isInstanceOf(IOException.class)
                .hasMessageContaining("'short' closed after 3 bytes");
        assertThatThrownBy(() -> w.write(new byte[2], 0, 2)).isInstanceOf(IOException.class)
                .hasMessageContaining("5 bytes written, header declares 4");
    }

    @Test
    void gnuTarExtractsLongUnicodeNamesLinksModesAndExactTimes() throws Exception {
        String deep = "d".repeat(60) + "/" + "é".repeat(40) + "/" + "日本語 spaces";
        String longName = deep + "/" + "n".repeat(150) + ".txt";
        String longTarget = "../" + "t".repeat(120);
        FileTime t1 = FileTime.from(Instant.ofEpochSecond(1_600_000_000L, 123_456_789));
        FileTime t2 = FileTime.from(Instant.ofEpochSecond(1_650_000_000L));
        byte[] h = archive(w -> {
            w.directory(deep, 0750, t2, 0, 0);
            byte[] content = "hello".getBytes(StandardCharsets.UTF_8);
            w.file(longName, content.length, 0640, t1, 0, 0);
            w.write(content, 0, content.length);
            w.closeEntry();
            w.file("plain.txt", 0, 0604, t1, 0, 0);
            w.closeEntry();
            w.symlink("link", longTarget, t2, 0, 0);
            w.symlink("short-link", "plain.txt", t2, 0, 0);
        });
        Path tarFile = tmp.resolve("a.tar");
        Files.write(tarFile, h);
        Path out = Files.createDirectory(tmp.resolve("out"));
        Trees.sh("LC_ALL=C.UTF-8 tar -xf " + Trees.q(tarFile) + " -C " + Trees.q(out));
        Path file = out.resolve(longName);
        assertThat(Files.readString(file)).isEqualTo("hello");
        assertThat(Files.getLastModifiedTime(file)).isEqualTo(t1);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
        assertThat(Files.getLastModifiedTime(out.resolve(deep))).isEqualTo(t2);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve(deep))))
                .isEqualTo("rwxr-x---");
        assertThat(Files.getLastModifiedTime(out.resolve("plain.txt"))).isEqualTo(t1);
        assertThat(Files.readSymbolicLink(out.resolve("link")).toString()).isEqualTo(longTarget);
        assertThat(Files.readSymbolicLink(out.resolve("short-link")).toString()).isEqualTo("plain.txt");
        assertThat(Files.getLastModifiedTime(out.resolve("short-link"), LinkOption.NOFOLLOW_LINKS)).isEqualTo(t2);
        assertThat(Trees.sh("cd " + Trees.q(out) + " && find . -name PaxHeaders")).isEmpty();
    }

    @Test
    void ownerAndGroupNamesFillTheirHeaderFieldsLookedUpOncePerId() throws Exception {
        java.util.List<Long> asked = new java.util.ArrayList<>();
        OwnerNames names = new OwnerNames(uid -> {
            asked.add(uid);
            return uid == 1000 ? "alice" : "";
        }, gid -> gid == 50 ? "staff" : "");
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PaxTarWriter w = new PaxTarWriter(sink, names);
        for (String name : new String[] {"a", "b", "c"}) {
            w.file(name, 0, 0644, FileTime.fromMillis(1_700_000_000_000L), 1000, 50);
            w.closeEntry();
        }
        w.file("nameless", 0, 0644, FileTime.fromMillis(1_700_000_000_000L), 4321, 4321);
        w.closeEntry();
        w.finish();
        byte[] h = sink.toByteArray();
        assertThat(h[0]).isEqualTo((byte) 'a'); // no pax header: both names fit their fields
        assertThat(new String(h, 265, 6, StandardCharsets.US_ASCII)).isEqualTo("alice\0");
        assertThat(new String(h, 297, 6, StandardCharsets.US_ASCII)).isEqualTo("staff\0");
        assertThat(asked).containsExactly(1000L, 4321L);

        Path tarFile = Files.write(tmp.resolve("names.tar"), h);
        assertThat(Trees.sh("LC_ALL=C.UTF-8 tar -tvf " + Trees.q(tarFile)))
                .contains("alice/staff", "4321/4321").doesNotContain("checksum");
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(h))) {
            TarArchiveEntry e = in.getNextEntry();
            assertThat(e.getUserName()).isEqualTo("alice");
            assertThat(e.getGroupName()).isEqualTo("staff");
        }
    }

    @Test
    void longOrNonAsciiOwnerNamesGoInPaxRecords() throws Exception {
        String group = "g".repeat(40);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PaxTarWriter w = new PaxTarWriter(sink, new OwnerNames(uid -> "jürgen", gid -> group));
        w.file("f", 0, 0644, FileTime.fromMillis(1_700_000_000_000L), 1000, 1000);
        w.closeEntry();
        w.finish();
        byte[] h = sink.toByteArray();
        assertThat((char) h[156]).isEqualTo('x');
        assertThat(new String(h, 512, 512, StandardCharsets.UTF_8))
                .contains(" uname=jürgen\n").contains(" gname=" + group + "\n");
        assertThat(h[1024 + 265]).as("uname field left empty").isZero();
        assertThat(h[1024 + 297]).as("gname field left empty").isZero();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(h))) {
            TarArchiveEntry e = in.getNextEntry();
            assertThat(e.getName()).isEqualTo("f");
            assertThat(e.getUserName()).isEqualTo("jürgen");
            assertThat(e.getGroupName()).isEqualTo(group);
        }
    }

    /**
     * Each header's checksum field holds the sum of its 512 bytes (the field itself counted as spaces), whatever the
     * entry before it left in the reused buffer: the writer sums only the fields it sets, so a byte it forgot to
     * zero, or a field it forgot to count, shows here.
     */
    @Test
    void everyHeadersChecksumIsTheSumOfItsBytes() throws Exception {
        OwnerNames names = new OwnerNames(uid -> uid == 1 ? "someone-with-a-31-byte-name-xyz" : "u" + uid,
                gid -> gid == 1 ? "g".repeat(40) : "");
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PaxTarWriter w = new PaxTarWriter(sink, names);
        FileTime exact = FileTime.from(Instant.ofEpochSecond(1_700_000_000L, 123_456_789));
        FileTime whole = FileTime.fromMillis(1_700_000_000_000L);
        w.symlink("d/" + "l".repeat(120), "t".repeat(99), exact, 1, 1);
        w.file("short", 0, 04755, whole, 0, 0);
        w.closeEntry();
        w.symlink("s", "x", whole, 2, 2);
        w.directory("é/" + "ü".repeat(80), 0700, exact, 3_000_000, 3_000_000);
        w.file("b", 3, 0600, whole, 1, 2);
        w.write(new byte[] {1, 2, 3}, 0, 3);
        w.closeEntry();
        w.finish();
        byte[] t = sink.toByteArray();
        int headers = 0;
        for (int at = 0; at + 512 <= t.length; at += 512) {
            if (new String(t, at + 257, 5, StandardCharsets.US_ASCII).equals("ustar")) {
                long sum = 0;
                for (int i = at; i < at + 512; i++) {
                    sum += i >= at + 148 && i < at + 156 ? ' ' : t[i] & 0xff;
                }
                String field = new String(t, at + 148, 6, StandardCharsets.US_ASCII);
                assertThat(Long.parseLong(field, 8)).as("header at %d", at).isEqualTo(sum);
                headers++;
            }
        }
        assertThat(headers).isEqualTo(7); // two entries with a pax header, three without
        Path tarFile = Files.write(tmp.resolve("sums.tar"), t);
        assertThat(Trees.sh("LC_ALL=C.UTF-8 tar -tvf " + Trees.q(tarFile) + " 2>&1")).doesNotContain("checksum")
                .contains("short");
    }

    /** The system's names are those Java gives a file's owner; an id the system does not know has none. */
    @Test
    void systemNamesAreThoseOfTheUserAndGroupDatabases() throws Exception {
        Path file = Files.writeString(tmp.resolve("mine"), "x");
        long uid = Integer.toUnsignedLong((Integer) Files.getAttribute(file, "unix:uid"));
        long gid = Integer.toUnsignedLong((Integer) Files.getAttribute(file, "unix:gid"));
        OwnerNames system = OwnerNames.system();
        assertThat(system.user(uid)).isEqualTo(Files.getOwner(file).getName()).isNotEmpty();
        assertThat(system.group(gid)).isEqualTo(
                Files.readAttributes(file, java.nio.file.attribute.PosixFileAttributes.class).group().getName());
        assertThat(system.user(3_999_999L)).isEmpty();
        assertThat(system.user(4_000_000_000L)).isEmpty();
        assertThat(system.group(3_999_999L)).isEmpty();
    }

    interface Body {
        void write(PaxTarWriter w) throws IOException;
    }

    private static byte[] archive(Body body) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PaxTarWriter w = new PaxTarWriter(sink);
        body.write(w);
        w.finish();
        return sink.toByteArray();
    }
}
