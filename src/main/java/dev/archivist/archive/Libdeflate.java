package dev.archivist.archive;

import com.fulcrumgenomics.jlibdeflate.LibdeflateCompressor;

/**
 * libdeflate, the whole-buffer deflate library, for the gz codec's independent blocks
 * ({@link ParallelGzipOutputStream}): at level 6 it spends 0.43x the CPU of zlib (the JDK's
 * {@link java.util.zip.Deflater}) on the bench's small set, for output ~2 % larger, and writes a whole gzip member
 * per call. Its JNI binding unpacks its native library into the
 * temporary folder (or loads it from {@code -Djlibdeflate.library.path}, as bin/archivist passes it); where that
 * fails (another platform, a folder mounted {@code noexec}), {@link #available()} is false and zlib deflates: slower,
 * the same format.
 */
final class Libdeflate {
    private static volatile Boolean available;

    private Libdeflate() {
    }

    /** Whether libdeflate's native library loaded (tried once). */
    static boolean available() {
        Boolean a = available;
        if (a == null) {
            try {
                new LibdeflateCompressor(1).close();
                a = true;
            } catch (LinkageError | RuntimeException e) {
                a = false;
            }
            available = a;
        }
        return a;
    }
}
