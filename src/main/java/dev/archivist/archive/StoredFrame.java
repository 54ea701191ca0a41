package dev.archivist.archive;

import dev.archivist.config.Compression;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.OptionalInt;
import java.util.zip.CRC32;

/**
 * A self-contained, uncompressed frame of a codec whose size depends only on the length of its content: a zstd frame
 * holding one raw block, or a gzip member holding stored deflate blocks. Both formats decode concatenated frames
 * (members) as the concatenation of their contents, so such a frame can be written <em>in front of</em> a compressed
 * stream after that stream is finished, into space reserved for it. The database backup uses this to compress a
 * snapshot while SQLite is still writing it: page 1 is written last by SQLite, so it goes into this frame.
 *
 * <p>Written by hand because no library exposes "a frame of exactly this size": zstd-jni and java.util.zip choose
 * block types themselves. The layouts are those of RFC 8878 (3.1.1) and RFC 1951/1952.
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
            default:
                throw new IllegalArgumentException(c.wireName() + " has no stored frame");
        }
        return b.array();
    }

    private static int storedBlocks(int length) {
        return (length + DEFLATE_MAX_STORED - 1) / DEFLATE_MAX_STORED;
    }
}
