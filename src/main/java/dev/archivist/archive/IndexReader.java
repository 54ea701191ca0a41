package dev.archivist.archive;

import dev.archivist.ArchivistException;
import com.fasterxml.jackson.databind.MappingIterator;
import dev.archivist.config.Compression;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Streams the entries of a file index written by {@link IndexWriter}, one at a time: zstd-compressed, or gzip as in
 * backups of earlier builds (told by the file's first bytes). Iteration errors are thrown as
 * {@link UncheckedIOException} naming the file.
 */
public final class IndexReader implements Iterator<IndexEntry>, Closeable {
    private static final byte[] ZSTD_MAGIC = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd};
    private final Path file;
    private final InputStream in;
    private final MappingIterator<IndexEntry> entries;

    public IndexReader(Path file) throws IOException {
        this.file = file;
        this.in = open(file);
        try {
            this.entries = IndexWriter.MAPPER.readerFor(IndexEntry.class).readValues(in);
        } catch (IOException e) {
            in.close();
            throw new IOException("cannot read index " + file + ": " + ArchivistException.reason(e), e);
        }
    }

    /** The index's JSON lines, decompressed with the codec its magic number names. */
    private static InputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            raw.mark(4);
            byte[] magic = raw.readNBytes(4);
            raw.reset();
            if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
                return Codecs.decompressor(Compression.GZ, raw);
            }
            if (magic.length == 4 && Arrays.equals(magic, ZSTD_MAGIC)) {
                return Codecs.decompressor(Compression.ZSTD, raw);
            }
            throw new IOException("cannot read index " + file + ": neither zstd nor gzip (it starts with "
                    + HexFormat.of().formatHex(magic) + ")");
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    @Override
    public boolean hasNext() {
        try {
            return entries.hasNextValue();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read index " + file + ": " + ArchivistException.reason(e), e);
        }
    }

    @Override
    public IndexEntry next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        try {
            return entries.nextValue();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read index " + file + ": " + ArchivistException.reason(e), e);
        }
    }

    @Override
    public void close() throws IOException {
        entries.close();
        in.close();
    }
}
