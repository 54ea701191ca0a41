package dev.archivist.archive;

import dev.archivist.config.Compression;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** TEMPORARY stub, replaced by the archive pipeline. */
public final class Codecs {
    private Codecs() {
    }

    public static OutputStream compressor(Compression c, int level, OutputStream out) throws IOException {
        switch (c) {
            case ZSTD: {
                com.github.luben.zstd.ZstdOutputStream z = new com.github.luben.zstd.ZstdOutputStream(out, level);
                z.setWorkers(Runtime.getRuntime().availableProcessors());
                return z;
            }
            case GZ: return new java.util.zip.GZIPOutputStream(out, 1 << 16);
            case XZ: return new org.tukaani.xz.XZOutputStream(out, new org.tukaani.xz.LZMA2Options(level));
            default: return out;
        }
    }

    public static InputStream decompressor(Compression c, InputStream in) throws IOException {
        switch (c) {
            case ZSTD: return new com.github.luben.zstd.ZstdInputStream(in);
            case GZ: return new org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream(in, true);
            case XZ: return new org.tukaani.xz.XZInputStream(in);
            default: return in;
        }
    }
}
