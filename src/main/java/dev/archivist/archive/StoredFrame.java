package dev.archivist.archive;

import dev.archivist.config.Compression;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.OptionalInt;
import java.util.zip.CRC32;

/**
 * A self-contained, uncompressed frame of a codec whose size depends only on the length of its content: a zstd frame
 * holding one raw block, a gzip member holding stored deflate blocks, or an xz stream holding one block of uncompressed
 * LZMA2 chunks. The three formats decode concatenated frames (members, streams) as the concatenation of their contents, so such a frame can be written <em>in front of</em> a compressed
 * stream after that stream is finished, into space reserved for it. The database backup uses this to compress a
 * snapshot while SQLite is still writing it: page 1 is written last by SQLite, so it goes into this frame.
 *
 * <p>Written by hand because no library exposes "a frame of exactly this size": zstd-jni and java.util.zip choose
 * block types themselves. The layouts are those of RFC 8878 (3.1.1), RFC 1951/1952 and the .xz file format 1.1.0.
 */
public final class StoredFrame {
    private static final int ZSTD_MAGIC = 0xFD2FB528;
    private static final int ZSTD_MAX_RAW_BLOCK = 128 * 1024;
    private static final int ZSTD_FCS2_MIN = 256;
    private static final int ZSTD_FCS2_MAX = 65535 + 256;
    private static final int ZSTD_HEADER = 4 + 1 + 2 + 3; // magic, descriptor, 2-byte content size, block header
    private static final int DEFLATE_MAX_STORED = 65535;
    private static final int GZIP_HEADER = 10;
    private static final int GZIP_TRAILER = 8;
    private static final int STORED_BLOCK_HEADER = 5;
    private static final int LZMA2_MAX_UNCOMPRESSED_CHUNK = 1 << 16;
    private static final int LZMA2_CHUNK_HEADER = 3;
    private static final byte[] XZ_MAGIC = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0};
    private static final int XZ_STREAM_HEADER = 12;
    private static final int XZ_BLOCK_HEADER = 12; // size byte, flags, LZMA2 filter flags (3 bytes), padding, CRC32
    private static final int XZ_CHECK_CRC32 = 1;

    private StoredFrame() {
    }

    /** The exact size of the frame holding {@code length} bytes, or empty when the codec cannot hold them so. */
    public static OptionalInt size(Compression c, int length) {
        switch (c) {
            case NONE:
                return OptionalInt.of(length);
            case ZSTD:
                return length >= ZSTD_FCS2_MIN && length <= Math.min(ZSTD_FCS2_MAX, ZSTD_MAX_RAW_BLOCK)
                        ? OptionalInt.of(ZSTD_HEADER + length) : OptionalInt.empty();
            case GZ:
                return length > 0 ? OptionalInt.of(GZIP_HEADER + storedBlocks(length) * STORED_BLOCK_HEADER + length
                        + GZIP_TRAILER) : OptionalInt.empty();
            case XZ:
                return length > 0 ? OptionalInt.of(XZ_STREAM_HEADER + padded(xzUnpaddedBlock(length)) + xzIndexSize(length)
                        + XZ_STREAM_HEADER) : OptionalInt.empty();
            default:
                return OptionalInt.empty();
        }
    }

    /** The frame holding {@code content}; its length is {@link #size}. */
    public static byte[] encode(Compression c, byte[] content) {
        int length = content.length;
        ByteBuffer b = ByteBuffer.allocate(size(c, length).orElseThrow(
                () -> new IllegalArgumentException(c.wireName() + " cannot store " + length + " bytes in one frame")))
                .order(ByteOrder.LITTLE_ENDIAN);
        switch (c) {
            case NONE:
                b.put(content);
                break;
            case ZSTD:
                b.putInt(ZSTD_MAGIC);
                b.put((byte) 0x60); // Frame_Content_Size_flag = 1 (2 bytes), Single_Segment_flag, no checksum, no dictionary
                b.putShort((short) (length - ZSTD_FCS2_MIN));
                int blockHeader = 1 | (length << 3); // Last_Block, Block_Type = Raw_Block (0), Block_Size
                b.put((byte) blockHeader).put((byte) (blockHeader >>> 8)).put((byte) (blockHeader >>> 16));
                b.put(content);
                break;
            case GZ:
                b.put(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff}); // deflate, no name, no mtime
                for (int off = 0; off < length; off += DEFLATE_MAX_STORED) {
                    int n = Math.min(DEFLATE_MAX_STORED, length - off);
                    b.put((byte) (off + n == length ? 1 : 0)); // BFINAL on the last block, BTYPE = stored (00)
                    b.putShort((short) n).putShort((short) ~n);
                    b.put(content, off, n);
                }
                CRC32 crc = new CRC32();
                crc.update(content);
                b.putInt((int) crc.getValue()).putInt(length);
                break;
            case XZ:
                encodeXz(b, content);
                break;
            default:
                throw new IllegalArgumentException(c.wireName() + " has no stored frame");
        }
        return b.array();
    }

    private static int storedBlocks(int length) {
        return (length + DEFLATE_MAX_STORED - 1) / DEFLATE_MAX_STORED;
    }

    /** Stream header, one block of uncompressed LZMA2 chunks with a CRC32 check, its index, stream footer. */
    private static void encodeXz(ByteBuffer b, byte[] content) {
        int length = content.length;
        byte[] streamFlags = {0, XZ_CHECK_CRC32};
        b.put(XZ_MAGIC).put(streamFlags).putInt(crc32(streamFlags, 0, 2));
        int blockStart = b.position();
        b.put((byte) (XZ_BLOCK_HEADER / 4 - 1)).put((byte) 0); // header size, one filter, no sizes in the header
        b.put((byte) 0x21).put((byte) 1).put((byte) 0); // LZMA2, one byte of properties: a 4 KiB dictionary
        b.put(new byte[XZ_BLOCK_HEADER - 4 - b.position() + blockStart]); // header padding, before its CRC32
        b.putInt(crc32(b.array(), blockStart, XZ_BLOCK_HEADER - 4));
        for (int off = 0; off < length; off += LZMA2_MAX_UNCOMPRESSED_CHUNK) {
            int n = Math.min(LZMA2_MAX_UNCOMPRESSED_CHUNK, length - off);
            // an uncompressed chunk resetting the dictionary; its size - 1, big-endian
            b.put((byte) 1).order(ByteOrder.BIG_ENDIAN).putShort((short) (n - 1)).order(ByteOrder.LITTLE_ENDIAN);
            b.put(content, off, n);
        }
        b.put((byte) 0); // end of the LZMA2 data
        b.put(new byte[padded(b.position() - blockStart) - (b.position() - blockStart)]); // block padding
        b.putInt(crc32(content, 0, length)); // the block's check
        int indexStart = b.position();
        b.put((byte) 0); // index indicator
        putVarint(b, 1); // one record
        putVarint(b, xzUnpaddedBlock(length));
        putVarint(b, length);
        b.put(new byte[xzIndexSize(length) - 4 - (b.position() - indexStart)]); // index padding
        b.putInt(crc32(b.array(), indexStart, b.position() - indexStart));
        int footerStart = b.position() + 4;
        b.putInt(0).putInt(xzIndexSize(length) / 4 - 1).put(streamFlags).put((byte) 'Y').put((byte) 'Z');
        b.putInt(footerStart - 4, crc32(b.array(), footerStart, 6)); // over the backward size and the stream flags
    }

    /** The block's size without its padding: header, LZMA2 chunks and end marker, CRC32 check. */
    private static long xzUnpaddedBlock(int length) {
        int chunks = (length + LZMA2_MAX_UNCOMPRESSED_CHUNK - 1) / LZMA2_MAX_UNCOMPRESSED_CHUNK;
        return XZ_BLOCK_HEADER + (long) chunks * LZMA2_CHUNK_HEADER + length + 1 + 4;
    }

    /** The index: indicator, record count, one record (unpadded and uncompressed size), padding, CRC32. */
    private static int xzIndexSize(int length) {
        return padded(1 + varintSize(1) + varintSize(xzUnpaddedBlock(length)) + varintSize(length)) + 4;
    }

    /** A block's size with the padding that follows its LZMA2 data: the check starts at a multiple of 4. */
    private static int padded(long size) {
        return (int) ((size + 3) & ~3L);
    }

    private static int varintSize(long value) {
        int n = 1;
        for (long v = value >>> 7; v != 0; v >>>= 7) {
            n++;
        }
        return n;
    }

    private static void putVarint(ByteBuffer b, long value) {
        long v = value;
        for (; v >= 0x80; v >>>= 7) {
            b.put((byte) (v | 0x80));
        }
        b.put((byte) v);
    }

    private static int crc32(byte[] bytes, int off, int len) {
        CRC32 crc = new CRC32();
        crc.update(bytes, off, len);
        return (int) crc.getValue();
    }
}
