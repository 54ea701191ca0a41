package dev.archivist.restore;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Builds tar streams in memory, hostile ones included: names are written as raw bytes (ISO-8859-1
 * writer, GNU long names), so invalid UTF-8, absolute paths and backslashes reach the header as given;
 * {@link #pax} adds a hand-made PAX header carrying raw {@code path}/{@code linkpath} bytes.
 */
public final class TarBuilder {
    public static final long MTIME = 1_700_000_000_000L;
    private static final String GLOBAL_NAME = "PaxHeaders/global";
    private static final byte GLOBAL_MARK = 0;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream out;
    private Map<String, byte[]> pendingPax;

    public TarBuilder() {
        out = new TarArchiveOutputStream(bytes, StandardCharsets.ISO_8859_1.name());
        out.setLongFileMode(TarArchiveOutputStream.LONGFILE_GNU);
        out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    TarBuilder file(String name, String content) {
        return entry(utf8(name), TarConstants.LF_NORMAL, null, utf8(content), 0644, MTIME);
    }

    TarBuilder file(String name, byte[] content, int mode, long mtimeMillis) {
        return entry(utf8(name), TarConstants.LF_NORMAL, null, content, mode, mtimeMillis);
    }

    TarBuilder dir(String name) {
        return entry(utf8(name), TarConstants.LF_DIR, null, null, 0755, MTIME);
    }

    TarBuilder dir(String name, int mode, long mtimeMillis) {
        return entry(utf8(name), TarConstants.LF_DIR, null, null, mode, mtimeMillis);
    }

    TarBuilder symlink(String name, String target) {
        return entry(utf8(name), TarConstants.LF_SYMLINK, utf8(target), null, 0777, MTIME);
    }

    TarBuilder hardLink(String name, String target) {
        return entry(utf8(name), TarConstants.LF_LINK, utf8(target), null, 0644, MTIME);
    }

    TarBuilder special(String name, byte type) {
        return entry(utf8(name), type, null, null, 0644, MTIME);
    }

    /** The next entry gets a PAX header with these raw values (keys {@code path}, {@code linkpath}, ...). */
    public TarBuilder pax(Map<String, byte[]> records) {
        pendingPax = new LinkedHashMap<>(records);
        return this;
    }

    /** Adds an entry whose header name and link name are the given raw bytes. */
    public TarBuilder entry(byte[] name, byte type, byte[] linkName, byte[] content, int mode, long mtimeMillis) {
        try {
            if (pendingPax != null) {
                writePax(pendingPax, TarConstants.LF_PAX_EXTENDED_HEADER_LC);
                pendingPax = null;
            }
            TarArchiveEntry entry = new TarArchiveEntry(latin1(name), type, true);
            if (linkName != null) {
                entry.setLinkName(latin1(linkName));
            }
            entry.setMode(mode);
            entry.setModTime(mtimeMillis);
            if (type == TarConstants.LF_CHR || type == TarConstants.LF_BLK) {
                entry.setDevMajor(1);
                entry.setDevMinor(3);
            }
            entry.setSize(content == null ? 0 : content.length);
            out.putArchiveEntry(entry);
            if (content != null) {
                out.write(content);
            }
            out.closeArchiveEntry();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds a global PAX header. */
    public TarBuilder globalPax(Map<String, byte[]> records) {
        try {
            writePax(records, GLOBAL_MARK);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public byte[] bytes() {
        try {
            out.finish();
            out.close();
            return retypeGlobalHeaders(bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writePax(Map<String, byte[]> records, byte type) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> record : records.entrySet()) {
            byte[] body = concat(utf8(" " + record.getKey() + "="), record.getValue(), new byte[] {'\n'});
            int length = body.length + 1;
            while (String.valueOf(length).length() + body.length != length) {
                length++;
            }
            data.write(utf8(String.valueOf(length)));
            data.write(body);
        }
        // the writer handles 'g' entries itself: write an 'x' and retype it in bytes()
        boolean global = type == GLOBAL_MARK;
        TarArchiveEntry header = new TarArchiveEntry(global ? GLOBAL_NAME : "PaxHeaders/entry",
                TarConstants.LF_PAX_EXTENDED_HEADER_LC, true);
        header.setSize(data.size());
        out.putArchiveEntry(header);
        out.write(data.toByteArray());
        out.closeArchiveEntry();
    }

    private static byte[] retypeGlobalHeaders(byte[] tar) {
        byte[] marker = GLOBAL_NAME.getBytes(StandardCharsets.US_ASCII);
        for (int offset = 0; offset + 512 <= tar.length; offset += 512) {
            if (java.util.Arrays.equals(tar, offset, offset + marker.length, marker, 0, marker.length) && tar[offset + marker.length] == 0) {
                tar[offset + 156] = TarConstants.LF_PAX_GLOBAL_EXTENDED_HEADER;
                long sum = 0;
                for (int i = 0; i < 512; i++) {
                    sum += (i >= 148 && i < 156) ? ' ' : tar[offset + i] & 0xff;
                }
                byte[] field = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(field, 0, tar, offset + 148, 8);
            }
        }
        return tar;
    }

    private static String latin1(byte[] raw) {
        return new String(raw, StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            joined.writeBytes(part);
        }
        return joined.toByteArray();
    }
}
