package dev.archivist.catalog;

import dev.archivist.archive.Sha256;
import java.nio.charset.StandardCharsets;

/**
 * Names Archivist derives from a name of the operator's (a temporary file beside a {@code dump --output}, a staging
 * folder beside a {@code --target}), kept within the 255 bytes one name may have on Linux's file systems: a file or
 * folder whose own name is that long must not fail with "File name too long" on a name Archivist made up for it.
 */
public final class FileNames {
    /** The most bytes one name may have (NAME_MAX of ext4, xfs, btrfs, tmpfs). */
    public static final int NAME_MAX = 255;
    /** What {@link #shorten} appends to a name it cut: {@code ~} and 8 hex digits of the whole name's SHA-256. */
    private static final int MARK_BYTES = 9;

    private FileNames() {
    }

    /**
     * {@code name} itself when its UTF-8 takes at most {@code maxBytes} bytes; else its start, cut at a character's
     * boundary, followed by {@code ~} and 8 hex digits of the whole name's SHA-256, {@code maxBytes} bytes at most.
     * The same name always gives the same result, so a later run finds what an earlier one made.
     */
    public static String shorten(String name, int maxBytes) {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= maxBytes) {
            return name;
        }
        int keep = Math.max(0, maxBytes - MARK_BYTES);
        while (keep > 0 && (utf8[keep] & 0xC0) == 0x80) { // never cut a character in two
            keep--;
        }
        return new String(utf8, 0, keep, StandardCharsets.UTF_8) + "~" + Sha256.of(utf8).substring(0, 8);
    }

    /** How many bytes {@code text} takes in UTF-8, as a name on disk. */
    public static int bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
