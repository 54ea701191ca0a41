package dev.archivist.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.source.DirectoryWalker;
import dev.archivist.source.FileStat;
import dev.archivist.source.SkippedEntry;
import dev.archivist.source.WalkEntry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A folder of the storage replaced with a symlink to somewhere else while the backup runs (after the walk listed it):
 * nothing from where the link leads may enter the archive, neither names, nor content, nor link targets. Entries are
 * read through the folder the walk opened ({@link dev.archivist.source.FolderHandle}), as GNU tar does.
 */
class FolderSwapTest {
    private static final String SECRET = "secret from outside the storage folder";

    @TempDir
    Path tmp;
    Path root;
    Path outside;
    byte[] insideBig;

    @BeforeEach
    void trees() throws IOException {
        root = Files.createDirectories(tmp.resolve("storage"));
        Files.createDirectories(root.resolve("album"));
        Files.writeString(root.resolve("album/photo.txt"), "inside photo");
        Files.writeString(root.resolve("album/only-inside.txt"), "no file of this name where the link leads");
        insideBig = new byte[(int) StorageArchiver.SMALL_FILE_LIMIT * 2];
        Arrays.fill(insideBig, (byte) 'i');
        Files.write(root.resolve("album/video.bin"), insideBig);
        Files.createSymbolicLink(root.resolve("album/link"), Path.of("inside-target"));

        outside = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.writeString(outside.resolve("photo.txt"), SECRET);
        byte[] secretBig = new byte[insideBig.length];
        Arrays.fill(secretBig, (byte) 's');
        Files.write(outside.resolve("video.bin"), secretBig);
        Files.createSymbolicLink(outside.resolve("link"), Path.of("outside-target"));
        Files.writeString(outside.resolve("only-outside.txt"), SECRET);
    }

    /** Moves the album away and puts a symlink to the outside folder in its place. */
    private void swapAlbumForLink() throws IOException {
        Files.move(root.resolve("album"), root.resolve("album.moved"));
        Files.createSymbolicLink(root.resolve("album"), outside);
    }

    /** Walks the storage, swapping the album once it was listed (the walk reports a folder after listing it). */
    private Map<String, WalkEntry> walkSwappingAfterListing(List<SkippedEntry> skipped) throws IOException {
        Map<String, WalkEntry> seen = new LinkedHashMap<>();
        new DirectoryWalker(root, List.of()).walk(new DirectoryWalker.Visitor() {
            @Override
            public void entry(WalkEntry e) throws IOException {
                seen.put(e.relativePath(), e);
                if (e.relativePath().equals("album")) {
                    swapAlbumForLink();
                }
            }

            @Override
            public void skipped(SkippedEntry s) {
                skipped.add(s);
            }
        });
        return seen;
    }

    /** Walks the storage whole; its entries stay open for reading (none is done). */
    private Map<String, WalkEntry> walk() throws IOException {
        Map<String, WalkEntry> seen = new LinkedHashMap<>();
        new DirectoryWalker(root, List.of()).walk(new DirectoryWalker.Visitor() {
            @Override
            public void entry(WalkEntry e) {
                seen.put(e.relativePath(), e);
            }

            @Override
            public void skipped(SkippedEntry s) {
                throw new AssertionError("nothing is skipped here: " + s);
            }
        });
        return seen;
    }

