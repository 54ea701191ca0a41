package dev.archivist.archive;

import static dev.archivist.archive.TestTrees.q;
import static dev.archivist.archive.TestTrees.sh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.archivist.config.Compression;
import dev.archivist.source.SkippedEntry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The whole write pipeline (walk → tar → codec → parts) checked by extracting with GNU tar. */
@Tag("system")
class StorageArchiverTest {
    static final String BASE = "storage_backup_20261128T010203Z";

    @TempDir
    Path tmp;

    record Run(ArchiveResult result, ArchiveFiles files, WrittenFile index, Path dir) {
        List<Path> partPaths() {
            return files.parts().stream().map(p -> dir.resolve(p.fileName())).collect(Collectors.toList());
        }

        /**
         * A shell command that writes the archive to stdout as an operator would: {@code cat name.part*} (or the
         * single file) in the archive's folder. The glob checks that name order is part order, and keeps the command
         * short whatever the number of parts (a list of absolute paths can pass the kernel's 128 KiB argument limit).
         */
        String catCommand() {
            String first = files.parts().get(0).fileName();
            String archive = first.replaceFirst("\\.part\\d+$", "");
            return "cd " + q(dir) + " && cat -- " + q(Path.of(archive)) + (archive.equals(first) ? "" : ".part*");
        }
    }

    static Run archive(Path root, Path dir, Compression c, long chunk, long max, StorageArchiver archiver,
            ProgressListener progress) throws IOException {
        Files.createDirectories(dir);
        PartWriter parts = new PartWriter(dir, BASE + ".tar" + c.extension(), chunk, max, true);
        IndexWriter index = new IndexWriter(dir, IndexWriter.fileNameFor(BASE));
        try {
            ArchiveResult r;
            try (OutputStream comp = Codecs.compressor(c, c.defaultLevel(), parts)) {
                r = archiver.write(root, List.of(), comp, index, progress);
            }
            return new Run(r, parts.finish(), index.finish(), dir);
        } catch (IOException | RuntimeException e) {
            parts.abort();
            index.abort();
            throw e;
        }
    }

    static String decompressCommand(Compression c) {
        switch (c) {
            case ZSTD: return "zstd -d -c";
            case GZ: return "gzip -d -c";
            case XZ: return "xz -d -c";
            default: return "cat";
        }
    }

