package dev.archivist.archive;

import dev.archivist.ArchivistException;
import com.fasterxml.jackson.databind.MappingIterator;
import dev.archivist.config.Compression;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Streams the entries of a file index written by {@link IndexWriter}, one at a time.
 * Iteration errors are thrown as {@link UncheckedIOException} naming the file.
 */
public final class IndexReader implements Iterator<IndexEntry>, Closeable {
    private final Path file;
    private final InputStream in;
    private final MappingIterator<IndexEntry> entries;

    public IndexReader(Path file) throws IOException {
        this.file = file;
        this.in = Codecs.decompressor(Compression.GZ, Files.newInputStream(file));
        try {
            this.entries = IndexWriter.MAPPER.readerFor(IndexEntry.class).readValues(in);
        } catch (IOException e) {
            in.close();
            throw new IOException("cannot read index " + file + ": " + ArchivistException.reason(e), e);
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
