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
    private static final Pattern URL_START = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:/{1,2}");
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

    /**
     * A configuration value as it may be shown: masked whole when its variable names a secret; a URL with its
     * password masked up to the last {@code @} of the value and every secret query parameter up to the next
     * {@code &} (a value is known whole, unlike free text: a password holding an unescaped {@code /}, {@code @} or
     * space, as generated ones do, is masked whole); then as {@link #redact}.
     */
    public static String redactValue(String name, String value) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        if (isSensitiveName(name)) {
            return MASK;
        }
        Matcher url = URL_START.matcher(value);
        if (!url.lookingAt()) {
            return redact(value);
        }
        StringBuilder out = new StringBuilder(value.length()).append(url.group());
        String rest = value.substring(url.end());
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String userinfo = rest.substring(0, at);
            int colon = userinfo.indexOf(':');
            out.append(colon >= 0 ? userinfo.substring(0, colon + 1) + MASK : userinfo.length() >= 16 ? MASK : userinfo);
            rest = rest.substring(at);
        }
        int query = rest.indexOf('?');
        if (query >= 0) {
            out.append(rest, 0, query + 1);
            String[] params = rest.substring(query + 1).split("&", -1);
            for (int i = 0; i < params.length; i++) {
                int eq = params[i].indexOf('=');
                boolean secret = eq > 0 && isSensitiveName(params[i].substring(0, eq));
                out.append(i == 0 ? "" : "&").append(secret ? params[i].substring(0, eq + 1) + MASK : params[i]);
            }
        } else {
            out.append(rest);
        }
        return redact(out.toString());
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
