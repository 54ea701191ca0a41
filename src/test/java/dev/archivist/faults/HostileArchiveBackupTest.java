package dev.archivist.faults;

import dev.archivist.archive.Sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.archivist.ArchivistException;
import dev.archivist.BackupService;
import dev.archivist.archive.Codecs;
import dev.archivist.archive.IndexEntry;
import dev.archivist.archive.IndexWriter;
import dev.archivist.archive.WrittenFile;
import dev.archivist.catalog.Durable;
import dev.archivist.catalog.Json;
import dev.archivist.catalog.Manifest;
import dev.archivist.catalog.StoredFile;
import dev.archivist.config.Compression;
import dev.archivist.restore.TarBuilder;
import dev.archivist.restore.UnsafeEntryException;
import dev.archivist.testing.CliProcess;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.Tuple;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile archives wrapped as genuine backups: jqwik generates tar streams with dangerous names ({@code ..}, absolute,
 * long, non-UTF-8 bytes, backslashes and drive letters, which are ordinary characters), link tricks (symlinks out of the tree, paths through symlinks,
 * hard links to outside), special files and PAX records; each is compressed, stored as the part of a storage backup
 * whose manifest carries correct sizes, SHA-256 sums and {@code manifest_checksum}, so only the extractor stands
 * between it and the disk. {@code restore storage} must never write outside its staging folder, and an archive with a
 * plainly unsafe entry must be refused with a message naming an entry of the archive.
 */
@Tag("system")
@net.jqwik.api.Tag("system")
class HostileArchiveBackupTest {
    static final int TRIES = FaultMode.count(50, 500);

    @TempDir
    Path dir;

    enum Kind { FILE, DIR, SYMLINK, HARDLINK, FIFO, CHARDEV, BLOCKDEV }

    record Spec(Kind kind, byte[] name, byte[] link, boolean pax) {
        byte type() {
            return switch (kind) {
                case FILE -> TarConstants.LF_NORMAL;
                case DIR -> TarConstants.LF_DIR;
                case SYMLINK -> TarConstants.LF_SYMLINK;
                case HARDLINK -> TarConstants.LF_LINK;
                case FIFO -> TarConstants.LF_FIFO;
                case CHARDEV -> TarConstants.LF_CHR;
                case BLOCKDEV -> TarConstants.LF_BLK;
            };
        }

        /** Whether this entry alone must make the extractor refuse the archive. */
        boolean plainlyUnsafe() {
            String n = new String(name, StandardCharsets.UTF_8);
            boolean badUtf8 = !java.util.Arrays.equals(n.getBytes(StandardCharsets.UTF_8), name);
            List<String> segments = List.of(n.split("/", -1));
            return kind == Kind.FIFO || kind == Kind.CHARDEV || kind == Kind.BLOCKDEV || n.startsWith("/")
                    || badUtf8 || segments.contains("..");
        }

        @Override
        public String toString() {
            return kind + " '" + new String(name, StandardCharsets.UTF_8) + "'"
                    + (link.length > 0 ? " -> '" + new String(link, StandardCharsets.UTF_8) + "'" : "") + (pax ? " (pax)" : "");
        }
    }

    /**
     * A jqwik example (it runs on a jqwik thread, so jqwik's generators can be driven by the suite's own seed and
     * try count rather than jqwik's).
     */
    @Example
    void restoreNeverWritesOutsideStagingAndNamesTheEntry() throws Exception {
        Path dir = Files.createTempDirectory("archivist-hostile");
        try {
            hostileArchives(dir);
        } finally {
            Durable.deleteTree(dir);
        }
    }

