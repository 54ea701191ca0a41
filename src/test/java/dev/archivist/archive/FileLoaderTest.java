package dev.archivist.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.source.FileStat;
import dev.archivist.source.WalkEntry;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading small files into a shared, reused buffer: exactly the file's slice is written, padding is zeros. */
class FileLoaderTest {
    @TempDir
    Path tmp;

    private static byte[] dirtyBuffer(int size) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) 0x5A);
        return b;
    }

    @Test
    void loadsIntoItsSliceAndLeavesTheRestOfTheBufferAlone() throws Exception {
        Path f = tmp.resolve("a.txt");
        Files.writeString(f, "hello");
        byte[] buffer = dirtyBuffer(16);
        FileLoader.Loaded loaded = FileLoader.load(new WalkEntry(f, "a.txt", FileStat.lstat(f)), buffer, 3);
        assertThat(loaded.data()).isSameAs(buffer);
        assertThat(loaded.offset()).isEqualTo(3);
        assertThat(Arrays.copyOfRange(buffer, 3, 8)).isEqualTo("hello".getBytes());
        assertThat(buffer[2]).isEqualTo((byte) 0x5A);
        assertThat(buffer[8]).isEqualTo((byte) 0x5A);
        assertThat(loaded.sha256Hex()).isEqualTo(Sha256.of("hello".getBytes()));
        assertThat(loaded.changed()).isNull();
    }

    @Test
    void aFileThatShrankIsPaddedWithZerosNotWithWhatTheBufferHeldBefore() throws Exception {
        Path f = tmp.resolve("shrinks.bin");
        Files.write(f, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        WalkEntry e = new WalkEntry(f, "shrinks.bin", FileStat.lstat(f));
        Files.write(f, new byte[] {1, 2, 3});
        byte[] buffer = dirtyBuffer(32);
        FileLoader.Loaded loaded = FileLoader.load(e, buffer, 10);
        byte[] stored = {1, 2, 3, 0, 0, 0, 0, 0};
        assertThat(Arrays.copyOfRange(buffer, 10, 18)).isEqualTo(stored);
        assertThat(buffer[18]).isEqualTo((byte) 0x5A);
        assertThat(loaded.sha256Hex()).isEqualTo(Sha256.of(stored));
        assertThat(loaded.changed()).contains("shrank");
        assertThat(loaded.bytesRead()).isEqualTo(3);
    }

    /**
     * A small file the application replaced after the walk saw it and before it was read (a new file renamed over it:
     * an atomic save), one smaller and one larger: each is loaded whole as the file opened, with its own size and
     * time, in an array of its own, as GNU tar stores what it opens; not the new content cut or padded with zeros to
     * the old size (a torn document, recorded as changed while it never changed as it was read).
     */
    @Test
    void aFileReplacedBeforeItIsOpenedIsLoadedWholeAsTheFileOpened() throws Exception {
        for (byte[] now : new byte[][] {"new".getBytes(), "a new, longer content".getBytes()}) {
            Path f = Files.writeString(tmp.resolve("saved.txt"), "the old one");
            WalkEntry seen = new WalkEntry(f, "saved.txt", FileStat.lstat(f));
            Path newer = Files.write(tmp.resolve("saved.txt.tmp"), now);
            Files.setLastModifiedTime(newer, java.nio.file.attribute.FileTime.fromMillis(1_700_000_000_000L));
            Files.move(newer, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            byte[] buffer = dirtyBuffer(32);

            FileLoader.Loaded loaded = FileLoader.load(seen, buffer, 4);

            assertThat(loaded.storedAs()).as("stored as the file opened").isNotNull();
            assertThat(loaded.storedAs().stat().size()).isEqualTo(now.length);
            assertThat(loaded.storedAs().stat().lastModified().toMillis()).isEqualTo(1_700_000_000_000L);
            assertThat(loaded.storedAs().relativePath()).isEqualTo("saved.txt");
            assertThat(Arrays.copyOfRange(loaded.data(), loaded.offset(), loaded.offset() + now.length)).isEqualTo(now);
            assertThat(loaded.sha256Hex()).isEqualTo(Sha256.of(now));
            assertThat(loaded.bytesRead()).isEqualTo(now.length);
            assertThat(loaded.changed()).isNull();
            assertThat(buffer[4 + "the old one".length()]).as("the walked file's slice is all it may use")
                    .isEqualTo((byte) 0x5A);
        }
    }

    /** The check after reading looks at the file that was read (as GNU tar does), not at what is at its name by then. */
    @Test
    void theCheckAfterReadingIsOfTheFileThatWasReadNotOfItsName() throws Exception {
        Path f = Files.writeString(tmp.resolve("read.txt"), "hello");
        WalkEntry e = new WalkEntry(f, "read.txt", FileStat.lstat(f));
        try (FileChannel ch = FileChannel.open(f)) {
            Path newer = Files.writeString(tmp.resolve("newer.txt"), "a longer, newer content");
            Files.move(newer, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            assertThat(FileLoader.changeReason(e, ch, 5, false))
                    .as("the file read is unchanged, its last name now leads to another").isEqualTo(FileLoader.REMOVED);
        }
        Path kept = Files.writeString(tmp.resolve("kept.txt"), "hello");
        WalkEntry k = new WalkEntry(kept, "kept.txt", FileStat.lstat(kept));
        try (FileChannel ch = FileChannel.open(kept)) {
            Files.createLink(tmp.resolve("kept-too.txt"), kept);
            Path newer = Files.writeString(tmp.resolve("newer2.txt"), "a longer, newer content");
            Files.move(newer, kept, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            // its content is the same, but a name added and one removed changed its status change time, which GNU
            // tar's check compares too; by its name it would have grown
            assertThat(FileLoader.changeReason(k, ch, 5, false))
                    .as("the file read still has a name, its links changed").isEqualTo("file changed while being read");
        }
    }

    @Test
    void aFileRemovedWhileOpenIsReportedAsRemoved() throws Exception {
        Path f = Files.writeString(tmp.resolve("gone.txt"), "content");
        WalkEntry e = new WalkEntry(f, "gone.txt", FileStat.lstat(f));
        try (FileChannel ch = FileChannel.open(f)) {
            Files.delete(f);
            assertThat(FileLoader.changeReason(e, ch, 7, false)).startsWith("file removed or replaced while being read");
        }
    }

    /**
     * A FIFO put in a file's place between the walk and the read: opening it would wait for a writer for ever (with the
     * backup lock held). It is skipped as a FIFO instead, and nothing is written into it.
     */
    @Test
    void aFifoInAFilesPlaceIsSkippedInsteadOfWaitedOn() throws Exception {
        Path f = tmp.resolve("was-a-file");
        Files.writeString(f, "content");
        WalkEntry seen = new WalkEntry(f, "was-a-file", FileStat.lstat(f));
        Files.delete(f);
        Process mkfifo = new ProcessBuilder("mkfifo", f.toString()).start();
        assertThat(mkfifo.waitFor()).isZero();

        java.util.concurrent.ExecutorService runner = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            // the timeout only keeps a regression from hanging the suite: it is no measure of speed
            FileLoader.Loaded loaded = runner.submit(() -> FileLoader.load(seen, new byte[16], 0))
                    .get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(loaded.skipReason()).startsWith("fifo");
            assertThat(loaded.data()).isNull();
        } finally {
            runner.shutdownNow();
        }
        assertThat(Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse(); // still the FIFO
        // an ordinary file after it opens as before
        Path g = Files.writeString(tmp.resolve("g"), "g");
        assertThat(FileLoader.load(new WalkEntry(g, "g", FileStat.lstat(g)), new byte[1], 0).skipReason()).isNull();
    }

    /**
     * Files the walk found in its open folders are read by descriptor (DescriptorFiles): content and hash as through a
     * channel, and what replaced a file after the walk saw it is skipped by what it is, without waiting on a FIFO.
     */
    @Test
    void filesInTheWalksFoldersAreReadByDescriptorWithTheSameRules() throws Exception {
        Files.writeString(tmp.resolve("plain.txt"), "hello");
        Files.writeString(tmp.resolve("now-a-fifo"), "content");
        Files.writeString(tmp.resolve("now-a-folder"), "content");
        Files.writeString(tmp.resolve("now-a-link"), "content");
        Files.writeString(tmp.resolve("now-gone"), "content");
        Files.writeString(tmp.resolve("grows"), "12345");
        Files.writeString(tmp.resolve("saved-larger"), "content");
        Files.writeString(tmp.resolve("saved-smaller"), "content");
        java.util.Map<String, FileLoader.Loaded> loaded = new java.util.TreeMap<>();
        java.util.Map<String, Boolean> byDescriptor = new java.util.TreeMap<>();
        new dev.archivist.source.DirectoryWalker(tmp, java.util.List.of()).walk(new dev.archivist.source.DirectoryWalker.Visitor() {
            @Override
            public void entry(WalkEntry e) throws java.io.IOException {
                try {
                    if (e.type() != FileStat.Type.FILE) {
                        return;
                    }
                    Path p = tmp.resolve(e.name());
                    switch (e.name()) { // what the application does between the walk and the read
                        case "now-a-fifo" -> {
                            Files.delete(p);
                            assertThat(new ProcessBuilder("mkfifo", p.toString()).start().waitFor()).isZero();
                        }
                        case "now-a-folder" -> {
                            Files.delete(p);
                            Files.createDirectory(p);
                        }
                        case "now-a-link" -> {
                            Files.delete(p);
                            Files.createSymbolicLink(p, tmp.resolve("plain.txt"));
                        }
                        case "now-gone" -> Files.delete(p);
                        case "grows" -> Files.writeString(p, "1234567890");
                        case "saved-larger", "saved-smaller" -> { // an atomic save: a new file renamed over it
                            Path newer = Files.writeString(tmp.resolve(e.name() + ".tmp"),
                                    e.name().equals("saved-larger") ? "a new, longer content" : "new");
                            Files.move(newer, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                        }
                        default -> { }
                    }
                    int fd = e.folder().openDescriptor("plain.txt");
                    byDescriptor.put(e.name(), fd >= 0);
                    if (fd >= 0) {
                        dev.archivist.source.DescriptorFiles.close(fd);
                    }
                    loaded.put(e.name(), java.util.concurrent.CompletableFuture.supplyAsync(() ->
                            FileLoader.load(e, new byte[16], 0)).get(60, java.util.concurrent.TimeUnit.SECONDS));
                } catch (Exception x) {
                    throw new java.io.IOException(x);
                } finally {
                    e.done();
                }
            }

            @Override
            public void skipped(dev.archivist.source.SkippedEntry s) {
            }
        });
        assertThat(byDescriptor).as("the walk's folders open by descriptor").containsOnlyKeys(loaded.keySet())
                .doesNotContainValue(false);
        assertThat(loaded.get("plain.txt").sha256Hex()).isEqualTo(Sha256.of("hello".getBytes()));
        assertThat(Arrays.copyOfRange(loaded.get("plain.txt").data(), 0, 5)).isEqualTo("hello".getBytes());
        assertThat(loaded.get("plain.txt").changed()).isNull();
        assertThat(loaded.get("now-a-fifo").skipReason()).isEqualTo(FileLoader.FIFO);
        assertThat(loaded.get("now-a-folder").skipReason()).isEqualTo(FileLoader.REPLACED_BY_FOLDER);
        assertThat(loaded.get("now-a-link").skipReason()).isEqualTo(FileLoader.REPLACED_BY_SYMLINK);
        assertThat(loaded.get("now-gone").skipReason()).isEqualTo(FileLoader.VANISHED);
        assertThat(loaded.get("grows").changed()).startsWith("file grew while being read");
        assertThat(Arrays.copyOfRange(loaded.get("grows").data(), 0, 5)).isEqualTo("12345".getBytes());
        for (String saved : java.util.List.of("saved-larger", "saved-smaller")) {
            FileLoader.Loaded l = loaded.get(saved);
            byte[] now = Files.readAllBytes(tmp.resolve(saved));
            assertThat(l.storedAs().stat().size()).as(saved).isEqualTo(now.length);
            assertThat(Arrays.copyOfRange(l.data(), l.offset(), l.offset() + now.length)).as(saved).isEqualTo(now);
            assertThat(l.sha256Hex()).as(saved).isEqualTo(Sha256.of(now));
            assertThat(l.changed()).as(saved).isNull();
        }
        assertThat(loaded.get("plain.txt").storedAs()).isNull();
    }
}
