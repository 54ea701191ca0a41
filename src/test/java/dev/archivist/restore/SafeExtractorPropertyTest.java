package dev.archivist.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.Tuple;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Random archives mixing safe and hostile entries: extraction either succeeds with everything (symlink
 * targets included) inside staging, or fails with an {@link UnsafeEntryException} naming an entry of the
 * stream; in both cases nothing outside staging changes.
 */
class SafeExtractorPropertyTest {

    enum Kind { FILE, DIR, SYMLINK, HARDLINK, FIFO, CHARDEV }

    record Spec(Kind kind, byte[] name, byte[] link, boolean pax) {
        byte type() {
            return switch (kind) {
                case FILE -> TarConstants.LF_NORMAL;
                case DIR -> TarConstants.LF_DIR;
                case SYMLINK -> TarConstants.LF_SYMLINK;
                case HARDLINK -> TarConstants.LF_LINK;
                case FIFO -> TarConstants.LF_FIFO;
                case CHARDEV -> TarConstants.LF_CHR;
            };
        }

        @Override
        public String toString() {
            return kind + " " + show(name) + (link.length > 0 ? " -> " + show(link) : "") + (pax ? " (pax)" : "");
        }

        private static String show(byte[] b) {
            return EntryNames.display(new String(b, StandardCharsets.UTF_8));
        }
    }

    @Property(tries = 200, edgeCases = EdgeCasesMode.NONE)
    void neverWritesOutsideStaging(@ForAll("archives") List<Spec> specs) throws Exception {
        Sandbox sandbox = new Sandbox(Files.createTempDirectory("extract-prop"));
        try {
            Map<String, String> before = sandbox.snapshotOutsideStaging();
            try {
                new SafeExtractor().extract(new ByteArrayInputStream(tar(specs)), sandbox.staging, p -> true);
                assertEverythingInside(sandbox.staging);
                Statistics.label("outcome").collect("extracted");
            } catch (UnsafeEntryException e) {
                // the tar writer appends '/' to directory names
                Set<String> names = specs.stream().map(s -> EntryNames.decodeLossy(s.name()))
                        .flatMap(n -> java.util.stream.Stream.of(n, n + "/")).collect(Collectors.toSet());
                assertThat(names).as(e.getMessage()).contains(e.entryName());
                Statistics.label("outcome").collect("refused");
            }
            assertThat(sandbox.snapshotOutsideStaging()).isEqualTo(before);
        } finally {
            sandbox.deleteAll();
        }
    }

    private static void assertEverythingInside(Path staging) throws Exception {
        try (var paths = Files.walk(staging)) {
            for (Path p : paths.collect(Collectors.toList())) {
                assertThat(p.normalize()).startsWithRaw(staging);
                if (Files.isSymbolicLink(p)) {
                    Path target = Files.readSymbolicLink(p);
                    assertThat(target.isAbsolute()).as(p.toString()).isFalse();
                    assertThat(p.getParent().toRealPath().resolve(target).normalize()).as(p.toString()).startsWithRaw(staging);
                    if (Files.exists(p)) {
                        assertThat(p.toRealPath()).as(p.toString()).startsWithRaw(staging);
                    }
                }
            }
        }
    }

    private static byte[] tar(List<Spec> specs) {
        TarBuilder builder = new TarBuilder();
        for (Spec spec : specs) {
            boolean slash = spec.name().length > 0 && spec.name()[spec.name().length - 1] == '/';
            byte[] content = spec.kind() == Kind.FILE && (spec.pax() || !slash) ? new byte[] {'x'} : null;
            if (spec.pax()) {
                builder.pax(spec.link().length > 0 ? Map.of("path", spec.name(), "linkpath", spec.link()) : Map.of("path", spec.name()))
                        .entry(TarBuilder.utf8("placeholder"), spec.type(), TarBuilder.utf8("placeholder"), content, 0644, TarBuilder.MTIME);
            } else {
                builder.entry(spec.name(), spec.type(), spec.link(), content, 0644, TarBuilder.MTIME);
            }
        }
        return builder.bytes();
    }

    @Provide
    Arbitrary<List<Spec>> archives() {
        Arbitrary<Spec> spec = Combinators.combine(
                kinds(),
                paths(List.of()), paths(List.of("/etc", "outside", "../outside", "..")), Arbitraries.of(true, false, false))
                .as((kind, name, link, pax) -> new Spec(kind, name,
                        kind == Kind.SYMLINK || kind == Kind.HARDLINK ? link : new byte[0], pax));
        return spec.list().ofMinSize(1).ofMaxSize(6);
    }

    private static Arbitrary<Kind> kinds() {
        return Arbitraries.frequencyOf(
                Tuple.of(10, Arbitraries.just(Kind.FILE)),
                Tuple.of(6, Arbitraries.just(Kind.DIR)),
                Tuple.of(6, Arbitraries.just(Kind.SYMLINK)),
                Tuple.of(2, Arbitraries.just(Kind.HARDLINK)),
                Tuple.of(1, Arbitraries.just(Kind.FIFO)),
                Tuple.of(1, Arbitraries.just(Kind.CHARDEV)));
    }

    private static Arbitrary<byte[]> paths(List<String> extraWholes) {
        Arbitrary<String> segment = Arbitraries.frequencyOf(
                Tuple.of(80, Arbitraries.of("a", "b", "c")),
                Tuple.of(4, Arbitraries.just("..")),
                Tuple.of(1, Arbitraries.of(".", "", "x\\y", "C:", "é", "日本", "n".repeat(120))),
                Tuple.of(1, Arbitraries.of("bad\u0001", "bad\u0002x")));
        Arbitrary<byte[]> joined = Combinators.combine(
                        Arbitraries.frequency(Tuple.of(24, ""), Tuple.of(3, "./"), Tuple.of(1, "/")), segment.list().ofMinSize(1).ofMaxSize(4), Arbitraries.frequency(Tuple.of(12, ""), Tuple.of(1, "/")))
                .as((prefix, segments, suffix) -> toBytes(prefix + String.join("/", segments) + suffix));
        if (extraWholes.isEmpty()) {
            return joined;
        }
        return Arbitraries.oneOf(joined, Arbitraries.of(extraWholes).map(SafeExtractorPropertyTest::toBytes));
    }

    /** UTF-8 bytes, with U+0001 and U+0002 standing for the invalid UTF-8 bytes 0xFF and a lone 0xC3. */
    private static byte[] toBytes(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = bytes[i] == 1 ? (byte) 0xff : bytes[i] == 2 ? (byte) 0xc3 : bytes[i];
        }
        return bytes;
    }
}