    static Path extract(Run run, Compression c, Path out) throws Exception {
        Files.createDirectories(out);
        sh(run.catCommand() + " | " + decompressCommand(c) + " | tar -x -p -C " + q(out));
        return out;
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void roundTripsThroughGnuTarInThreeOrMoreParts(Compression c) throws Exception {
        Path root = tmp.resolve("storage");
        TestTrees.buildAwkward(root, tmp.resolve("outside.txt"));
        Run run = archive(root, tmp.resolve("out"), c, 1 << 20, 1 << 20, new StorageArchiver(), ProgressListener.NONE);

        assertThat(run.files().parts()).hasSizeGreaterThanOrEqualTo(3);
        assertThat(run.result().skipped()).isEmpty();
        assertThat(run.result().changed()).isEmpty();
        try (Stream<Path> s = Files.list(run.dir())) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".tmp-"));
        }
        long total = 0;
        for (int i = 0; i < run.files().parts().size(); i++) {
            ArchiveFiles.Part part = run.files().parts().get(i);
            Path file = run.dir().resolve(part.fileName());
            assertThat(part.fileName()).isEqualTo(String.format("%s.tar%s.part%03d", BASE, c.extension(), i + 1));
            assertThat(Files.size(file)).isEqualTo(part.size());
            assertThat(TestTrees.sha256(file)).isEqualTo(part.sha256Hex());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            total += part.size();
        }
        assertThat(run.files().totalSize()).isEqualTo(total);
        String sums = sh("sha256sum " + q(run.partPaths().get(0)));
        assertThat(sums).startsWith(run.files().parts().get(0).sha256Hex());
        String whole = sh(run.catCommand() + " | sha256sum");
        assertThat(whole).startsWith(run.files().sha256Hex());

        Path out = extract(run, c, tmp.resolve("extracted"));
        assertThat(TestTrees.describe(out)).isEqualTo(TestTrees.describe(root));
        assertThat(Files.readSymbolicLink(out.resolve("link-outside"))).isEqualTo(tmp.resolve("outside.txt"));
        assertIndexMatches(run, root);
    }

    private static void assertIndexMatches(Run run, Path root) throws IOException {
        Map<String, IndexEntry> byPath = new HashMap<>();
        try (IndexReader r = new IndexReader(run.dir().resolve(run.index().fileName()))) {
            r.forEachRemaining(e -> byPath.put(e.path(), e));
        }
        assertThat(TestTrees.sha256(run.dir().resolve(run.index().fileName()))).isEqualTo(run.index().sha256Hex());
        TreeMap<String, String> tree = TestTrees.describe(root);
        assertThat(byPath.keySet()).containsExactlyInAnyOrderElementsOf(tree.keySet());
        IndexEntry big = byPath.get("big.bin");
        assertThat(big.type()).isEqualTo("file");
        assertThat(big.sha256()).isEqualTo(TestTrees.sha256(root.resolve("big.bin")));
        assertThat(big.size()).isEqualTo(Files.size(root.resolve("big.bin")));
        assertThat(byPath.get("run.sh").mode()).isEqualTo("0750");
        assertThat(byPath.get("link-inside").link()).isEqualTo("docs/text.txt");
        assertThat(byPath.get("link-to-dir").type()).isEqualTo("symlink");
        assertThat(byPath.get("empty-dir").type()).isEqualTo("dir");
        assertThat(byPath.get("docs/with space name.txt").sha256())
                .isEqualTo(TestTrees.sha256("spaces\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(run.result().fileCount()).isEqualTo(byPath.values().stream().filter(e -> e.type().equals("file")).count());
    }

    @Test
    void writesASingleFileWhenBelowMaxSize() throws Exception {
        Path root = tmp.resolve("storage");
        TestTrees.buildAwkward(root, tmp.resolve("outside.txt"));
        Run run = archive(root, tmp.resolve("out"), Compression.ZSTD, 1 << 20, 1L << 30, new StorageArchiver(),
                ProgressListener.NONE);
        assertThat(run.files().parts()).hasSize(1);
        ArchiveFiles.Part only = run.files().parts().get(0);
        assertThat(only.fileName()).isEqualTo(BASE + ".tar.zst");
        assertThat(only.sha256Hex()).isEqualTo(run.files().sha256Hex()).isEqualTo(TestTrees.sha256(run.partPaths().get(0)));
        try (Stream<Path> s = Files.list(run.dir())) {
            assertThat(s.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(BASE + ".tar.zst", BASE + ".index.jsonl.zst");
        }
        Path out = extract(run, Compression.ZSTD, tmp.resolve("extracted"));
        assertThat(TestTrees.describe(out)).isEqualTo(TestTrees.describe(root));
    }

    @Test
    void readAheadAndSequentialWritesGiveTheSameTar() throws Exception {
        Path root = tmp.resolve("storage");
        TestTrees.buildAwkward(root, tmp.resolve("outside.txt"));
        Run a = archive(root, tmp.resolve("a"), Compression.NONE, 1 << 30, 1L << 40, new StorageArchiver(),
                ProgressListener.NONE);
        Run b = archive(root, tmp.resolve("b"), Compression.NONE, 1 << 30, 1L << 40,
                new StorageArchiver(0, 0, StorageArchiver.SMALL_FILE_LIMIT), ProgressListener.NONE);
        assertThat(a.files().sha256Hex()).isEqualTo(b.files().sha256Hex());
        Run tinyBudget = archive(root, tmp.resolve("c"), Compression.NONE, 1 << 30, 1L << 40,
                new StorageArchiver(1, 0, 64 << 10), ProgressListener.NONE);
        assertThat(tinyBudget.files().sha256Hex()).isEqualTo(a.files().sha256Hex());
    }

    @Test
    void readAheadBuffersReusedForManyBatchesKeepEveryFilesContent() throws Exception {
        Path root = tmp.resolve("many");
        java.util.Random rnd = new java.util.Random(42);
        // ~25 MiB of distinct content: many batches through a few buffers, which are sized to their batch, so
        // folders of tiny files (batches of ~0.5 MiB) alternate with folders holding larger ones (batches of 1 MiB+)
        for (int i = 0; i < 3000; i++) {
            boolean larger = (i % 30) % 7 == 3 && i % 8 == 0;
            byte[] data = new byte[larger ? (64 << 10) + rnd.nextInt(640 << 10) : 1 + rnd.nextInt(4096)];
            rnd.nextBytes(data);
            Path f = root.resolve("d" + (i % 30)).resolve("f" + i + ".bin");
            Files.createDirectories(f.getParent());
            Files.write(f, data);
        }
        Run sequential = archive(root, tmp.resolve("a"), Compression.NONE, 1 << 30, 1L << 40,
                new StorageArchiver(0, 0, StorageArchiver.SMALL_FILE_LIMIT), ProgressListener.NONE);
        for (StorageArchiver ahead : List.of(new StorageArchiver(), new StorageArchiver(1, 0, 64 << 10))) {
            Path out = tmp.resolve("ahead-" + System.nanoTime());
            Run run = archive(root, out, Compression.NONE, 1 << 30, 1L << 40, ahead, ProgressListener.NONE);
            assertThat(run.files().sha256Hex()).isEqualTo(sequential.files().sha256Hex());
            assertThat(TestTrees.describe(extract(run, Compression.NONE, out.resolve("x"))))
                    .isEqualTo(TestTrees.describe(root));
        }
    }

    @Test
    void aFileDeletedDuringTheWalkIsRecordedAsVanished() throws Exception {
        for (StorageArchiver archiver : List.of(new StorageArchiver(0, 0, 1 << 20), new StorageArchiver())) {
            Path root = Files.createDirectories(tmp.resolve("storage"));
            Files.writeString(root.resolve("a.txt"), "a");
            Files.write(root.resolve("b.bin"), new byte[2 << 20]); // large: opened when its turn comes
            Files.writeString(root.resolve("c.txt"), "c");
            ProgressListener deleteB = (bytes, files) -> {
                if (files == 1) { // a.txt is written; b.bin's turn is next (called again once b.bin is skipped)
                    try {
                        Files.deleteIfExists(root.resolve("b.bin"));
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                }
            };
            Run run = archive(root, tmp.resolve("out"), Compression.GZ, 1 << 20, 1L << 30, archiver, deleteB);
            assertThat(run.result().skipped()).containsExactly(new SkippedEntry("b.bin", "vanished"));
            assertThat(run.result().fileCount()).isEqualTo(2);
            Path out = extract(run, Compression.GZ, tmp.resolve("extracted"));
            assertThat(TestTrees.describe(out)).isEqualTo(TestTrees.describe(root));
            sh("rm -rf " + q(tmp.resolve("storage")) + " " + q(tmp.resolve("out")) + " " + q(tmp.resolve("extracted")));
        }
    }

    @Test
    void filesDeletedWhileArchivingNeverBreakTheArchive() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("storage"));
        for (int i = 0; i < 3000; i++) {
            Files.writeString(Files.createDirectories(root.resolve("d" + (i % 30))).resolve("f" + i), "content " + i);
        }
        Thread deleter = new Thread(() -> {
            for (int i = 0; i < 3000; i += 2) {
                try {
                    Files.deleteIfExists(root.resolve("d" + (i % 30)).resolve("f" + i));
                } catch (IOException ignored) {
                    // racing on purpose
                }
            }
        });
        ProgressListener startDeleting = (bytes, files) -> {
            if (files == 1) {
                deleter.start();
            }
        };
        Run run = archive(root, tmp.resolve("out"), Compression.ZSTD, 1 << 20, 1L << 30, new StorageArchiver(),
                startDeleting);
        deleter.join();
        assertThat(run.result().skipped()).allSatisfy(s -> assertThat(s.reason()).isEqualTo("vanished"));
        Path out = extract(run, Compression.ZSTD, tmp.resolve("extracted"));
        try (Stream<Path> s = Files.walk(out)) {
            long files = s.filter(Files::isRegularFile).peek(p -> {
                String n = p.getFileName().toString();
                try {
                    assertThat(Files.readString(p)).isEqualTo("content " + n.substring(1));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }).count();
            assertThat(files + run.result().skipped().size()).isBetween(1500L, 3000L);
            assertThat(files).isGreaterThanOrEqualTo(1500);
            assertThat(files).isEqualTo(run.result().fileCount());
        }
    }

    @Test
    void anUnreadableFileIsSkippedWithItsReason() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("storage"));
        Files.writeString(root.resolve("ok.txt"), "ok");
        Path secret = root.resolve("secret.txt");
        Files.writeString(secret, "secret");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
        assumeTrue(!Files.isReadable(secret), "running as root: chmod 000 does not stop reading");
        Run run = archive(root, tmp.resolve("out"), Compression.ZSTD, 1 << 20, 1L << 30, new StorageArchiver(),
                ProgressListener.NONE);
        assertThat(run.result().skipped()).containsExactly(new SkippedEntry("secret.txt", "permission denied"));
        assertThat(run.result().fileCount()).isEqualTo(1);
    }

    @Test
    void aFailingSinkFailsThePipelineAndAbortLeavesNoFile() throws Exception {
        Path root = tmp.resolve("storage");
        TestTrees.buildAwkward(root, tmp.resolve("outside.txt"));
        // the disk fills at the very first byte, inside the first part, exactly at a part boundary, or later
        for (long limit : new long[] {0, 1, 256 << 10, 700_000}) {
            for (Compression c : Compression.values()) {
                Path dir = Files.createDirectories(tmp.resolve("out-" + c.wireName() + "-" + limit));
                PartWriter parts = new PartWriter(dir, BASE + ".tar" + c.extension(), 256 << 10, 1 << 20, true);
                IndexWriter index = new IndexWriter(dir, IndexWriter.fileNameFor(BASE));
                OutputStream full = new FailingOutputStream(parts, limit);
                assertThatThrownBy(() -> {
                    try (OutputStream comp = Codecs.compressor(c, c.defaultLevel(), full)) {
                        new StorageArchiver().write(root, List.of(), comp, index, ProgressListener.NONE);
                    }
                    parts.finish();
                }).as(c.wireName() + " full after " + limit).isInstanceOf(IOException.class).hasStackTraceContaining("No space left on device");
                parts.abort();
                index.abort();
                try (Stream<Path> s = Files.list(dir)) {
                    assertThat(s).as(c.wireName() + " full after " + limit).isEmpty();
                }
            }
        }
    }

    @Test
    void namesOver100BytesUsePaxPathRecords() throws Exception {
        Path root = tmp.resolve("storage");
        TestTrees.buildAwkward(root, tmp.resolve("outside.txt"));
        Run run = archive(root, tmp.resolve("out"), Compression.NONE, 1 << 30, 1L << 40, new StorageArchiver(),
                ProgressListener.NONE);
        byte[] tar = Files.readAllBytes(run.partPaths().get(0));
        String longPath = "docs/" + TestTrees.LONG_NAME;
        int pax = 0;
        boolean found = false;
        for (int off = 0; off + 512 <= tar.length; off += 512) {
            if (tar[off + 156] == 'x' && new String(tar, off + 257, 5, StandardCharsets.US_ASCII).equals("ustar")) {
                pax++;
                String record = new String(tar, off + 512, 512, StandardCharsets.UTF_8);
                found |= record.contains(" path=" + longPath + "\n");
            }
        }
        assertThat(pax).isGreaterThan(0);
        assertThat(found).isTrue();
        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar), "UTF-8")) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                names.add(e.getName());
            }
        }
        assertThat(names).contains(longPath, "docs/Ünïcødé ✓ 日本語.txt", "empty-dir/");
        assertThat(names.indexOf("docs/")).isLessThan(names.indexOf(longPath));
        assertThat(sh("tar -tvf " + q(run.partPaths().get(0)))).contains(longPath);
    }

    /** Simulates a full disk: accepts {@code limit} bytes, then throws. */
    static final class FailingOutputStream extends java.io.FilterOutputStream {
        private long left;

        FailingOutputStream(OutputStream out, long limit) {
            super(out);
            this.left = limit;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > left) {
                throw new IOException("No space left on device");
            }
            left -= len;
            out.write(b, off, len);
        }
    }
}
