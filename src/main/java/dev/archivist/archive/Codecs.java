package dev.archivist.archive;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import dev.archivist.ArchivistException;
import dev.archivist.config.Compression;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
    /** Why zstd's native library did not load, from the first failure; null while none failed. */
    private static volatile String zstdLoadFailure;

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
                ZstdOutputStream z;
                try {
                    z = new ZstdOutputStream(out, level);
                } catch (LinkageError e) {
                    throw zstdUnavailable(e);
                }
                // a content checksum in every frame, as the zstd tool writes by default: damage that the SHA-256 of
                // the parts cannot see (the data corrupted before it was hashed, or the checksums recomputed over a
                // changed file) is then found by every decoder, ours and `zstd -d` alike (XXH64: ~0.05 s per GiB)
                z.setChecksum(true);
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
                try {
                    return new BufferedInputStream(ZstdDamageWords.decoding(in, ZstdInputStream::new), BUFFER);
                } catch (LinkageError e) {
                    throw zstdUnavailable(e);
                }
            case GZ:
                return new GzipMembersInputStream(in);
            case XZ:
                // 64 KiB above the decoder: a truncated archive loses what the failing read decoded, not 1 MiB of it
                return new BufferedInputStream(new XZInputStream(new BufferedInputStream(in, BUFFER)), 1 << 16);
            case NONE:
                return in;
            default:
                throw new IllegalArgumentException("unknown compression " + c);
        }
    }

    /**
     * zstd-jni loads its native library at its first use, unpacking it into {@code java.io.tmpdir} unless
     * {@code -DZstdNativePath} names it (bin/archivist unpacks it once beside the jar and passes that). Where this fails
     * (a temporary folder this user may not write, or mounted {@code noexec}), the JVM's linkage error, a stack trace
     * at the first use and "Could not initialize class" at the next, becomes an error that names the cause: this
     * machine cannot use zstd; nothing is wrong with the backups.
     */
    static CodecUnavailableException zstdUnavailable(LinkageError e) {
        String why = zstdLoadFailure;
        if (why == null) { // the first failure has the cause; later ones say "Could not initialize class" around it
            why = ArchivistException.reason(e.getCause() != null ? e.getCause() : e);
            zstdLoadFailure = why;
        }
        return new CodecUnavailableException("zstd cannot be used here: its native library did not load ("
                + why + "); zstd-jni unpacks it into the temporary folder "
                + System.getProperty("java.io.tmpdir") + ", which must be writable and allow running code (set TMPDIR,"
                + " or run bin/archivist, which unpacks it beside the jar)", e);
    }
}
