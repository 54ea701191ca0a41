package dev.archivist.archive;

import com.github.luben.zstd.ZstdIOException;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.ZipException;

/**
 * zstd's decoding of a backup, its failures said as the gzip and xz decoders' are: a stream cut short as
 * "unexpected end of data (truncated)", damage as "zstd data damaged at about byte N of the archive: …", in place of
 * zstd-jni's own words ("Truncated source", and "Destination buffer is too small" for a frame that decodes to more
 * than its damaged header declares, which reads as a problem of this machine rather than of the backup).
 */
final class ZstdDamageWords {
    private ZstdDamageWords() {
    }

    /** {@code in} decoded by {@code decoder} (given {@code in} counted), its failures worded. */
    static InputStream decoding(InputStream in, Decoder decoder) throws IOException {
        Counted counted = new Counted(in);
        return new FailureWordingInputStream(decoder.open(counted),
                e -> e instanceof ZstdIOException z ? worded(z, counted.count) : e);
    }

    /** Opens the zstd decoder over its source. */
    @FunctionalInterface
    interface Decoder {
        InputStream open(InputStream source) throws IOException;
    }

    /** zstd-jni's failure {@code e}, {@code taken} compressed bytes into the archive, in the other codecs' words. */
    private static IOException worded(ZstdIOException e, long taken) {
        String words = String.valueOf(e.getMessage());
        IOException said;
        if (words.contains("Truncated source")) {
            said = new EOFException("unexpected end of data (truncated)");
        } else {
            said = new ZipException("zstd data damaged at about byte " + taken + " of the archive: "
                    + (words.contains("Destination buffer is too small")
                    ? "a frame holds more than its header declares" : words));
        }
        said.initCause(e);
        return said;
    }

    /** The compressed bytes the decoder has taken so far (it reads ahead: "about"). */
    private static final class Counted extends FilterInputStream {
        private long count;

        Counted(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += Math.max(skipped, 0);
            return skipped;
        }
    }
}
