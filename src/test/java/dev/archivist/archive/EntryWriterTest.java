package dev.archivist.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.source.FileStat;
import dev.archivist.source.WalkEntry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Files that change between the walk and their reading: the tar stays valid, the change is reported. */
class EntryWriterTest {
    @TempDir
    Path tmp;

    private byte[] archiveOne(WalkEntry e, boolean prefetched, EntryWriter[] writerOut) throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PaxTarWriter tar = new PaxTarWriter(sink);
        try (IndexWriter index = new IndexWriter(tmp, "i.index.jsonl.zst")) {
            EntryWriter w = new EntryWriter(tar, index, ProgressListener.NONE);
            w.write(e, prefetched ? FileLoader.load(e) : null);
            tar.finish();
            index.finish();
            writerOut[0] = w;
        }
        return sink.toByteArray();
    }

    private static byte[] contentOf(byte[] tarBytes, long[] declared) throws Exception {
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tarBytes))) {
            TarArchiveEntry e = in.getNextEntry();
            declared[0] = e.getSize();
            return in.readAllBytes();
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aFileThatShrankIsPaddedWithZeros(boolean prefetched) throws Exception {
        Path f = tmp.resolve("shrinks.bin");
        byte[] original = new byte[3_000_000];
        Arrays.fill(original, (byte) 7);
        Files.write(f, original);
        WalkEntry e = new WalkEntry(f, "shrinks.bin", FileStat.lstat(f));
        Files.write(f, Arrays.copyOf(original, 1_234_567));
        EntryWriter[] w = new EntryWriter[1];
        long[] declared = new long[1];
        byte[] content = contentOf(archiveOne(e, prefetched, w), declared);
        assertThat(declared[0]).isEqualTo(3_000_000);
        byte[] expected = new byte[3_000_000];
        Arrays.fill(expected, 0, 1_234_567, (byte) 7);
        assertThat(content).isEqualTo(expected);
        ArchiveResult r = w[0].result();
        assertThat(r.changed()).singleElement().satisfies(c -> {
            assertThat(c.path()).isEqualTo("shrinks.bin");
            assertThat(c.reason()).contains("shrank").contains("1234567 of 3000000");
        });
        assertThat(r.fileCount()).isEqualTo(1);
        assertThat(r.bytesRead()).as("what came from the disk, not the zeros that pad it").isEqualTo(1_234_567);
        try (IndexReader in = new IndexReader(tmp.resolve("i.index.jsonl.zst"))) {
            assertThat(in.next().sha256()).isEqualTo(TestTrees.sha256(expected));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aFileThatGrewIsCutToTheDeclaredSize(boolean prefetched) throws Exception {
        Path f = tmp.resolve("grows.txt");
        Files.writeString(f, "0123456789");
        WalkEntry e = new WalkEntry(f, "grows.txt", FileStat.lstat(f));
        Files.writeString(f, "0123456789 and more");
        EntryWriter[] w = new EntryWriter[1];
        long[] declared = new long[1];
        byte[] content = contentOf(archiveOne(e, prefetched, w), declared);
        assertThat(new String(content)).isEqualTo("0123456789");
        assertThat(w[0].result().changed()).singleElement()
                .satisfies(c -> assertThat(c.reason()).contains("grew"));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aFileRewrittenWithTheSameSizeIsReportedByItsMtime(boolean prefetched) throws Exception {
        Path f = tmp.resolve("same.txt");
        Files.writeString(f, "aaaa");
        Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(1_000_000));
        WalkEntry e = new WalkEntry(f, "same.txt", FileStat.lstat(f));
        Files.writeString(f, "bbbb");
        EntryWriter[] w = new EntryWriter[1];
        byte[] content = contentOf(archiveOne(e, prefetched, w), new long[1]);
        assertThat(new String(content)).isEqualTo("bbbb");
        assertThat(w[0].result().changed()).singleElement()
                .satisfies(c -> assertThat(c.reason()).isEqualTo("file changed while being read"));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aVanishedFileLeavesNoEntry(boolean prefetched) throws Exception {
        Path f = tmp.resolve("gone.txt");
        Files.writeString(f, "x");
        WalkEntry e = new WalkEntry(f, "gone.txt", FileStat.lstat(f));
        Files.delete(f);
        EntryWriter[] w = new EntryWriter[1];
        byte[] tar = archiveOne(e, prefetched, w);
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            assertThat(in.getNextEntry()).isNull();
        }
        assertThat(w[0].result().skipped()).singleElement()
                .satisfies(s -> assertThat(s.reason()).isEqualTo("vanished"));
    }
    /**
     * Two names of one file, seen by the walk; the first is replaced by a new file renamed over it before it is read
     * (small files, read ahead): the second name, untouched, is stored with its own content, never as a hard link to
     * the content read under the first name.
     */
    @org.junit.jupiter.api.Test
    void theOtherNameOfAHardLinkedFileReplacedBeforeItIsReadKeepsItsContent() throws Exception {
        Path a = tmp.resolve("a.txt");
        Path b = tmp.resolve("b.txt");
        Files.writeString(a, "the original content");
        Files.createLink(b, a);
        WalkEntry ea = new WalkEntry(a, "a.txt", FileStat.lstat(a));
        WalkEntry eb = new WalkEntry(b, "b.txt", FileStat.lstat(b));
        Files.writeString(tmp.resolve("a.new"), "saved anew");
        Files.move(tmp.resolve("a.new"), a, java.nio.file.StandardCopyOption.ATOMIC_MOVE);

        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PaxTarWriter tar = new PaxTarWriter(sink);
        EntryWriter w;
        try (IndexWriter index = new IndexWriter(tmp, "i.index.jsonl.zst")) {
            w = new EntryWriter(tar, index, ProgressListener.NONE);
            w.write(ea, FileLoader.load(ea));
            w.write(eb, FileLoader.load(eb));
            tar.finish();
            index.finish();
        }
        // the replaced name is stored whole as the new file (not recorded: it did not change while read); the other
        // name is read itself, recorded as changed since its link count (its status change time) changed
        assertThat(w.result().changed()).extracting(ChangedFile::path).containsExactly("b.txt");
        try (IndexReader in = new IndexReader(tmp.resolve("i.index.jsonl.zst"))) {
            IndexEntry first = in.next();
            assertThat(first.size()).isEqualTo("saved anew".length());
            assertThat(first.sha256()).isEqualTo(TestTrees.sha256("saved anew".getBytes()));
            IndexEntry second = in.next();
            assertThat(second.path()).isEqualTo("b.txt");
            assertThat(second.sha256()).isEqualTo(TestTrees.sha256("the original content".getBytes()));
        }
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(sink.toByteArray()))) {
            in.getNextEntry();
            assertThat(new String(in.readAllBytes())).isEqualTo("saved anew");
            TarArchiveEntry second = in.getNextEntry();
            assertThat(second.isLink()).isFalse();
            assertThat(new String(in.readAllBytes())).isEqualTo("the original content");
        }
    }
}
