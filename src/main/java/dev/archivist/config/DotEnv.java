package dev.archivist.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A {@code .env} parser that reads a file the way python-dotenv (the original system's loader) does, so the same
 * file means the same thing: {@code KEY=value}, optional {@code export }, {@code #} comments on their own line or
 * after a value (after whitespace when unquoted, anywhere after the closing quote when quoted); single quotes keep
 * their content literally (only {@code \\} and {@code \'} are escapes); double quotes decode {@code \n}, {@code \t},
 * {@code \"}, {@code \\} and the like; {@code ${NAME}} and {@code ${NAME:-default}} in unquoted and double-quoted
 * values are replaced by the environment's value, else by one defined earlier in the file, else by the default or
 * nothing ({@code load_dotenv}'s rule: the environment wins). A quoted value may span lines (a PEM key); a bare
 * {@code NAME} sets nothing. Written here because the Java dotenv libraries either read the real environment
 * themselves or lack these rules; the library must not read the environment on its own (DESIGN.md, principle 9).
 */
final class DotEnv {
    private DotEnv() {
    }

    /** Parses {@code lines}; {@code environment} only resolves {@code ${NAME}} references. */
    static Map<String, String> parse(List<String> lines, Map<String, String> environment, List<String> problems) {
        return parse(lines, environment, problems, ".env");
    }

    /** As {@link #parse(List, Map, List)}, naming the file as {@code file} in problems ({@code app.env line 3: …}). */
    static Map<String, String> parse(List<String> lines, Map<String, String> environment, List<String> problems,
                                     String file) {
        Map<String, String> result = new LinkedHashMap<>();
        Function<String, String> known = name -> environment.containsKey(name) ? environment.get(name) : result.get(name);
        for (int i = 0; i < lines.size(); i++) {
            int number = i + 1;
            String t = lines.get(i).strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            if (t.startsWith("export ")) {
                t = t.substring(7).strip();
            }
            int eq = t.indexOf('=');
            if (eq <= 0) {
                if (!BARE_NAME.matcher(t).matches()) { // a bare NAME has no value (python-dotenv: None) and sets nothing
                    problems.add(file + " line " + number + ": expected NAME=value");
                }
                continue;
            }
            String name = t.substring(0, eq).strip();
            String raw = t.substring(eq + 1).strip();
            while (true) {
                try {
                    result.put(name, value(raw, known));
                    break;
                } catch (Unterminated e) {
                    if (i + 1 < lines.size()) { // a quoted value goes on over the next lines, newlines included
                        raw = raw + "\n" + lines.get(++i);
                        continue;
                    }
                    problems.add(file + " line " + number + ": " + e.getMessage() + " in the value of " + name);
                    break;
                } catch (IllegalArgumentException e) {
                    problems.add(file + " line " + number + ": " + e.getMessage() + " in the value of " + name);
                    break;
                }
            }
        }
        return result;
    }

    private static final java.util.regex.Pattern BARE_NAME = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");

    /** A quoted value whose closing quote has not come yet. */
    private static final class Unterminated extends IllegalArgumentException {
        Unterminated(char quote) {
            super("unterminated " + quote + " quote");
        }
    }

    private static String value(String v, Function<String, String> known) {
        if (v.startsWith("'")) {
            return quoted(v, '\'', known);
        }
        if (v.startsWith("\"")) {
            return quoted(v, '"', known);
        }
        for (int i = 1; i < v.length(); i++) { // a comment starts at a '#' after whitespace
            if (v.charAt(i) == '#' && Character.isWhitespace(v.charAt(i - 1))) {
                v = v.substring(0, i).strip();
                break;
            }
        }
        return interpolate(v, known);
    }

    private static String quoted(String v, char quote, Function<String, String> known) {
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
        String rest = v.substring(i + 1).strip();
        if (!rest.isEmpty() && !rest.startsWith("#")) {
            throw new IllegalArgumentException("unexpected text after the closing quote (a comment needs a #)");
        }
        return quote == '"' ? interpolate(out.toString(), known) : out.toString();
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

    /** Replaces {@code ${NAME}} and {@code ${NAME:-default}}; {@code $NAME} without braces stays as written. */
    private static String interpolate(String v, Function<String, String> known) {
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
            int dash = ref.indexOf(":-");
            String name = dash >= 0 ? ref.substring(0, dash) : ref;
            String fallback = dash >= 0 ? ref.substring(dash + 2) : "";
            String found = known.apply(name);
            out.append(v, from, start).append(found == null ? fallback : found);
            from = end + 1;
            start = v.indexOf("${", from);
        }
        return out.append(v.substring(from)).toString();
    }
}
