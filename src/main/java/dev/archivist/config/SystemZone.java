package dev.archivist.config;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;

/**
 * The zone a {@code TZ} value names, as the C library reads it (and so cron, {@code date}, Python's {@code tzlocal}):
 * a zone name, or the path of a zoneinfo file, either after an optional leading {@code ':'}. The JVM reads {@code TZ}
 * from its own environment only; a {@code TZ} that comes from the {@code .env} file is read here.
 */
public final class SystemZone {
    private static final String ZONEINFO = "/zoneinfo/";

    private SystemZone() {
    }

    /** The zone {@code tz} names, by name or zoneinfo path; null when Java knows none (a POSIX rule, a typo). */
    public static ZoneId of(String tz) {
        String name = tz != null && tz.startsWith(":") ? tz.substring(1) : tz;
        if (name == null || name.isBlank()) {
            return null;
        }
        if (name.startsWith("/")) {
            return fromPath(tz);
        }
        try {
            return ZoneId.of(name);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** The zone a {@code TZ} of the form {@code [:]/path/to/zoneinfo/Area/City} names; null for any other value. */
    public static ZoneId fromPath(String tz) {
        String name = tz != null && tz.startsWith(":") ? tz.substring(1) : tz;
        if (name == null || !name.startsWith("/")) {
            return null; // unset, or a name: the JVM reads it itself
        }
        String real;
        try {
            real = Path.of(name).toRealPath().toString();
        } catch (IOException | InvalidPathException e) {
            return null;
        }
        int at = real.lastIndexOf(ZONEINFO);
        if (at < 0) {
            return null;
        }
        String id = real.substring(at + ZONEINFO.length()).replaceFirst("^(posix|right)/", "");
        try {
            return ZoneId.of(id);
        } catch (DateTimeException e) {
            return null;
        }
    }
}