    @Test
    void theWalkNeitherListsNorStatsThroughAFolderSwappedAfterItWasListed() throws IOException {
        List<SkippedEntry> skipped = new ArrayList<>();
        Map<String, WalkEntry> seen = walkSwappingAfterListing(skipped);

        // the names are the listed folder's, and so are the attributes: read relative to it (the JDK's attributes),
        // or, where only the path can give them, the entry is skipped as replaced, since its path leads elsewhere
        Path listed = root.resolve("album.moved");
        List<String> names = List.of("album/link", "album/only-inside.txt", "album/photo.txt", "album/video.bin");
        assertThat(seen.keySet()).first().isEqualTo("album");
        for (String name : names) {
            WalkEntry e = seen.get(name);
            if (e != null) {
                assertThat(e.stat()).as(name).isEqualTo(FileStat.lstat(listed.resolve(e.name())));
            } else {
                assertThat(skipped).as(name).contains(new SkippedEntry(name, DirectoryWalker.REPLACED));
            }
        }
        assertThat(seen.size() - 1 + skipped.size()).isEqualTo(names.size());
        assertThat(seen.keySet()).noneMatch(n -> n.contains("only-outside"));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void filesAreReadFromTheFolderTheWalkOpenedNotThroughTheLinkPutInItsPlace(boolean prefetched) throws Exception {
        Map<String, WalkEntry> seen = walk();
        swapAlbumForLink();

        Map<String, byte[]> stored = archive(List.of(seen.get("album/photo.txt"), seen.get("album/video.bin")),
                prefetched, new ArrayList<>());
        assertThat(new String(stored.get("album/photo.txt"), StandardCharsets.UTF_8)).isEqualTo("inside photo");
        assertThat(stored.get("album/video.bin")).isEqualTo(insideBig);
    }

    /**
     * A link is read in the folder the walk opened (through its descriptor): its folder swapped for a link to another
     * folder with a link of the same name, it is stored with its own target, never the other one (read through its
     * path, a user racing the read against a check after it leaked a root-only link's target).
     */
    @Test
    void aLinkIsReadInTheFolderTheWalkOpenedNotThroughTheLinkPutInItsPlace() throws Exception {
        Map<String, WalkEntry> seen = walk();
        swapAlbumForLink();

        List<SkippedEntry> skipped = new ArrayList<>();
        Map<String, byte[]> stored = archive(List.of(seen.get("album/link")), false, skipped);
        assertThat(skipped).isEmpty();
        assertThat(stored).containsOnlyKeys("album/link");
        assertThat(new String(stored.get("album/link"), StandardCharsets.UTF_8)).isEqualTo("inside-target");
    }

    /** The FIFO guard works through the open folder too: a FIFO put in a walked file's place is skipped, not waited on. */
    @Test
    void aFifoInAWalkedFilesPlaceIsSkipped() throws Exception {
        Map<String, WalkEntry> seen = walk();
        Path photo = root.resolve("album/photo.txt");
        Files.delete(photo);
        assertThat(new ProcessBuilder("mkfifo", photo.toString()).start().waitFor()).isZero();

        ExecutorService runner = Executors.newSingleThreadExecutor();
        try {
            // the timeout only keeps a regression from hanging the suite: it is no measure of speed
            FileLoader.Loaded loaded = runner.submit(() -> FileLoader.load(seen.get("album/photo.txt")))
                    .get(60, TimeUnit.SECONDS);
            assertThat(loaded.skipReason()).startsWith("fifo");
        } finally {
            runner.shutdownNow();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void aBackupLeavesNoFolderOpenWhetherItSucceedsOrFails(int readerThreads) throws Exception {
        for (int i = 0; i < 300; i++) {
            Files.writeString(Files.createDirectories(root.resolve("album/f" + i)).resolve("note.txt"), "x".repeat(i));
        }
        StorageArchiver archiver = new StorageArchiver(readerThreads, 1 << 20, StorageArchiver.SMALL_FILE_LIMIT);
        try (IndexWriter index = new IndexWriter(tmp, "ok.index.jsonl.zst")) {
            DirectoryWalker walker = new DirectoryWalker(root, List.of());
            ArchiveResult ok = archiver.write(walker, OutputStream.nullOutputStream(), index, ProgressListener.NONE);
            assertThat(ok.fileCount()).isEqualTo(303);
            assertThat(walker.openFolders()).isZero();
        }
        try (IndexWriter index = new IndexWriter(tmp, "failed.index.jsonl.zst")) {
            DirectoryWalker walker = new DirectoryWalker(root, List.of());
            OutputStream fullDisk = new OutputStream() {
                private long written;

                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    written += len;
                    if (written > (1 << 20)) {
                        throw new IOException("No space left on device");
                    }
                }
            };
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> archiver.write(walker, fullDisk, index, ProgressListener.NONE))
                    .hasMessageContaining("No space left");
            assertThat(walker.openFolders()).isZero();
        }
    }

    private Map<String, byte[]> archive(List<WalkEntry> entries, boolean prefetched, List<SkippedEntry> skipped)
            throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PaxTarWriter tar = new PaxTarWriter(sink);
        try (IndexWriter index = new IndexWriter(tmp, "i.index.jsonl.zst")) {
            EntryWriter writer = new EntryWriter(tar, index, ProgressListener.NONE);
            for (WalkEntry e : entries) {
                boolean small = e.type() == FileStat.Type.FILE && e.stat().size() < StorageArchiver.SMALL_FILE_LIMIT;
                writer.write(e, prefetched && small ? FileLoader.load(e) : null);
            }
            tar.finish();
            index.finish();
            skipped.addAll(writer.result().skipped());
        }
        Map<String, byte[]> stored = new LinkedHashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(sink.toByteArray()))) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                stored.put(e.getName(), e.isSymbolicLink() ? e.getLinkName().getBytes(StandardCharsets.UTF_8)
                        : in.readAllBytes());
            }
        }
        return stored;
    }
}
