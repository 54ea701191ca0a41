package dev.archivist.archive;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import dev.archivist.config.Compression;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.UnsupportedOptionsException;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * Compression stream layers for each {@link Compression}; the output is readable by the standard tools
 * ({@code zstd -d}, {@code gzip -d}, {@code xz -d}).
 *
 * <p>Compressors buffer their input (1 MiB) and close the stream they wrap when closed.
 * zstd and gzip compress on all available processors; xz is single-threaded.
 */
public final class Codecs {
    private static final int FAST_LEVELS = 9;
    private static final int ZSTD_JOB_SIZE = 2 << 20;
    static final int BUFFER = 1 << 20;

    private Codecs() {
    }

    /** A stream compressing into {@code out} with codec {@code c} at {@code level} (within the codec's range). */
    public static OutputStream compressor(Compression c, int level, OutputStream out) throws IOException {
        return compressor(c, level, out, true);
    }

    /**
     * As {@link #compressor(Compression, int, OutputStream)}; {@code boundedMemory = false} lets zstd keep its default
     * job size (8 MiB at level 3: about 10 % less CPU, about 40 MiB more native memory), for a process that holds
     * nothing else large.
     */
    public static OutputStream compressor(Compression c, int level, OutputStream out, boolean boundedMemory)
            throws IOException {
        if (c != Compression.NONE && (level < c.minLevel() || level > c.maxLevel())) {
            throw new IllegalArgumentException(c.wireName() + " level must be " + c.minLevel() + ".." + c.maxLevel()
                    + ", got " + level);
        }
        int cpus = Runtime.getRuntime().availableProcessors();
        switch (c) {
            case ZSTD: {
                ZstdOutputStream z = new ZstdOutputStream(out, level);
                z.setWorkers(cpus);
                if (boundedMemory && level <= FAST_LEVELS) {
                    // zstd's default job is 4 windows (8 MiB at level 3) and it keeps workers + 2 jobs of input and
                    // output buffered: ~70 MiB of native memory. 2 MiB jobs cost nothing measurable in ratio or
                    // speed at the fast levels and keep the whole process under its memory budget.
                    z.setJobSize(ZSTD_JOB_SIZE);
                }
                return new ReportOnceOutputStream(new BufferedOutputStream(z, BUFFER));
            }
            case GZ:
                return new ParallelGzipOutputStream(out, level, cpus);
            case XZ:
                try {
                    return new ReportOnceOutputStream(
                            new BufferedOutputStream(new XZOutputStream(out, new LZMA2Options(level)), BUFFER));
                } catch (UnsupportedOptionsException e) {
                    throw new IllegalArgumentException("xz level " + level + ": " + e.getMessage(), e);
                }
            case NONE:
                return out;
            default:
                throw new IllegalArgumentException("unknown compression " + c);
        }
    }

    /** A stream decompressing {@code in} (multi-member gzip and multi-frame zstd are read to the end). */
    public static InputStream decompressor(Compression c, InputStream in) throws IOException {
        switch (c) {
            case ZSTD:
                return new BufferedInputStream(new ZstdInputStream(in), BUFFER);
            case GZ:
                return new GzipCompressorInputStream(new BufferedInputStream(in, BUFFER), true);
            case XZ:
                // 64 KiB above the decoder: a truncated archive loses what the failing read decoded, not 1 MiB of it
                return new BufferedInputStream(new XZInputStream(new BufferedInputStream(in, BUFFER)), 1 << 16);
            case NONE:
                return in;
            default:
                throw new IllegalArgumentException("unknown compression " + c);
        }
    }
}
