package dev.archivist.archive;

/**
 * How the parallel gzip writer tells a block that will not compress (photos, videos, archives): four 16 KiB samples
 * spread over it are compressed with a fast probe, and the block counts as incompressible when none of them shrinks
 * by 3 %. Blocks too small to sample count as compressible. Wrong guesses cost only ratio or time, never correctness:
 * a stored block decodes like any other. (zstd needs no such test: it gives up on random data at ~4.5 GB/s by itself.)
 */
final class Incompressible {
    /** Bytes in each sample. */
    static final int SAMPLE_SIZE = 16 << 10;
    private static final int SAMPLES = 4;
    private static final double SHRINKS_BELOW = 0.97;

    /** Compresses {@code length} bytes of {@code in} from {@code offset} with a fast level; returns the size made. */
    @FunctionalInterface
    interface Probe {
        int compressedSize(byte[] in, int offset, int length);
    }

    private Incompressible() {
    }

    /** Whether no sample of {@code block[0..length)} shrinks under {@code probe}. */
    static boolean test(byte[] block, int length, Probe probe) {
        if (length < SAMPLES * SAMPLE_SIZE) {
            return false;
        }
        for (int i = 0; i < SAMPLES; i++) {
            int offset = (int) ((long) (length - SAMPLE_SIZE) * i / (SAMPLES - 1));
            if (probe.compressedSize(block, offset, SAMPLE_SIZE) < SAMPLE_SIZE * SHRINKS_BELOW) {
                return false;
            }
        }
        return true;
    }
}