    private void hostileArchives(Path dir) throws Exception {
        long seed = FaultMode.seed("hostile archives");
        Path escape = Path.of("/tmp", "archivist-escape-" + Long.toHexString(seed) + "-" + ProcessHandle.current().pid());
        FaultFixture fx = new FaultFixture(dir).database(5, 10);
        FaultFixture.writeTree(fx.storage, 5, 4, 2_000);
        Files.createDirectories(dir.resolve("outside"));
        Files.writeString(dir.resolve("outside").resolve("canary.txt"), "canary\n");
        BackupService service = fx.service();
        Manifest template = service.backupStorage(false, null);

        Arbitrary<List<Spec>> archives = archives(escape.toString());
        var generator = archives.generator(1000);
        Random random = new Random(seed);
        int refusedNamed = 0;
        int refusedOther = 0;
        for (int i = 0; i < TRIES; i++) {
            List<Spec> specs = generator.next(random).value();
            String context = "try " + (i + 1) + " (seed " + seed + "): " + specs;
            String id = wrapAsBackup(fx, template, tar(specs), i);
            TreeMap<String, String> before = outsideStaging(fx);
            Throwable t = catchThrowable(() -> fx.service().restoreStorage(id, null, List.of(), true));
            UnsafeEntryException unsafe = cause(t, UnsafeEntryException.class);
            Set<String> names = new HashSet<>();
            for (Spec s : specs) {
                String n = new String(s.name(), StandardCharsets.UTF_8);
                names.add(n);
                names.add(n + "/");
            }
            if (specs.stream().anyMatch(Spec::plainlyUnsafe)) {
                assertThat(t).as("an archive with a plainly unsafe entry is refused; %s", context).isNotNull();
                // refused by the extractor naming the entry, or earlier by the filesystem (e.g. a name over 255 bytes),
                // also naming the entry
                assertThat(unsafe != null || names.stream().anyMatch(n -> !n.isEmpty() && t.getMessage().contains("'" + n + "'")))
                        .as("the refusal names an entry; %s; got %s", context, t).isTrue();
            }
            if (t != null) {
                assertThat(t).as(context).isInstanceOf(ArchivistException.class);
                if (unsafe != null) {
                    refusedNamed++;
                    assertThat(names).as("the refusal names an entry of the archive; %s", context).contains(unsafe.entryName());
                    assertThat(t.getMessage()).as(context).contains(unsafe.getMessage()).contains(unsafe.entryName().isEmpty() ? "" : "unsafe entry '");
                } else {
                    refusedOther++;
                }
                assertThat(outsideStaging(fx)).as("nothing outside staging changed; %s", context).isEqualTo(before);
            } else {
                // extracted and matched the index: every path of the new live tree is inside it
                assertInside(fx.storage, context);
            }
            assertThat(escape).as("absolute names never reach the disk; %s", context).doesNotExist();
            assertThat(dir.resolve("outside").resolve("canary.txt")).hasContent("canary\n");
            try (var siblings = Files.list(dir)) {
                assertThat(siblings.map(p -> p.getFileName().toString())).as("staging removed; %s", context)
                        .noneMatch(n -> n.startsWith(dev.archivist.restore.RestoreFiles.PREFIX));
            }
        }
        System.err.println("[faults] hostile archives: " + TRIES + " tries, " + refusedNamed + " refused naming an unsafe entry, "
                + refusedOther + " refused otherwise (e.g. tree differs from the index)");
        assertThat(refusedNamed).isPositive();
    }

    @Test
    void theRealCliRefusesATarSlipBackupNamingTheEntry() throws Exception {
        FaultFixture fx = new FaultFixture(dir).database(5, 10);
        FaultFixture.writeTree(fx.storage, 6, 3, 1_000);
        Manifest template = fx.service().backupStorage(false, null);
        String liveTree = FaultFixture.treeHash(fx.storage);
        byte[] tar = new TarBuilder().entry(TarBuilder.utf8("docs/ok.txt"), TarConstants.LF_NORMAL, null, TarBuilder.utf8("fine"), 0644, TarBuilder.MTIME)
                .entry(TarBuilder.utf8("docs/../../evil.txt"), TarConstants.LF_NORMAL, null, TarBuilder.utf8("pwned"), 0644, TarBuilder.MTIME)
                .bytes();
        String id = wrapAsBackup(fx, template, tar, 0);
        CliProcess.Result verify = fx.cli().run("verify", id, "--quick");
        assertThat(verify.exitCode()).as("checksums are all valid: only extraction can catch it; %s", verify.describe()).isZero();
        CliProcess.Result r = fx.cli().run("restore", "storage", id, "--yes");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        assertThat(r.stderr()).as(r.describe()).contains("docs/../../evil.txt").contains("refused").doesNotContain("\tat ");
        assertThat(dir.resolve("evil.txt")).doesNotExist();
        assertThat(dir.getParent().resolve("evil.txt")).doesNotExist();
        assertThat(FaultFixture.treeHash(fx.storage)).isEqualTo(liveTree);
    }

