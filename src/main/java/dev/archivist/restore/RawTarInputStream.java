package dev.archivist.restore;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipEncoding;
import org.apache.commons.compress.archivers.zip.ZipEncodingHelper;

/**
 * A {@link TarArchiveInputStream} that also reports the raw bytes of each entry's name and link target.
 *
 * <p>commons-compress decodes header and GNU long names with a lossy decoder ({@code ?} for bad
 * UTF-8) and strips leading {@code /} from long names. To judge names exactly, this stream watches
 * the header records, GNU long-name data and PAX data as the parent reads them, and applies the same
 * precedence as the parent: the first name source of an entry's header chain wins, then the ustar
 * header itself.
 */
final class RawTarInputStream extends TarArchiveInputStream {
    private static final ZipEncoding BYTES = ZipEncodingHelper.getZipEncoding(StandardCharsets.ISO_8859_1.name());
    private static final String PATH = "path";
    private static final String LINKPATH = "linkpath";

    /** Raw name and link target of an entry, plus whether a global PAX header tries to rename entries. */
    record RawNames(byte[] name, byte[] linkName, boolean globalRename) {
    }

    private int depth;
    private int recordIndex;
    private byte[] headerRecord;
    private final TreeMap<Integer, byte[]> nameSources = new TreeMap<>();
    private final TreeMap<Integer, byte[]> linkSources = new TreeMap<>();
    private ByteArrayOutputStream paxData;
    private int paxIndex;
    private boolean paxGlobal;
    private boolean globalRename;
    private RawNames current;

    RawTarInputStream(InputStream in) {
        super(in, StandardCharsets.ISO_8859_1.name());
    }

    @Override
    public TarArchiveEntry getNextEntry() throws IOException {
        if (depth > 0) {
            return nested();
        }
        headerRecord = null;
        nameSources.clear();
        linkSources.clear();
        paxData = null;
        current = null;
        TarArchiveEntry entry = nested();
        if (entry != null) {
            current = rawNamesOf(entry);
        }
        return entry;
    }

    /** Raw names of the entry last returned by {@link #getNextEntry()}. */
    RawNames rawNames() {
        return current;
    }

    private TarArchiveEntry nested() throws IOException {
        depth++;
        try {
            return super.getNextEntry();
        } finally {
            depth--;
        }
    }

    @Override
    protected byte[] readRecord() throws IOException {
        finishPax();
        byte[] record = super.readRecord();
        if (depth == 0 || record == null || record.length <= TarConstants.NAMELEN) {
            return record;
        }
        int index = recordIndex++;
        byte type = record[TarConstants.NAMELEN + TarConstants.MODELEN + TarConstants.UIDLEN + TarConstants.GIDLEN
                + TarConstants.SIZELEN + TarConstants.MODTIMELEN + TarConstants.CHKSUMLEN];
        if (type == TarConstants.LF_PAX_EXTENDED_HEADER_LC || type == TarConstants.LF_PAX_EXTENDED_HEADER_UC
                || type == TarConstants.LF_PAX_GLOBAL_EXTENDED_HEADER) {
            paxData = new ByteArrayOutputStream();
            paxIndex = index;
            paxGlobal = type == TarConstants.LF_PAX_GLOBAL_EXTENDED_HEADER;
        } else if (type != TarConstants.LF_GNUTYPE_LONGNAME && type != TarConstants.LF_GNUTYPE_LONGLINK
                && headerRecord == null) {
            headerRecord = record.clone();
        }
        return record;
    }

    @Override
    public int read(byte[] buf, int offset, int length) throws IOException {
        int n = super.read(buf, offset, length);
        if (paxData != null && n > 0) {
            paxData.write(buf, offset, n);
        }
        return n;
    }

    @Override
    protected byte[] getLongNameData() throws IOException {
        byte type = getCurrentEntry().getLinkFlag();
        int index = recordIndex - 1;
        byte[] data = super.getLongNameData();
        if (data != null) {
            (type == TarConstants.LF_GNUTYPE_LONGLINK ? linkSources : nameSources).put(index, data);
        }
        return data;
    }

    private void finishPax() throws IOException {
        if (paxData == null) {
            return;
        }
        Map<String, byte[]> records = PaxRecords.parse(paxData.toByteArray());
        paxData = null;
        if (paxGlobal) {
            globalRename |= records.containsKey(PATH) || records.containsKey(LINKPATH);
            return;
        }
        if (records.containsKey(PATH)) {
            nameSources.put(paxIndex, records.get(PATH));
        }
        if (records.containsKey(LINKPATH)) {
            linkSources.put(paxIndex, records.get(LINKPATH));
        }
    }

    private RawNames rawNamesOf(TarArchiveEntry entry) throws IOException {
        TarArchiveEntry header = headerRecord == null ? entry : new TarArchiveEntry(headerRecord, BYTES, true);
        return new RawNames(firstOr(nameSources, header.getName()), firstOr(linkSources, header.getLinkName()), globalRename);
    }

    /** The earliest source (the parent applies the outermost header last, so it wins), else the ustar field. */
    private static byte[] firstOr(TreeMap<Integer, byte[]> sources, String headerField) {
        return sources.isEmpty() ? headerField.getBytes(StandardCharsets.ISO_8859_1) : sources.firstEntry().getValue();
    }
}
