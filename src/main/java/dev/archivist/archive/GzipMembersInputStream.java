package dev.archivist.archive;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * Reads a gzip file of one or more members (as {@link ParallelGzipOutputStream} writes them) as one stream, handing
 * over every byte a member decompresses to before its trailer (CRC-32 and size) is checked: a damaged trailer then
 * fails the read after the member's data, not the read that carried its last bytes, so every file stored before it
 * is read and checked, and the failure says that the trailer does not match.
 *
 * <p>Why not commons-compress' {@code GzipCompressorInputStream}: it checks the trailer within the read that
 * decompresses a member's last bytes and throws them away with its "corrupt" error, so a flipped byte in the last
 * eight of an archive cut the last file short. The JDK's {@code GZIPInputStream} hands them over, but decides whether
 * another member follows by {@code available()}, which a pipe or a part boundary may report as 0.
 */
final class GzipMembersInputStream extends InputStream {
    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;

    private final InputStream in;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int len;
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private long memberSize;
    private long consumed; // compressed bytes read from the source so far
    private boolean inMember;
    private boolean eof;
    private boolean anyMember;
    private IOException failure; // a trailer that did not match: thrown by the read after its member's data
    private boolean closed;
    private final byte[] one = new byte[1];

    GzipMembersInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        int n;
        do {
            n = read(one, 0, 1);
        } while (n == 0);
        return n == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int n) throws IOException {
        java.util.Objects.checkFromIndexSize(off, n, b.length);
        if (closed) {
            throw new IOException("gzip stream already closed");
        }
        if (failure != null) {
            throw failure;
        }
        if (n == 0) {
            return 0;
        }
        while (!eof) {
            if (!inMember && !startMember()) {
                eof = true;
                break;
            }
            int got = inflate(b, off, n);
            if (inflater.finished()) {
                try {
                    endMember();
                } catch (IOException e) {
                    if (got == 0) {
                        throw e;
                    }
                    failure = e; // this member's data first, then its failure
                }
            }
            if (got > 0) {
                return got;
            }
        }
        return -1;
    }

    /** Inflates into {@code b}, feeding the inflater from the source as it needs; 0 when the member ended first. */
    private int inflate(byte[] b, int off, int n) throws IOException {
        while (true) {
            int got;
            try {
                got = inflater.inflate(b, off, n);
            } catch (DataFormatException e) {
                throw new ZipException("gzip data damaged at about byte " + consumed + " of the archive: " + e.getMessage());
            }
            pos = len - inflater.getRemaining();
            if (got > 0) {
                crc.update(b, off, got);
                memberSize += got;
                return got;
            }
            if (inflater.finished()) {
                return 0;
            }
            if (inflater.needsDictionary()) {
                throw new ZipException("gzip data damaged at about byte " + consumed + " of the archive: it asks for a"
                        + " preset dictionary");
            }
            if (inflater.needsInput()) {
                if (!fill()) {
                    throw new EOFException(); // "unexpected end of data (truncated)", as ArchivistException.reason says it
                }
                inflater.setInput(buf, pos, len - pos);
            }
        }
    }

    /** Reads the next member's header; false at the end of the source (after at least one member). */
    private boolean startMember() throws IOException {
        int first = readByte();
        if (first == -1) {
            if (!anyMember) {
                throw new EOFException("unexpected end of gzip data (no gzip header)");
            }
            return false;
        }
        long start = consumed - 1;
        if (first != 0x1f || readByte() != 0x8b) {
            throw new ZipException(anyMember ? "data after the end of the gzip stream at byte " + start
                    + " of the archive is not gzip (damaged or appended)" : "not in gzip format");
        }
        if (readByte() != 8) {
            throw new ZipException("gzip member at byte " + start + " uses an unknown compression method");
        }
        int flags = readByteStrict();
        skip(6); // mtime, extra flags, OS
        if ((flags & FEXTRA) != 0) {
            int xlen = readByteStrict() | readByteStrict() << 8;
            skip(xlen);
        }
        if ((flags & FNAME) != 0) {
            skipZeroTerminated();
        }
        if ((flags & FCOMMENT) != 0) {
            skipZeroTerminated();
        }
        if ((flags & FHCRC) != 0) {
            skip(2);
        }
        anyMember = true;
        inMember = true;
        crc.reset();
        memberSize = 0;
        inflater.reset();
        inflater.setInput(buf, pos, len - pos);
        return true;
    }

    /** Checks the trailer of the member the inflater finished. */
    private void endMember() throws IOException {
        inMember = false;
        pos = len - inflater.getRemaining();
        long end = consumed - (len - pos);
        long recordedCrc = readIntLE();
        long recordedSize = readIntLE();
        if (recordedCrc != crc.getValue()) {
            throw new ZipException("gzip trailer damaged: the CRC-32 recorded at byte " + end + " of the archive (the"
                    + " end of a gzip member) does not match the data before it, which decompressed in full");
        }
        if (recordedSize != (memberSize & 0xffffffffL)) {
            throw new ZipException("gzip trailer damaged: the size recorded at byte " + (end + 4) + " of the archive"
                    + " (the end of a gzip member) is " + recordedSize + ", the data before it decompressed to "
                    + memberSize + " bytes");
        }
    }

    private long readIntLE() throws IOException {
        long v = 0;
        for (int i = 0; i < 4; i++) {
            v |= (long) readByteStrict() << (8 * i);
        }
        return v;
    }

    private void skipZeroTerminated() throws IOException {
        while (readByteStrict() != 0) {
            // the name or comment is not needed
        }
    }

    private void skip(int n) throws IOException {
        for (int i = 0; i < n; i++) {
            readByteStrict();
        }
    }

    private int readByteStrict() throws IOException {
        int b = readByte();
        if (b == -1) {
            throw new EOFException(); // "unexpected end of data (truncated)", as ArchivistException.reason says it
        }
        return b;
    }

    private int readByte() throws IOException {
        if (pos == len && !fill()) {
            return -1;
        }
        return buf[pos++] & 0xff;
    }

    /** Refills the buffer once it is used up; false at the end of the source. */
    private boolean fill() throws IOException {
        int n;
        do {
            n = in.read(buf, 0, buf.length);
        } while (n == 0);
        if (n == -1) {
            pos = 0;
            len = 0;
            return false;
        }
        pos = 0;
        len = n;
        consumed += n;
        return true;
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            inflater.end();
            in.close();
        }
    }
}
