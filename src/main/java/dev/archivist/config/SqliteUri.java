package dev.archivist.config;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * SQLAlchemy's {@code sqlite:///file:…?mode=ro&uri=true}: with {@code uri} on, the URL's database part is a SQLite URI
 * filename (<a href="https://sqlite.org/uri.html">sqlite.org/uri.html</a>), so {@code file:/var/lib/app.db} names
 * {@code /var/lib/app.db}, not a relative file called {@code file:/var/lib/app.db}.
 */
final class SqliteUri {
    /** SQLAlchemy reads {@code uri} as a boolean ({@code util.asbool}). */
    private static final Pattern URI_ON = Pattern.compile("(?i)(?:^|&)uri=(?:true|t|yes|y|on|1)(?:&|$)");

    private SqliteUri() {
    }

    /**
     * The file {@code database} names, given the URL's {@code query} (without its {@code ?}; null when none): the path
     * of a {@code file:} URI filename when {@code uri} is on, else {@code database} as it is.
     *
     * @throws IllegalArgumentException for a URI naming a host other than {@code localhost}, which SQLite refuses too
     */
    static String fileOf(String database, String query) {
        if (query == null || !URI_ON.matcher(query).find() || !database.startsWith("file:")) {
            return database;
        }
        String rest = database.substring("file:".length());
        int end = rest.length();
        for (char c : new char[] {'?', '#'}) {
            int at = rest.indexOf(c);
            end = at >= 0 ? Math.min(end, at) : end;
        }
        rest = rest.substring(0, end);
        if (rest.startsWith("//")) {
            int slash = rest.indexOf('/', 2);
            String authority = rest.substring(2, slash < 0 ? rest.length() : slash);
            if (!authority.isEmpty() && !authority.equalsIgnoreCase("localhost")) {
                throw new IllegalArgumentException("a SQLite URI names no host (file:///var/lib/app.db or file:app.db)");
            }
            rest = slash < 0 ? "" : rest.substring(slash);
        }
        return percentDecoded(rest);
    }

    /** {@code %XX} escapes as the UTF-8 bytes they stand for; a {@code %} not followed by two hex digits stays. */
    private static String percentDecoded(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        byte[] raw = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < raw.length; i++) {
            int high = i + 2 < raw.length && raw[i] == '%' ? Character.digit(raw[i + 1], 16) : -1;
            int low = high >= 0 ? Character.digit(raw[i + 2], 16) : -1;
            if (low >= 0) {
                bytes.write(high * 16 + low);
                i += 2;
            } else {
                bytes.write(raw[i]);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
