package dev.archivist.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A {@code .env} parser that reads a file the way python-dotenv (the original system's loader) does, so the same
 * file means the same thing: {@code KEY=value}, optional {@code export }, {@code #} comments on their own line or
 * after a value (after whitespace when unquoted, anywhere after the closing quote when quoted); single quotes keep
 * their escapes literally (only {@code \\} and {@code \'} are escapes); double quotes decode {@code \n}, {@code \t},
 * {@code \"}, {@code \\} and the like; {@code ${NAME}} and {@code ${NAME:-default}} in any value, quoted in either
 * way or not (python-dotenv expands them inside single quotes too, unlike a shell), are replaced by the environment's
 * value, else by one defined earlier in the file, else by the default or nothing ({@code load_dotenv}'s rule: the
 * environment wins). A quoted value may span lines (a PEM key); a bare
 * {@code NAME} sets nothing. Written here because the Java dotenv libraries either read the real environment
 * themselves or lack these rules; the library must not read the environment on its own (DESIGN.md, principle 9).
 */
final class DotEnv {
    private DotEnv() {
    }

    /**
     * Parses {@code lines}; {@code environment} only resolves {@code ${NAME}} references. A line that cannot be read is
     * a problem when it sets one of Archivist's variables (or starts with one's name); any other (the application's
     * own, in a shared file) is skipped with a warning, as python-dotenv skips it, and reading goes on with the line
     * after it: a quirk of a line the application's loader tolerates does not stop the backups.
     *
     * @param file the file's name in messages ({@code app.env line 3: …})
     */
    static Map<String, String> parse(List<String> lines, Map<String, String> environment, List<String> problems,
                                     List<String> warnings, String file) {
        return parse(lines, index -> false, environment, problems, warnings, file, new java.util.HashMap<>());
    }

    /** As {@link #parse(List, Map, List, List, String)}, for lines of which those {@code invalid} were not UTF-8. */
    static Map<String, String> parse(EnvFileLines file, Map<String, String> environment, List<String> problems,
                                     List<String> warnings, String name) {
        return parse(file, environment, problems, warnings, name, new java.util.HashMap<>());
    }

    /**
     * As {@link #parse(EnvFileLines, Map, List, List, String)}, also putting in {@code secrets}, for each name whose
     * value holds them, the texts a reference put there that are secrets: the value of a variable whose name names a
     * secret ({@code ${DB_PASSWORD}}, its {@code :-default} too), and those carried by an earlier line's value
     * ({@code A=${DB_PASSWORD}}, then {@code ${A}}). A value shown in an error or by {@code config} has them masked.
     */
    static Map<String, String> parse(EnvFileLines file, Map<String, String> environment, List<String> problems,
                                     List<String> warnings, String name, Map<String, Set<String>> secrets) {
        return parse(file.lines(), file::isInvalid, environment, problems, warnings, name, secrets);
    }

    private static Map<String, String> parse(List<String> lines, java.util.function.IntPredicate invalid,
                                             Map<String, String> environment, List<String> problems,
                                             List<String> warnings, String file, Map<String, Set<String>> secrets) {
        Map<String, String> result = new LinkedHashMap<>();
        Function<String, String> value = name -> environment.containsKey(name) ? environment.get(name) : result.get(name);
        References known = new References(value, name -> environment.containsKey(name) ? Set.of()
                : secrets.getOrDefault(name, Set.of()));
        for (int i = 0; i < lines.size(); i++) {
            int number = i + 1;
            String t = strip(lines.get(i));
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            java.util.regex.Matcher export = EXPORT.matcher(t);
            if (export.lookingAt()) {
                t = t.substring(export.end());
            }
            if (invalid.test(i)) {
                notUtf8(t, file, number, problems, warnings);
                continue;
            }
            int eq = t.indexOf('=');
            if (eq <= 0) {
                if (!BARE_NAME.matcher(t).matches()) { // a bare NAME has no value (python-dotenv: None) and sets nothing
                    notASetting(t, file, number, problems, warnings);
                }
                continue;
            }
            String name = strip(t.substring(0, eq));
            java.util.regex.Matcher quotedName = QUOTED_NAME.matcher(name);
            if (quotedName.matches()) { // python-dotenv's '([^']+)': 'MAX_BACKUPS'=5 sets MAX_BACKUPS
                name = quotedName.group(1);
            } else if (!BARE_NAME.matcher(name).matches()) {
                // python-dotenv's names hold no blank: "DATABASE_URL: sqlite:///x.db?mode=ro" or "BACKUP_KEY abc=" is no
                // setting of a name up to the '=' in its value (one no variable has, so the line was ignored in silence,
                // or named whole, value and all, in the warning for an unknown BACKUP_ name)
                notASetting(t, file, number, problems, warnings);
                continue;
            }
            String raw = strip(t.substring(eq + 1));
            int start = i;
            int firstNotUtf8 = 0; // a line of a quoted value that is not UTF-8 (its number): the whole value is dropped
            while (true) {
                try {
                    Set<String> hidden = new java.util.HashSet<>();
                    Set<String> unset = new java.util.LinkedHashSet<>();
                    String read = value(raw, known.into(hidden, unset));
                    if (firstNotUtf8 > 0) {
                        notUtf8(name, file, firstNotUtf8, problems, warnings);
                    } else {
                        if (!unset.isEmpty() && isOurs(name) && !environment.containsKey(name)) {
                            warnings.add(file + " line " + number + ": " + name + " refers to " + String.join(", ",
                                    unset.stream().map(n -> "${" + n + "}").toList()) + ", which "
                                    + (unset.size() == 1 ? "is" : "are") + " set neither in the environment nor on an"
                                    + " earlier line: read as empty");
                        }
                        commentAfterComma(name, raw, file, number, warnings);
                        result.put(name, read);
                        secrets.remove(name);
                        if (!hidden.isEmpty()) {
                            secrets.put(name, Set.copyOf(hidden));
                        }
                    }
                    break;
                } catch (Unterminated e) {
                    if (i + 1 < lines.size()) { // a quoted value goes on over the next lines, newlines included
                        firstNotUtf8 = firstNotUtf8 == 0 && invalid.test(i + 1) ? i + 2 : firstNotUtf8;
                        raw = raw + "\n" + lines.get(++i);
                        continue;
                    }
                    unreadable(name, file, number, e, problems, warnings);
                    i = isOurs(name) ? i : start; // never closed: the lines after its first are read as lines
                    break;
                } catch (IllegalArgumentException e) {
                    // reading goes on after the line where the value went wrong (python-dotenv's rule), which is a
                    // later one for a quoted value closed there with text after its quote
                    unreadable(name, file, number, e, problems, warnings);
                    swallowed(lines, start + 1, i, name, number, file, problems);
                    break;
                }
            }
        }
        return result;
    }

    private static final java.util.regex.Pattern BARE_NAME = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");
    private static final java.util.regex.Pattern QUOTED_NAME = java.util.regex.Pattern.compile("'([^']+)'");
    private static final java.util.regex.Pattern LEADING_NAME = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** python-dotenv's {@code export[^\S\r\n]+}: any blanks after the word ({@link #isPythonSpace}), a tab too. */
    private static final java.util.regex.Pattern EXPORT = java.util.regex.Pattern.compile(
            "export[\\p{javaWhitespace}\\x{85}\\x{A0}\\x{2007}\\x{202F}&&[^\\r\\n]]+");
    private static final String SKIPPED = " (not one of Archivist's variables: skipped, as python-dotenv skips it)";

    /**
     * Whitespace as Python's {@code str.strip()} and {@code \s} see it, which python-dotenv strips around names and
     * values: Java's {@link Character#isWhitespace} and also NEL and the no-break spaces (U+0085, U+00A0, U+2007,
     * U+202F), which a line copied from a web page or a chat carries and which {@link String#strip()} kept.
     */
    private static boolean isPythonSpace(char c) {
        return Character.isWhitespace(c) || c == '\u0085' || c == '\u00A0' || c == '\u2007' || c == '\u202F';
    }

    /** {@code s} without the {@link #isPythonSpace} characters at either end, as Python's {@code strip()}. */
    private static String strip(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && isPythonSpace(s.charAt(from))) {
            from++;
        }
        while (to > from && isPythonSpace(s.charAt(to - 1))) {
            to--;
        }
        return s.substring(from, to);
    }

    private static boolean isOurs(String name) {
        return java.util.Arrays.stream(ConfigKey.values()).anyMatch(k -> k.name().equals(name));
    }

    /**
     * The lines {@code from} to {@code to} (indexes), read as part of the value of {@code owner} (set on line
     * {@code ownerLine}) that could not be read: each that sets one of Archivist's variables is a problem, as a line of
     * ours that cannot be read is.
     */
    private static void swallowed(List<String> lines, int from, int to, String owner, int ownerLine, String file,
                                  List<String> problems) {
        for (int k = from; k <= to; k++) {
            String line = strip(lines.get(k));
            java.util.regex.Matcher export = EXPORT.matcher(line);
            java.util.regex.Matcher word = LEADING_NAME.matcher(export.lookingAt() ? line.substring(export.end()) : line);
            if (word.lookingAt() && isOurs(word.group())) {
                problems.add(file + " line " + (k + 1) + ": " + word.group() + " is not read: the line is part of the value"
                        + " of " + owner + " (line " + ownerLine + "), which could not be read");
            }
        }
    }

    /** A line that sets nothing: a problem where it starts with one of Archivist's names; its text is not shown. */
    private static void notASetting(String text, String file, int number, List<String> problems, List<String> warnings) {
        java.util.regex.Matcher word = LEADING_NAME.matcher(text);
        boolean ours = word.lookingAt() && isOurs(word.group());
        (ours ? problems : warnings).add(file + " line " + number + ": expected NAME=value" + (ours ? "" : SKIPPED));
    }

    private static void unreadable(String name, String file, int number, IllegalArgumentException e, List<String> problems,
                                   List<String> warnings) {
        String message = file + " line " + number + ": " + e.getMessage() + " in the value of " + name;
        if (isOurs(name)) {
            problems.add(message);
        } else {
            warnings.add(message + SKIPPED);
        }
    }

    /** A line that is not UTF-8: a problem where it sets (or starts with the name of) one of Archivist's variables. */
    private static void notUtf8(String text, String file, int number, List<String> problems, List<String> warnings) {
        java.util.regex.Matcher word = LEADING_NAME.matcher(text);
        boolean ours = word.lookingAt() && isOurs(word.group());
        (ours ? problems : warnings).add(file + " line " + number + ": not valid UTF-8" + (ours ? "" : SKIPPED));
    }

    /** A quoted value whose closing quote has not come yet. */
    private static final class Unterminated extends IllegalArgumentException {
        Unterminated(char quote) {
            super("unterminated " + quote + " quote");
        }
    }

    /**
     * How {@code ${NAME}} is resolved: its value, and the secrets that value carries ({@link #parse(EnvFileLines, Map,
     * List, List, String, Map)}), which {@link #interpolate} adds to {@code found}, the secrets of the value being read,
     * and the names set nowhere that it referred to without a default, in {@code unset}.
     */
    private record References(Function<String, String> value, Function<String, Set<String>> carried, Set<String> found,
                              Set<String> unset) {
        References(Function<String, String> value, Function<String, Set<String>> carried) {
            this(value, carried, new java.util.HashSet<>(), new java.util.HashSet<>());
        }

        References into(Set<String> hidden, Set<String> unsetNames) {
            return new References(value, carried, hidden, unsetNames);
        }

        /**
         * The text {@code ${name}} stands for ({@code fallback} when {@code name} has no value; empty, and {@code name}
         * noted as unset, when it has no default either: null), its secrets noted.
         */
        String resolve(String name, String fallback) {
            String known = value.apply(name);
            if (known == null && fallback == null) {
                unset.add(name);
            }
            String used = known != null ? known : fallback != null ? fallback : "";
            if (!used.isEmpty() && Redactor.isSensitiveName(name)) {
                found.add(used);
            } else if (known != null) {
                found.addAll(carried.apply(name));
            }
            return used;
        }
    }

    private static String value(String v, References known) {
        if (v.startsWith("'")) {
            return quoted(v, '\'', known);
        }
        if (v.startsWith("\"")) {
            return quoted(v, '"', known);
        }
        int comment = commentStart(v);
        return interpolate(comment < 0 ? v : strip(v.substring(0, comment)), known);
    }

    /** Where the comment of an unquoted value starts: at a {@code #} after whitespace; -1 for none. */
    private static int commentStart(String v) {
        for (int i = 1; i < v.length(); i++) {
            if (v.charAt(i) == '#' && isPythonSpace(v.charAt(i - 1))) {
                return i;
            }
        }
        return -1;
    }

    /**
     * An unquoted value of one of Archivist's variables that a comment cut right after a comma: a list written with
     * blanks after its commas ({@code @eaDir/**, #recycle/**}) lost its next item to the comment without a word.
     */
    private static void commentAfterComma(String name, String raw, String file, int number, List<String> warnings) {
        if (!isOurs(name) || raw.startsWith("'") || raw.startsWith("\"")) {
            return;
        }
        int comment = commentStart(raw);
        if (comment > 0 && strip(raw.substring(0, comment)).endsWith(",")) {
            warnings.add(file + " line " + number + ": the value of " + name + " ends with ',' before a '#', which starts"
                    + " a comment here (a '#' after a blank): quote the whole value to keep what follows");
        }
    }

    private static String quoted(String v, char quote, References known) {
        StringBuilder out = new StringBuilder(v.length());
        int i = 1;
        for (; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == quote) {
                break;
            }
            if (c == '\\' && i + 1 < v.length()) {
                char next = v.charAt(i + 1);
                String decoded = quote == '\'' ? (next == '\\' || next == '\'' ? String.valueOf(next) : null) : escape(next);
                if (decoded != null) {
                    out.append(decoded);
                    i++;
                    continue;
                }
            }
            out.append(c);
        }
        if (i >= v.length()) {
            throw new Unterminated(quote);
        }
        String rest = strip(v.substring(i + 1));
        if (!rest.isEmpty() && !rest.startsWith("#")) {
            throw new IllegalArgumentException("unexpected text after the closing quote (a comment needs a #)");
        }
        return interpolate(out.toString(), known); // in single quotes too, as python-dotenv does
    }

    /** python-dotenv decodes the escapes of Python string literals in double quotes. */
    private static String escape(char c) {
        return switch (c) {
            case 'n' -> "\n";
            case 't' -> "\t";
            case 'r' -> "\r";
            case 'f' -> "\f";
            case 'b' -> "\b";
            case 'a' -> "\u0007";
            case 'v' -> "\u000b";
            case '"', '\'', '\\' -> String.valueOf(c);
            default -> null;
        };
    }

    /**
     * Replaces {@code ${NAME}} and {@code ${NAME:-default}}; {@code $NAME} without braces stays as written, and so does
     * a reference with any other {@code :} form ({@code ${NAME:?message}}, {@code ${NAME:=value}}), as python-dotenv
     * leaves them (its names hold no {@code :}), rather than read as an unset variable's empty value.
     */
    private static String interpolate(String v, References known) {
        int start = v.indexOf("${");
        if (start < 0) {
            return v;
        }
        StringBuilder out = new StringBuilder(v.length());
        int from = 0;
        while (start >= 0) {
            int end = v.indexOf('}', start + 2);
            if (end < 0) {
                break;
            }
            String ref = v.substring(start + 2, end);
            int colon = ref.indexOf(':');
            if (colon >= 0 && !ref.startsWith(":-", colon)) {
                start = v.indexOf("${", start + 2); // not a reference: kept as written, as python-dotenv does
                continue;
            }
            String name = colon >= 0 ? ref.substring(0, colon) : ref;
            String fallback = colon >= 0 ? ref.substring(colon + 2) : null;
            out.append(v, from, start).append(known.resolve(name, fallback));
            from = end + 1;
            start = v.indexOf("${", from);
        }
        return out.append(v.substring(from)).toString();
    }
}
