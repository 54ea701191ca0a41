package dev.archivist.archive;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The body of one pax extended header, {@code "<len> key=value\n"} records, formatted as bytes into a buffer that is
 * reused for every entry: a small-file backup writes one such header per file (its mtime's fraction of a second), and
 * formatting them through strings allocated ~75 MB per 100,000 files, a quarter of the whole backup's garbage.
 * Not thread-safe; one per {@link PaxTarWriter}.
 */
final class PaxRecords {
    private static final int LONGEST_DECIMAL_SECONDS = 32; // "-9223372036854775808.999999999" is 30 bytes

    private final byte[] scratch = new byte[LONGEST_DECIMAL_SECONDS];
    private byte[] buffer = new byte[256];
    private int length;

    /** Starts the body of the next header. */
    void clear() {
        length = 0;
    }

    boolean isEmpty() {
        return length == 0;
    }

    /** The body's length in bytes. */
    int length() {
        return length;
    }

    /** The buffer holding the body in its first {@link #length()} bytes; valid until the next change. */
    byte[] bytes() {
        return buffer;
    }

    void add(String key, String value) {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        add(key, b, b.length);
    }

    void add(String key, long number) {
        add(key, Long.toString(number));
    }

    /** A time as {@code seconds.nnnnnnnnn} without trailing zeros (see {@link #decimalSeconds(long, int, byte[])}). */
    void addSeconds(String key, long seconds, int nanos) {
        add(key, scratch, decimalSeconds(seconds, nanos, scratch));
    }

    /** Appends {@code "<len> key=value\n"}, where len counts the whole record in bytes, its own digits too. */
    private void add(String key, byte[] value, int valueLength) {
        int body = 3 + key.length() + valueLength; // ' ', '=', '\n'; keys are ASCII
        int len = body + digits(body);
        if (digits(len) != digits(body)) {
            len++; // adding the digits added a digit
        }
        if (buffer.length - length < len) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + len));
        }
        length = putDecimal(len, buffer, length);
        buffer[length++] = ' ';
        for (int i = 0; i < key.length(); i++) {
            buffer[length++] = (byte) key.charAt(i);
        }
        buffer[length++] = '=';
        System.arraycopy(value, 0, buffer, length, valueLength);
        length += valueLength;
        buffer[length++] = '\n';
    }

    /**
     * Writes {@code seconds.nnnnnnnnn} without trailing zeros (only the seconds when {@code nanos} is 0) into
     * {@code to} from index 0 and returns its length. For times before the epoch the fraction counts forward too, as
     * pax readers expect: {@code Instant} -1.5 s (seconds -2, nanos 500,000,000) is {@code -1.5}.
     */
    static int decimalSeconds(long seconds, int nanos, byte[] to) {
        if (nanos == 0) {
            return putDecimal(seconds, to, 0);
        }
        int at;
        if (seconds == -1) { // -0.x: the whole part alone would lose its sign
            to[0] = '-';
            to[1] = '0';
            at = 2;
        } else {
            at = putDecimal(seconds < 0 ? seconds + 1 : seconds, to, 0);
        }
        int fraction = seconds < 0 ? 1_000_000_000 - nanos : nanos;
        int end = 9;
        while (fraction % 10 == 0) {
            fraction /= 10;
            end--;
        }
        to[at] = '.';
        for (int i = at + end; i > at; i--) { // the fraction's digits, zero-padded on the left to its place
            to[i] = (byte) ('0' + fraction % 10);
            fraction /= 10;
        }
        return at + 1 + end;
    }

    /** {@link #decimalSeconds(long, int, byte[])} as a string. */
    static String decimalSeconds(long seconds, int nanos) {
        byte[] b = new byte[LONGEST_DECIMAL_SECONDS];
        return new String(b, 0, decimalSeconds(seconds, nanos, b), StandardCharsets.US_ASCII);
    }

    /** Writes {@code value} in decimal at {@code to[at]}; returns the index after it. */
    private static int putDecimal(long value, byte[] to, int at) {
        if (value == Long.MIN_VALUE) {
            byte[] b = Long.toString(value).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(b, 0, to, at, b.length);
            return at + b.length;
        }
        int i = at;
        long v = value;
        if (v < 0) {
            to[i++] = '-';
            v = -v;
        }
        int end = i + digits(v);
        for (int j = end - 1; j >= i; j--) {
            to[j] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return end;
    }

    /** Decimal digits of {@code v >= 0}. */
    private static int digits(long v) {
        int n = 1;
        for (long x = v; x >= 10; x /= 10) {
            n++;
        }
        return n;
    }
}