    @Test
    void deepVerifyNamesAnUnsafeEntryEvenWhenTheIndexListsIt() throws Exception {
        FaultFixture fx = new FaultFixture(dir).database(5, 10);
        FaultFixture.writeTree(fx.storage, 3, 2, 500);
        Manifest template = fx.service().backupStorage(false, null);
        byte[] ok = TarBuilder.utf8("fine");
        byte[] evil = TarBuilder.utf8("pwned");
        byte[] tar = new TarBuilder().entry(TarBuilder.utf8("docs/ok.txt"), TarConstants.LF_NORMAL, null, ok, 0644, TarBuilder.MTIME)
                .entry(TarBuilder.utf8("docs/../../evil.txt"), TarConstants.LF_NORMAL, null, evil, 0644, TarBuilder.MTIME)
                .entry(TarBuilder.utf8("docs/fifo"), TarConstants.LF_FIFO, null, null, 0644, TarBuilder.MTIME)
                .bytes();
        // a forged index that lists the same entries, so only the names themselves can tell
        Path forged = dir.resolve("forged");
        Files.createDirectories(forged);
        WrittenFile index;
        try (IndexWriter w = new IndexWriter(forged, "forged.index.jsonl.zst")) {
            w.add(new IndexEntry("docs/ok.txt", IndexEntry.FILE, ok.length, TarBuilder.MTIME, IndexEntry.octalMode(0644), null,
                    HexFormat.of().formatHex(Sha256.digest().digest(ok))));
            w.add(new IndexEntry("docs/../../evil.txt", IndexEntry.FILE, evil.length, TarBuilder.MTIME, IndexEntry.octalMode(0644), null,
                    HexFormat.of().formatHex(Sha256.digest().digest(evil))));
            index = w.finish();
        }
        String id = wrapAsBackup(fx, template, tar, 0, forged.resolve(index.fileName()));

        CliProcess.Result verify = fx.cli().run("verify", id);
        assertThat(verify.exitCode()).as(verify.describe()).isEqualTo(1);
        assertThat(verify.stdout() + verify.stderr()).as(verify.describe())
                .contains("docs/../../evil.txt").contains("escapes the target (..)")
                .contains("docs/fifo").contains("FIFOs are not restored")
                .doesNotContain("docs/ok.txt: ");
    }

    /** As {@link #wrapAsBackup(FaultFixture, Manifest, byte[], int, Path)} with the template's (valid) index. */
    static String wrapAsBackup(FaultFixture fx, Manifest template, byte[] tar, int n) throws Exception {
        return wrapAsBackup(fx, template, tar, n, null);
    }

