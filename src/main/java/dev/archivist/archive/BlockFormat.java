package dev.archivist.archive;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** How {@link ParallelBlockOutputStream} encodes one block as a self-contained member of its output format. */
interface BlockFormat {
    /** A short name, for thread names and messages. */
    String name();

    /** Throws {@link IllegalArgumentException} when the format has no such level. */
    void checkLevel(int level);

    /** Encodes {@code b.in[0, b.inLen)} into {@code b.out} (grown as needed), setting {@code b.outLen}. */
    void encode(ParallelBlockOutputStream.Block b, int level, boolean store);

    /** Frees what the format holds once the stream is closed. Called on the stream's thread. */
    default void release() {
    }

    /** Gzip members (RFC 1952): header, raw deflate (stored blocks when {@code store}), CRC-32, size. */
    final class GzipMembers implements BlockFormat {
        @Override
        public String name() {
            return "gzip";
        }

        @Override
        public void checkLevel(int level) {
            if (level < 0 || level > 9) {
                throw new IllegalArgumentException("gzip level must be 0..9, got " + level);
            }
        }

        @Override
        public void encode(ParallelBlockOutputStream.Block b, int level, boolean store) {
            CRC32 crc = new CRC32();
            crc.update(b.in, 0, b.inLen);
            Deflater deflater = new Deflater(store ? Deflater.NO_COMPRESSION : level, true);
            try {
                byte[] out = b.out;
                int pos = 0;
                // member header: magic, CM=deflate, no flags, mtime 0, XFL 0, OS 3 (Unix)
                out[pos++] = 0x1f;
                out[pos++] = (byte) 0x8b;
                out[pos++] = 8;
                for (int i = 0; i < 6; i++) {
                    out[pos++] = 0;
                }
                out[pos++] = 3;
                deflater.setInput(b.in, 0, b.inLen);
                deflater.finish();
                while (!deflater.finished()) {
                    if (pos == b.out.length) {
                        b.ensureOut(b.out.length + (b.out.length >>> 1), pos);
                    }
                    pos += deflater.deflate(b.out, pos, b.out.length - pos);
                }
                b.ensureOut(pos + 8, pos);
                pos = putIntLE(b.out, pos, (int) crc.getValue());
                pos = putIntLE(b.out, pos, b.inLen);
                b.outLen = pos;
            } finally {
                deflater.end();
            }
        }
    }

    /**
     * Zstd frames (RFC 8878), one per block: compressed with a reusable context, or, when {@code store}, written by
     * hand as raw blocks (zstd-jni offers no "store" level; a raw frame costs a copy instead of a compression attempt).
     */
    final class ZstdFrames implements BlockFormat {
        private static final int MAGIC = 0xFD2FB528;
        private static final int MAX_RAW_BLOCK = 128 * 1024;
        private final ConcurrentLinkedQueue<ZstdCompressCtx> idle = new ConcurrentLinkedQueue<>();
        private final List<ZstdCompressCtx> all = new ArrayList<>();

        @Override
        public String name() {
            return "zstd";
        }

        @Override
        public void checkLevel(int level) {
            if (level < 1 || level > 22) {
                throw new IllegalArgumentException("zstd level must be 1..22, got " + level);
            }
        }

        @Override
        public void encode(ParallelBlockOutputStream.Block b, int level, boolean store) {
            if (store) {
                raw(b);
                return;
            }
            ZstdCompressCtx ctx = idle.poll();
            if (ctx == null) {
                ctx = new ZstdCompressCtx().setLevel(level).setChecksum(false).setContentSize(true);
                synchronized (all) {
                    all.add(ctx);
                }
            }
            try {
                b.ensureOut((int) Zstd.compressBound(b.inLen), 0);
                b.outLen = ctx.compressByteArray(b.out, 0, b.out.length, b.in, 0, b.inLen);
            } finally {
                idle.offer(ctx);
            }
        }

        /** A single-segment frame with a 4-byte content size and raw blocks of at most 128 KiB. */
        private static void raw(ParallelBlockOutputStream.Block b) {
            int blocks = Math.max(1, (b.inLen + MAX_RAW_BLOCK - 1) / MAX_RAW_BLOCK);
            b.ensureOut(4 + 1 + 4 + blocks * 3 + b.inLen, 0);
            byte[] out = b.out;
            int pos = putIntLE(out, 0, MAGIC);
            out[pos++] = (byte) 0xA0; // Frame_Content_Size_flag = 2 (4 bytes), Single_Segment_flag, no checksum
            pos = putIntLE(out, pos, b.inLen);
            int off = 0;
            do {
                int n = Math.min(MAX_RAW_BLOCK, b.inLen - off);
                int header = (off + n == b.inLen ? 1 : 0) | (n << 3); // Last_Block, Block_Type = Raw (0), size
                out[pos++] = (byte) header;
                out[pos++] = (byte) (header >>> 8);
                out[pos++] = (byte) (header >>> 16);
                System.arraycopy(b.in, off, out, pos, n);
                pos += n;
                off += n;
            } while (off < b.inLen);
            b.outLen = pos;
        }

        @Override
        public void release() {
            synchronized (all) {
                all.forEach(ZstdCompressCtx::close);
                all.clear();
            }
            idle.clear();
        }
    }

    private static int putIntLE(byte[] b, int pos, int v) {
        b[pos] = (byte) v;
        b[pos + 1] = (byte) (v >>> 8);
        b[pos + 2] = (byte) (v >>> 16);
        b[pos + 3] = (byte) (v >>> 24);
        return pos + 4;
    }
}
