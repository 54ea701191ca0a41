package dev.archivist.config;

import java.util.Locale;

/** Compression codecs a backup can be stored with; {@link #extension()} is appended to the file name. */
public enum Compression {
    ZSTD("zstd", ".zst", 3, 1, 19),
    GZ("gz", ".gz", 6, 1, 9),
    XZ("xz", ".xz", 6, 0, 9),
    NONE("none", "", 0, 0, 0);

    private final String wireName;
    private final String extension;
    private final int defaultLevel;
    private final int minLevel;
    private final int maxLevel;

    Compression(String wireName, String extension, int defaultLevel, int minLevel, int maxLevel) {
        this.wireName = wireName;
        this.extension = extension;
        this.defaultLevel = defaultLevel;
        this.minLevel = minLevel;
        this.maxLevel = maxLevel;
    }

    public String wireName() { return wireName; }
    public String extension() { return extension; }
    public int defaultLevel() { return defaultLevel; }
    public int minLevel() { return minLevel; }
    public int maxLevel() { return maxLevel; }

    /** Parses {@code zstd|gz|xz|none} (also {@code gzip}) in any case; null when unknown. */
    public static Compression parseOrNull(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("gzip")) {
            return GZ;
        }
        for (Compression c : values()) {
            if (c.wireName.equals(t)) {
                return c;
            }
        }
        return null;
    }
}
