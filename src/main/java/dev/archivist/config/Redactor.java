package dev.archivist.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scrubs secrets from any text before it is logged or printed: credentials inside URLs, {@code key=value} and
 * {@code "key": "value"} pairs whose key names a secret (a long URL userinfo without a password is taken for a
 * token and masked whole): the original's list (password, passwd, pwd, secret, token,
 * key, credential, auth, api_key, apikey) widened to any key containing pass (passphrase), sig (signature, a shared
 * access signature's {@code sig=}), session, cookie, bearer or private. Over-redacting a harmless {@code compass=...} costs less than printing a secret.
 * The short {@code pw} ({@code ?pw=…}, {@code DB_PW=…}) counts only as a whole part of a name ({@link #PW}) and, in
 * text, only before {@code =}: as a substring it would mask {@code stopwatch: 3 s} or the path {@code /srv/upwork:x}.
 */
public final class Redactor {
    /** What replaces a secret. */
    public static final String MASK = "***";
    private static final String WORDS = "pass|pwd|secret|token|key|credential|auth|sig|session|cookie|bearer|private";
    /** A name of which {@code pw} is a whole part, between its ends, {@code _}, {@code .} or {@code -}. */
    private static final String PW = "(?:[A-Za-z0-9_.-]*[_.-])?pw(?:[_.-][A-Za-z0-9_.-]*)?";
    private static final Pattern PW_NAME = Pattern.compile(PW, Pattern.CASE_INSENSITIVE);
    /** {@code scheme://user:password@}, also with its {@code //} collapsed to one by a path's normalisation. */
    private static final Pattern URL_CREDENTIALS = Pattern.compile(
            "([A-Za-z][A-Za-z0-9+.-]*:/{1,2})([^/\\s:@'\"]*):([^/\\s@'\"]+)@");
    /**
     * scp's and rsync's {@code user:password@host:/path} (no scheme), which operators write for a remote target: the
     * password masked. Only where a name starts (after the text's start, a space, a quote, {@code =}, {@code :} or a
     * {@code /}: {@code /srv/user:pw@nas:/x} once made absolute), and only with the {@code :} after the host, so that
     * {@code /backups/app@2024} and {@code /srv/a:b@c} are plain paths.
     */
    private static final Pattern SCP_CREDENTIALS = Pattern.compile(
            "(?<![^\\s'\"=:/])([A-Za-z0-9._-]+):([^\\s/@:'\"]+)@([A-Za-z0-9.-]+:)");
    private static final Pattern URL_START = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:/{1,2}");
    /**
     * A URL whose userinfo has no password but 16 characters or more ({@code https://ghp_…@host/}): a token, not a
     * user name, masked whole. A short name ({@code postgres://app@db/x}) is kept, so errors still show the value.
     */
    private static final Pattern URL_TOKEN = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^/?#\\s:@'\"]{16,}@");
    private static final Pattern JSON_PAIR = Pattern.compile(
            "(\"(?:[A-Za-z0-9_.-]*(?:" + WORDS + ")[A-Za-z0-9_.-]*|" + PW + ")\"\\s*:\\s*)(\"(?:[^\"\\\\]|\\\\.)*\"|[^,}\\s]+)",
            Pattern.CASE_INSENSITIVE);
    /**
     * An unquoted value: up to whitespace or the next {@code &} parameter, and not over the quote that closes the
     * whole value in a message ({@code DATABASE_URL='…?password=x': only SQLite …} kept its {@code ':}).
     */
    private static final String UNQUOTED = "(?:[^\\s&']|'(?![:,.;)]?(?:\\s|$)))+";
    /**
     * An HTTP authorization scheme before the credentials ({@code Authorization: Bearer …}), masked with them: alone,
     * the scheme was taken for the whole value and the token after it printed.
     */
    private static final String AUTH_SCHEME = "(?:(?:bearer|basic|digest|token)\\s+)?";
    private static final Pattern TEXT_PAIR = Pattern.compile(
            "(?<![A-Za-z0-9_\"])([A-Za-z0-9_.-]*(?:" + WORDS + ")[A-Za-z0-9_.-]*\\s*[=:]\\s*|" + PW + "\\s*=\\s*)("
                    + AUTH_SCHEME + "(?:\"[^\"]*\"|'[^']*'|" + UNQUOTED + "))",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern SENSITIVE_NAME = Pattern.compile(".*(" + WORDS + ").*", Pattern.CASE_INSENSITIVE);

    /** The words of {@link #WORDS}, for {@link #mayHoldSecret}. */
    private static final String[] WORD_LIST = WORDS.split("\\|");

    private Redactor() {
    }

    /**
     * Whether {@link #redact} could change {@code text}: it holds an {@code @} (a URL's userinfo), or a {@code =} or
     * {@code :} after a name that holds one of {@link #WORDS} (spaces and a closing quote between them allowed), as
     * every pattern needs. The patterns cost ~25 us a line (the lookbehind and the name's alternation at every
     * position): a listing of 100,000 files took 3 s to print instead of 0.6 s. This scan lets such lines through.
     */
    static boolean mayHoldSecret(String text) {
        if (text.indexOf('@') >= 0) {
            return true;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != ':' && c != '=') {
                continue;
            }
            int end = i;
            while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) {
                end--;
            }
            if (end > 0 && text.charAt(end - 1) == '"') {
                end--;
            }
            int start = end;
            while (start > 0 && isNameChar(text.charAt(start - 1))) {
                start--;
            }
            if (hasPw(text, start, end) && PW_NAME.matcher(text.substring(start, end)).matches()) {
                return true;
            }
            if (end - start >= 3) { // the shortest word has three letters
                String name = text.substring(start, end).toLowerCase(Locale.ROOT);
                for (String word : WORD_LIST) {
                    if (name.contains(word)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Whether {@code text} holds {@code pw} in any case between {@code start} and {@code end}: cheap, before {@link #PW_NAME}. */
    private static boolean hasPw(String text, int start, int end) {
        for (int i = start; i + 1 < end; i++) {
            if ((text.charAt(i) | 0x20) == 'p' && (text.charAt(i + 1) | 0x20) == 'w') {
                return true;
            }
        }
        return false;
    }

    /** The characters of a name in {@link #JSON_PAIR} and {@link #TEXT_PAIR}: {@code [A-Za-z0-9_.-]}. */
    private static boolean isNameChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-';
    }

    /** Whether a variable or field name denotes a secret. */
    public static boolean isSensitiveName(String name) {
        return SENSITIVE_NAME.matcher(name.toLowerCase(Locale.ROOT)).matches() || PW_NAME.matcher(name).matches();
    }

    /**
     * A configuration value as it may be shown: masked whole when its variable names a secret; a URL (spaces around it
     * allowed) with its password and its secret query parameters masked; then as {@link #redact}. A value is known
     * whole, unlike free text, but a password may hold an unescaped {@code /}, {@code @}, {@code ?} or space, as
     * generated ones do, and a query value an {@code @}: both readings are masked ({@link #urlSecrets}).
     */
    public static String redactValue(String name, String value) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        if (isSensitiveName(name)) {
            return MASK;
        }
        int lead = 0;
        while (lead < value.length() && Character.isWhitespace(value.charAt(lead))) {
            lead++;
        }
        Matcher url = URL_START.matcher(value).region(lead, value.length());
        if (!url.lookingAt()) {
            return redact(connectionString(name) ? schemelessPassword(value, lead) : value);
        }
        boolean[] masked = new boolean[value.length()];
        urlSecrets(value, url.end(), masked);
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            if (!masked[i]) {
                out.append(value.charAt(i));
            } else if (i == 0 || !masked[i - 1]) {
                out.append(MASK);
            }
        }
        return redact(out.toString());
    }

    /**
     * As {@link #redactValue(String, String)}, with each of {@code secrets} (texts known to be secret: what a
     * {@code .env} reference to a secret put in the value) masked first, longest first.
     */
    public static String redactValue(String name, String value, java.util.Collection<String> secrets) {
        return redactValue(name, maskAll(value, secrets));
    }

    /** As {@link #redact(String)}, with each of {@code secrets} masked first, longest first. */
    public static String redact(String text, java.util.Collection<String> secrets) {
        return redact(maskAll(text, secrets));
    }

    private static String maskAll(String text, java.util.Collection<String> secrets) {
        if (text == null || secrets.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : secrets.stream().filter(x -> !x.isEmpty())
                .sorted(java.util.Comparator.comparingInt(String::length).reversed()).toList()) {
            out = out.replace(secret, MASK);
        }
        return out;
    }

    /** Whether a variable holds a connection string ({@code DATABASE_URL}, any {@code *_URL} or {@code *_DSN}). */
    private static boolean connectionString(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        return n.endsWith("_URL") || n.endsWith("_DSN") || n.equals("DSN") || n.equals("URL");
    }

    /**
     * {@code value} with the password of a connection string written without a scheme masked: {@code user:pw@host/db}
     * or Go's {@code user:pw@tcp(host:3306)/db}, the password running from the user's {@code :} to the last
     * {@code @} (it may hold {@code @} or {@code /}). A user part with a {@code /} or a space is a path, left as is.
     */
    private static String schemelessPassword(String value, int from) {
        int colon = value.indexOf(':', from);
        int at = value.lastIndexOf('@');
        if (colon <= from || at <= colon + 1) {
            return value;
        }
        String user = value.substring(from, colon);
        if (user.chars().anyMatch(c -> c == '/' || c == '@' || Character.isWhitespace(c))) {
            return value;
        }
        return value.substring(0, colon + 1) + MASK + value.substring(at);
    }

    /**
     * Marks the secrets of the URL whose authority starts at {@code from}, read two ways: the userinfo up to the last
     * {@code @} of the value (a password holding {@code /}, {@code ?} or {@code @}), and the userinfo up to the last
     * {@code @} before the first {@code ?}, then each query parameter that names a secret up to the next {@code &} (a
     * query value holding {@code @}). A password is what follows the user's {@code :}; a userinfo of 16 characters or
     * more without one, {@code /} or {@code ?}, is a token.
     */
    private static void urlSecrets(String value, int from, boolean[] masked) {
        markUserinfo(value, from, value.lastIndexOf('@'), masked);
        int query = value.indexOf('?', from);
        int end = query < 0 ? value.length() : query;
        markUserinfo(value, from, value.lastIndexOf('@', end - 1), masked);
        if (query < 0) {
            return;
        }
        int start = query + 1;
        while (start <= value.length()) {
            int amp = value.indexOf('&', start);
            int stop = amp < 0 ? value.length() : amp;
            int eq = value.indexOf('=', start);
            if (eq > start && eq < stop && isSensitiveName(value.substring(start, eq))) {
                java.util.Arrays.fill(masked, eq + 1, stop, true);
            }
            start = stop + 1;
        }
    }

    private static void markUserinfo(String value, int from, int at, boolean[] masked) {
        if (at < from) {
            return;
        }
        String userinfo = value.substring(from, at);
        int colon = userinfo.indexOf(':');
        if (colon >= 0) {
            java.util.Arrays.fill(masked, from + colon + 1, at, true);
        } else if (userinfo.length() >= 16 && userinfo.indexOf('/') < 0 && userinfo.indexOf('?') < 0) {
            java.util.Arrays.fill(masked, from, at, true);
        }
    }

    /** Returns {@code text} with every recognisable secret replaced by {@link #MASK}. */
    public static String redact(String text) {
        String out = maskAll(text, known);
        return out == null || !mayHoldSecret(out) ? out : masked(out);
    }

    /** Secrets {@link #redact} masks wherever they stand: {@link #maskEverywhere}. */
    private static volatile java.util.Set<String> known = java.util.Set.of();

    /** The shortest secret {@link #maskEverywhere} takes: a shorter one would mask digits of sizes and times. */
    static final int KNOWN_MIN_LENGTH = 4;

    /**
     * Makes {@link #redact} mask each of {@code secrets} (of {@link #KNOWN_MIN_LENGTH} characters or more) in any text,
     * replacing those given before: what {@code .env} references took from secrets into the configuration in use
     * ({@code BACKUP_DIR=/srv/${DB_PASSWORD}}), which no pattern can recognise in the paths that logs and output show.
     */
    public static void maskEverywhere(java.util.Collection<String> secrets) {
        known = secrets.stream().filter(x -> x.length() >= KNOWN_MIN_LENGTH).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** {@code text} through every pattern (what {@link #redact} does where {@link #mayHoldSecret}). */
    static String masked(String text) {
        String out = URL_CREDENTIALS.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + m.group(2) + ":" + MASK + "@"));
        out = SCP_CREDENTIALS.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + ":" + MASK + "@" + m.group(3)));
        out = URL_TOKEN.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK + "@"));
        out = JSON_PAIR.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "\"" + MASK + "\""));
        out = TEXT_PAIR.matcher(out).replaceAll(m -> Matcher.quoteReplacement(fileName(m.group(1)) ? m.group() : m.group(1) + MASK));
        return out;
    }

    /**
     * Whether a name and its separator ({@link #TEXT_PAIR}'s first group) are a file's name before a message's
     * {@code :} rather than a key: a name with an extension that names no secret ({@code auth.db: not a SQLite
     * database}, {@code passport.pdf: permission denied}, {@code secret.env: cannot read}), whose reason was masked.
     * A key's last part names the secret ({@code spring.datasource.password: …}, {@code server.key: …} stay masked);
     * {@code =} always introduces a value ({@code token.txt=…} is masked).
     */
    private static boolean fileName(String nameAndSeparator) {
        String s = nameAndSeparator.strip();
        if (!s.endsWith(":")) {
            return false;
        }
        String name = s.substring(0, s.length() - 1).strip();
        int dot = name.lastIndexOf('.');
        return dot > 0 && dot < name.length() - 1 && !SENSITIVE_NAME.matcher(name.substring(dot + 1).toLowerCase(Locale.ROOT)).matches();
    }
}
