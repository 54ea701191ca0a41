package dev.archivist.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** Whatever {@link PaxTarWriter} writes, commons-compress reads back field for field. */
class PaxTarWriterPropertyTest {
    enum Kind { FILE, DIR, SYMLINK }

    record Spec(Kind kind, String name, String target, byte[] content, int mode, Instant mtime, long uid, long gid) {
    }

    @Property(tries = 300)
    void everyFieldSurvivesARoundTrip(@ForAll("archives") List<Spec> specs) throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PaxTarWriter w = new PaxTarWriter(sink);
        for (Spec s : specs) {
            FileTime t = FileTime.from(s.mtime());
            switch (s.kind()) {
                case FILE -> {
                    w.file(s.name(), s.content().length, s.mode(), t, s.uid(), s.gid());
                    w.write(s.content(), 0, s.content().length);
                    w.closeEntry();
                }
                case DIR -> w.directory(s.name(), s.mode(), t, s.uid(), s.gid());
                case SYMLINK -> w.symlink(s.name(), s.target(), t, s.uid(), s.gid());
            }
        }
        w.finish();
        byte[] tar = sink.toByteArray();
        assertThat(tar.length % 10240).isZero();
        assertThat(w.bytesWritten()).isEqualTo(tar.length);

        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar), "UTF-8")) {
            for (Spec s : specs) {
                TarArchiveEntry e = in.getNextEntry();
                assertThat(e).as("entry for %s", s.name()).isNotNull();
                assertThat(e.getName()).isEqualTo(s.kind() == Kind.DIR ? s.name() + "/" : s.name());
                assertThat(e.getLastModifiedTime().toInstant()).isEqualTo(s.mtime());
                assertThat(e.getLongUserId()).isEqualTo(s.uid());
                assertThat(e.getLongGroupId()).isEqualTo(s.gid());
                switch (s.kind()) {
                    case FILE -> {
                        assertThat(e.isFile()).isTrue();
                        assertThat(e.getMode() & 07777).isEqualTo(s.mode());
                        assertThat(in.readAllBytes()).isEqualTo(s.content());
                    }
                    case DIR -> {
                        assertThat(e.isDirectory()).isTrue();
                        assertThat(e.getMode() & 07777).isEqualTo(s.mode());
                    }
                    case SYMLINK -> {
                        assertThat(e.isSymbolicLink()).isTrue();
                        assertThat(e.getLinkName()).isEqualTo(s.target());
                    }
                }
            }
            assertThat(in.getNextEntry()).isNull();
        }
    }

    @Provide
    Arbitrary<List<Spec>> archives() {
        Arbitrary<String> segment = Arbitraries.strings()
                .withChars("abcxyz09 -_.é日本語ßQ")
                .withCharRange('\u0400', '\u0410')
                .ofMinLength(1).ofMaxLength(80)
                .filter(s -> !s.equals(".") && !s.equals(".."))
                .map(s -> s.replace("Q", "\uD83D\uDE00")); // an emoji: 4 bytes in UTF-8, two chars in Java
        Arbitrary<String> path = segment.list().ofMinSize(1).ofMaxSize(5).map(l -> String.join("/", l));
        Arbitrary<Instant> mtime = Combinators.combine(
                Arbitraries.longs().between(-5_000_000_000L, 100_000_000_000L),
                Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(0, 999_999_999)))
                .as(Instant::ofEpochSecond);
        Arbitrary<Long> id = Arbitraries.oneOf(Arbitraries.longs().between(0, 70_000),
                Arbitraries.longs().between(0, 1L << 40));
        Arbitrary<Spec> spec = Combinators.combine(
                Arbitraries.of(Kind.class), path, path, Arbitraries.bytes().array(byte[].class).ofMaxSize(1500),
                Arbitraries.integers().between(0, 07777), mtime, id, id)
                .as(Spec::new);
        return spec.list().ofMinSize(1).ofMaxSize(8);
    }
}
