package dev.archivist.restore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** Parses the records of a PAX extended header ({@code "<len> <key>=<value>\n"}) keeping values as raw bytes. */
final class PaxRecords {
    private PaxRecords() {
    }

    static Map<String, byte[]> parse(byte[] data) throws IOException {
        Map<String, byte[]> records = new HashMap<>();
        int pos = 0;
        while (pos < data.length && data[pos] != 0) {
            int space = indexOf(data, (byte) ' ', pos);
            if (space < 0) {
                throw new IOException("malformed PAX header: no length at offset " + pos);
            }
            int length;
            try {
                length = Integer.parseInt(new String(data, pos, space - pos, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw new IOException("malformed PAX header: bad length at offset " + pos, e);
            }
            int end = pos + length;
            if (length <= 0 || end > data.length || end <= space + 1 || data[end - 1] != '\n') {
                throw new IOException("malformed PAX header: bad record at offset " + pos);
            }
            int equals = indexOf(data, (byte) '=', space + 1);
            if (equals < 0 || equals >= end) {
                throw new IOException("malformed PAX header: no '=' in record at offset " + pos);
            }
            String key = new String(data, space + 1, equals - space - 1, StandardCharsets.UTF_8);
            records.put(key, Arrays.copyOfRange(data, equals + 1, end - 1));
            pos = end;
        }
        return records;
    }

    private static int indexOf(byte[] data, byte b, int from) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