    /**
     * Stores {@code tar} (compressed like the template) as a new storage backup with valid part checksums, sizes, the
     * index {@code indexFile} (null: the template's, valid one) and a correct {@code manifest_checksum}; returns its id.
     */
    static String wrapAsBackup(FaultFixture fx, Manifest template, byte[] tar, int n, Path indexFile) throws Exception {
        Path storageDir = fx.catalog().dir(dev.archivist.BackupType.STORAGE);
        // an id of the catalog's form, in the future so it never collides with a real one
        String unique = template.id().replace("storage_backup_", "");
        String id = "storage_backup_2099" + unique.substring(4, unique.length() - 4) + String.format("%03dZ", n % 1000);
        Compression c = Compression.parseOrNull(template.compression());
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (OutputStream out = Codecs.compressor(c, template.json().path("compression_level").asInt(3), compressed)) {
            out.write(tar);
        }
        byte[] data = compressed.toByteArray();
        String fileName = id + ".tar" + c.extension();
        Files.write(storageDir.resolve(fileName), data);
        String sha = HexFormat.of().formatHex(Sha256.digest().digest(data));
        String index = IndexWriter.fileNameFor(id);
        Path indexSource = indexFile != null ? indexFile : storageDir.resolve(template.indexFile());
        Files.copy(indexSource, storageDir.resolve(index), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        ObjectNode m = template.json().deepCopy();
        m.put("id", id);
        m.put("file", fileName);
        m.put("backup_path", storageDir.resolve(fileName).toString());
        m.put("file_size", data.length);
        m.put("checksum", sha);
        m.put("archive_sha256", sha);
        m.set("parts", Manifest.partsNode(List.of(new Manifest.Part(fileName, data.length, sha))));
        m.put("split", false);
        m.put("part_count", 1);
        byte[] indexBytes = Files.readAllBytes(indexSource);
        ((ObjectNode) m.get("index")).put("path", index).put("size", indexBytes.length)
                .put("sha256", HexFormat.of().formatHex(Sha256.digest().digest(indexBytes)));
        m.put(Manifest.SELF_CHECKSUM, Manifest.selfChecksum(m));
        Durable.writeAtomically(storageDir.resolve(Manifest.fileName(id)), Manifest.toBytes(m));
        return id;
    }

    /** Every path of the sandbox except the backup tool's own state folder (lock, records). */
    private static TreeMap<String, String> outsideStaging(FaultFixture fx) throws Exception {
        TreeMap<String, String> all = FaultFixture.snapshot(fx.root);
        all.keySet().removeIf(k -> k.startsWith("backups/.archivist"));
        return all;
    }

    private static void assertInside(Path root, String context) throws Exception {
        Path real = root.toRealPath();
        try (var walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isSymbolicLink(p)) {
                    Path target = p.getParent().toRealPath().resolve(Files.readSymbolicLink(p)).normalize();
                    assertThat(target).as(context).startsWith(real);
                } else {
                    assertThat(p.toRealPath(LinkOption.NOFOLLOW_LINKS)).as(context).startsWith(real);
                }
            }
        }
    }

    private static <T extends Throwable> T cause(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    static byte[] tar(List<Spec> specs) {
        TarBuilder builder = new TarBuilder();
        for (Spec spec : specs) {
            boolean slash = spec.name().length > 0 && spec.name()[spec.name().length - 1] == '/';
            byte[] content = spec.kind() == Kind.FILE && (spec.pax() || !slash) ? TarBuilder.utf8("hostile") : null;
            if (spec.pax()) {
                builder.pax(spec.link().length > 0 ? Map.of("path", spec.name(), "linkpath", spec.link()) : Map.of("path", spec.name()))
                        .entry(TarBuilder.utf8("placeholder"), spec.type(), TarBuilder.utf8("placeholder"), content, 0644, TarBuilder.MTIME);
            } else {
                builder.entry(spec.name(), spec.type(), spec.link(), content, 0644, TarBuilder.MTIME);
            }
        }
        return builder.bytes();
    }

    static Arbitrary<List<Spec>> archives(String escape) {
        Arbitrary<Kind> kinds = Arbitraries.frequencyOf(
                Tuple.of(10, Arbitraries.just(Kind.FILE)), Tuple.of(5, Arbitraries.just(Kind.DIR)),
                Tuple.of(6, Arbitraries.just(Kind.SYMLINK)), Tuple.of(3, Arbitraries.just(Kind.HARDLINK)),
                Tuple.of(1, Arbitraries.just(Kind.FIFO)), Tuple.of(1, Arbitraries.just(Kind.CHARDEV)),
                Tuple.of(1, Arbitraries.just(Kind.BLOCKDEV)));
        Arbitrary<Spec> spec = Combinators.combine(kinds, paths(List.of(escape + "/abs.txt", escape)),
                        paths(List.of("/etc", escape, "..", "../outside", "../../outside/canary.txt", "a/../..", "outside")),
                        Arbitraries.of(true, false, false, false))
                .as((kind, name, link, pax) -> new Spec(kind, name,
                        kind == Kind.SYMLINK || kind == Kind.HARDLINK ? link : new byte[0], pax));
        return spec.list().ofMinSize(1).ofMaxSize(6);
    }

    private static Arbitrary<byte[]> paths(List<String> wholes) {
        Arbitrary<String> segment = Arbitraries.frequencyOf(
                Tuple.of(60, Arbitraries.of("a", "b", "docs")),
                Tuple.of(8, Arbitraries.just("..")),
                Tuple.of(2, Arbitraries.of(".", "", "x\\y", "..\\..\\win", "C:", "é", "日本")),
                Tuple.of(1, Arbitraries.of("n".repeat(120), "L".repeat(300))),
                Tuple.of(2, Arbitraries.of("bad\u0001", "bad\u0002x")));
        Arbitrary<byte[]> joined = Combinators.combine(
                        Arbitraries.frequency(Tuple.of(20, ""), Tuple.of(3, "./"), Tuple.of(2, "/")),
                        segment.list().ofMinSize(1).ofMaxSize(4),
                        Arbitraries.frequency(Tuple.of(12, ""), Tuple.of(1, "/")))
                .as((prefix, segments, suffix) -> toBytes(prefix + String.join("/", segments) + suffix));
        return Arbitraries.frequencyOf(Tuple.of(6, joined), Tuple.of(1, Arbitraries.of(wholes).map(HostileArchiveBackupTest::toBytes)));
    }

    /** UTF-8, with U+0001 and U+0002 standing for the invalid bytes 0xFF and a lone 0xC3. */
    private static byte[] toBytes(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = bytes[i] == 1 ? (byte) 0xff : bytes[i] == 2 ? (byte) 0xc3 : bytes[i];
        }
        return bytes;
    }
}
