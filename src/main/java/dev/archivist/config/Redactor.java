package dev.archivist.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scrubs secrets from any text before it is logged or printed: credentials inside URLs, {@code key=value} and
 * {@code "key": "value"} pairs whose key names a secret (a long URL userinfo without a password is taken for a
 * token and masked whole): the original's list (password, passwd, pwd, secret, token,
 * key, credential, auth, api_key, apikey) widened to any key containing pass (passphrase), signature, session, cookie,
 * bearer or private. Over-redacting a harmless {@code compass=...} costs less than printing a secret.
 */
public final class Redactor {
    /** What replaces a secret. */
    public static final String MASK = "***";
    private static final String WORDS = "pass|pwd|secret|token|key|credential|auth|signature|session|cookie|bearer|private";
    /** {@code scheme://user:password@}, also with its {@code //} collapsed to one by a path's normalisation. */
    private static final Pattern URL_CREDENTIALS = Pattern.compile(
            "([A-Za-z][A-Za-z0-9+.-]*:/{1,2})([^/\\s:@'\"]*):([^/\\s@'\"]+)@");
    /**
     * A URL whose userinfo has no password but 16 characters or more ({@code https://ghp_…@host/}): a token, not a
     * user name, masked whole. A short name ({@code postgres://app@db/x}) is kept, so errors still show the value.
     */
    private static final Pattern URL_TOKEN = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^/?#\\s:@'\"]{16,}@");
    private static final Pattern JSON_PAIR = Pattern.compile(
            "(\"[A-Za-z0-9_.-]*(?:" + WORDS + ")[A-Za-z0-9_.-]*\"\\s*:\\s*)(\"(?:[^\"\\\\]|\\\\.)*\"|[^,}\\s]+)",
            Pattern.CASE_INSENSITIVE);
    /**
     * An unquoted value: up to whitespace or the next {@code &} parameter, and not over the quote that closes the
     * whole value in a message ({@code DATABASE_URL='…?password=x': only SQLite …} kept its {@code ':}).
     */
    private static final String UNQUOTED = "(?:[^\\s&']|'(?![:,.;)]?(?:\\s|$)))+";
    private static final Pattern TEXT_PAIR = Pattern.compile(
            "(?<![A-Za-z0-9_\"])([A-Za-z0-9_.-]*(?:" + WORDS + ")[A-Za-z0-9_.-]*\\s*[=:]\\s*)(\"[^\"]*\"|'[^']*'|"
                    + UNQUOTED + ")",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern SENSITIVE_NAME = Pattern.compile(".*(" + WORDS + ").*", Pattern.CASE_INSENSITIVE);

    private Redactor() {
    }

    /** Whether a variable or field name denotes a secret. */
    public static boolean isSensitiveName(String name) {
        return SENSITIVE_NAME.matcher(name.toLowerCase(Locale.ROOT)).matches();
    }

    /** Returns {@code text} with every recognisable secret replaced by {@link #MASK}. */
    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = URL_CREDENTIALS.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + m.group(2) + ":" + MASK + "@"));
        out = URL_TOKEN.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK + "@"));
        out = JSON_PAIR.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "\"" + MASK + "\""));
        out = TEXT_PAIR.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK));
        return out;
    }
}
