package dev.archivist.config;

import java.nio.file.FileSystems;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The glob patterns that excludes and {@code restore --path} take ({@code getPathMatcher("glob:…")} syntax): their
 * check, and the one dialect both read them in.
 */
public final class Globs {
    /** The most {@code **}{@code /} one pattern may hold: each doubles the forms it is matched in (2^8 = 256). */
    static final int MAX_ANY_FOLDERS = 8;

    private Globs() {
    }

    /**
     * {@code s} without the spaces around it, except a space escaped with a backslash ({@code trail\ }), which is
     * part of a pattern, as in {@code .gitignore}: a name ending in a space can be excluded.
     */
    public static String stripUnescaped(String s) {
        String t = s.stripLeading();
        int end = t.length();
        while (end > 0 && Character.isWhitespace(t.charAt(end - 1))) {
            int backslashes = 0;
            for (int i = end - 2; i >= 0 && t.charAt(i) == '\\'; i--) {
                backslashes++;
            }
            if (backslashes % 2 == 1) {
                break;
            }
            end--;
        }
        return t.substring(0, end);
    }

    /**
     * The globs of a comma-separated list, as written (not stripped, empty ones included). A comma inside a group
     * ({@code **}{@code /*.{tmp,bak}}) or a bracket expression ({@code [,;]}), or escaped ({@code \,}), belongs to
     * its glob: splitting at every comma broke {@code *.{tmp,bak}} into two patterns that do not parse.
     */
    public static List<String> splitList(String list) {
        List<String> globs = new ArrayList<>();
        StringBuilder glob = new StringBuilder();
        int groups = 0;
        boolean inBrackets = false;
        for (int i = 0; i < list.length(); i++) {
            char c = list.charAt(i);
            if (c == '\\' && i + 1 < list.length()) {
                glob.append(c).append(list.charAt(++i));
                continue;
            }
            if (inBrackets && c == '[' && i + 1 < list.length() && list.charAt(i + 1) == ':'
                    && list.indexOf(":]", i + 2) > 0) { // a POSIX class's ']' does not close its bracket expression
                int end = list.indexOf(":]", i + 2) + 2;
                glob.append(list, i, end);
                i = end - 1;
                continue;
            }
            if (inBrackets) {
                inBrackets = c != ']';
            } else if (c == '[') {
                inBrackets = true;
            } else if (c == '{') {
                groups++;
            } else if (c == '}' && groups > 0) {
                groups--;
            } else if (c == ',' && groups == 0) {
                globs.add(glob.toString());
                glob.setLength(0);
                continue;
            }
            glob.append(c);
        }
        globs.add(glob.toString());
        return globs;
    }

    /**
     * The glob plus every form of it where some {@code **}{@code /} match no folder (2^k forms for k of them, at most
     * {@value #MAX_ANY_FOLDERS}: {@link #problem} refuses more). As in
     * {@code .gitignore}, a {@code **}{@code /} stands for zero or more folders ({@code **}{@code /*.tmp} matches
     * {@code a.tmp} as well as {@code x/a.tmp}); Java's glob alone needs at least one there.
     */
    public static Set<String> zeroFolderVariants(String glob) {
        Set<String> all = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(glob));
        while (!todo.isEmpty()) {
            String g = todo.removeFirst();
            if (!all.add(g)) {
                continue;
            }
            if (g.startsWith("**/")) {
                todo.addLast(g.substring(3));
            }
            for (int i = g.indexOf("/**/"); i >= 0; i = g.indexOf("/**/", i + 1)) {
                todo.addLast(g.substring(0, i) + g.substring(i + 3));
            }
        }
        return all;
    }

    /**
     * A test of paths (relative, {@code /}-separated, normalized) against {@code glob}, in the syntax of
     * {@code getPathMatcher("glob:…")}: {@code *} and {@code ?} stay within a name, {@code **} as a whole name crosses folders (elsewhere it is
     * {@code *}, as in {@code .gitignore}),
     * {@code [a-z]}, {@code [[:digit:]]} and {@code [!a]} (or {@code [^a]}) match one character of a name, {@code {a,b}} either, {@code \} escapes.
     *
     * <p>Written here rather than taken from the JDK: the JDK turns {@code **} into the regex {@code .*} without
     * {@code DOTALL}, so {@code **} stops at a line break ({@code \n}, {@code \r}, U+0085, U+2028, U+2029), which
     * file names may hold: {@code cache/**} left {@code cache/a\nb} out of the exclusion and {@code restore --path}
     * left it out of the restore. The syntax errors stay the JDK's ({@link #problem}, checked first).
     */
    public static Predicate<String> matcher(String glob) {
        return Pattern.compile(toRegex(glob), Pattern.DOTALL).asMatchPredicate();
    }

    /** The regex of {@code glob}; see {@link #matcher}. Throws PatternSyntaxException for a malformed one. */
    static String toRegex(String glob) {
        StringBuilder re = new StringBuilder();
        boolean inGroup = false;
        int i = 0;
        while (i < glob.length()) {
            char c = glob.charAt(i++);
            switch (c) {
                case '\\' -> {
                    if (i == glob.length()) {
                        throw new PatternSyntaxException("No character to escape", glob, i - 1);
                    }
                    literal(re, glob.charAt(i++));
                }
                case '*' -> {
                    int run = i - 1;
                    while (i < glob.length() && glob.charAt(i) == '*') {
                        i++;
                    }
                    re.append(i - run > 1 && wholeName(glob, run, i, inGroup) ? ".*" : "[^/]*");
                }
                case '?' -> re.append("[^/]");
                case '[' -> i = bracket(glob, i, re);
                case '{' -> {
                    if (inGroup) {
                        throw new PatternSyntaxException("Cannot nest groups", glob, i - 1);
                    }
                    re.append("(?:(?:");
                    inGroup = true;
                }
                case '}' -> {
                    if (inGroup) {
                        re.append("))");
                        inGroup = false;
                    } else {
                        literal(re, c);
                    }
                }
                case ',' -> {
                    if (inGroup) {
                        re.append(")|(?:");
                    } else {
                        literal(re, c);
                    }
                }
                default -> literal(re, c);
            }
        }
        if (inGroup) {
            throw new PatternSyntaxException("Missing '}'", glob, i - 1);
        }
        return re.toString();
    }

    /**
     * Whether the stars from {@code start} to {@code end} (exclusive) are a whole name of the pattern: only there does
     * {@code **} cross folders ({@code **}{@code /x}, {@code x/**}, {@code a/**}{@code /b}), as in {@code .gitignore};
     * elsewhere ({@code a**b}, {@code *.**}) it is one {@code *}, which stays within a name ({@code a**b} matched
     * {@code a/x/b}). A group's braces and commas also bound a name ({@code {**}{@code /a,b}}).
     */
    private static boolean wholeName(String glob, int start, int end, boolean inGroup) {
        char before = start == 0 ? '/' : glob.charAt(start - 1);
        char after = end == glob.length() ? '/' : glob.charAt(end);
        boolean escaped = start >= 2 && glob.charAt(start - 2) == '\\';
        return (before == '/' || inGroup && !escaped && (before == '{' || before == ','))
                && (after == '/' || inGroup && (after == '}' || after == ','));
    }

    /**
     * {@code glob} with its folders separated by one {@code /}: repeated slashes and {@code /./} inside it stand for
     * one, as in a path ({@code a//b} and {@code a/./b} are {@code a/b}); entry paths never hold them, so such a
     * pattern silently matched nothing.
     */
    public static String singleSlashes(String glob) {
        String g = glob.replaceAll("/{2,}", "/");
        String before;
        do {
            before = g;
            g = g.replace("/./", "/");
        } while (!g.equals(before));
        return g;
    }

    /**
     * The bracket expression starting after the {@code [} at {@code start - 1}: one character of a name, never
     * {@code /}. {@code !} or {@code ^} first negates; {@code -} first (or after {@code !}) is itself, else a range; {@code *},
     * {@code ?} and {@code \} are themselves. Returns the index after the closing {@code ]}.
     */
    private static int bracket(String glob, int start, StringBuilder re) {
        StringBuilder set = new StringBuilder();
        int i = start;
        if (i < glob.length() && (glob.charAt(i) == '!' || glob.charAt(i) == '^')) { // ^ as bash, fnmatch and gitignore
            set.append('^');
            i++;
        }
        int first = i;
        boolean afterClass = false;
        while (i < glob.length() && glob.charAt(i) != ']') {
            char c = glob.charAt(i++);
            if (c == '/') {
                throw new PatternSyntaxException("Explicit 'name separator' in class", glob, i - 1);
            }
            int close = c == '[' && i < glob.length() && glob.charAt(i) == ':' ? glob.indexOf(":]", i + 1) : -1;
            if (close > 0) { // [:alpha:] and the like, as bash, fnmatch and gitignore read them (ASCII, the C locale)
                String name = glob.substring(i + 1, close);
                String posix = POSIX_CLASSES.get(name);
                if (posix == null) {
                    throw new PatternSyntaxException("Unknown character class '[:" + name + ":]' (expected one of "
                            + String.join(", ", new java.util.TreeSet<>(POSIX_CLASSES.keySet())) + ")", glob, i - 1);
                }
                set.append(posix);
                i = close + 2;
                afterClass = true;
                continue;
            }
            if (c == '-' && i - 1 > first && !afterClass && i < glob.length() && glob.charAt(i) != ']') {
                char from = glob.charAt(i - 2);
                char to = glob.charAt(i++);
                if (to < from) {
                    throw new PatternSyntaxException("Invalid range", glob, i - 3);
                }
                set.append('-');
                literal(set, to);
                continue;
            }
            afterClass = false;
            literal(set, c);
        }
        if (i == glob.length()) {
            throw new PatternSyntaxException("Missing ']'", glob, i - 1);
        }
        re.append("[[^/]&&[").append(set).append("]]");
        return i + 1;
    }

    /** POSIX character classes in a bracket expression, as the regex classes of the same (ASCII) meaning. */
    private static final java.util.Map<String, String> POSIX_CLASSES = java.util.Map.ofEntries(
            java.util.Map.entry("alnum", "\\p{Alnum}"), java.util.Map.entry("alpha", "\\p{Alpha}"),
            java.util.Map.entry("blank", "\\p{Blank}"), java.util.Map.entry("cntrl", "\\p{Cntrl}"),
            java.util.Map.entry("digit", "\\p{Digit}"), java.util.Map.entry("graph", "\\p{Graph}"),
            java.util.Map.entry("lower", "\\p{Lower}"), java.util.Map.entry("print", "\\p{Print}"),
            java.util.Map.entry("punct", "\\p{Punct}"), java.util.Map.entry("space", "\\p{Space}"),
            java.util.Map.entry("upper", "\\p{Upper}"), java.util.Map.entry("xdigit", "\\p{XDigit}"));

    /** {@code c} matching itself: ASCII punctuation escaped (the regex may give it a meaning), the rest as it is. */
    private static void literal(StringBuilder re, char c) {
        if (c < 128 && !Character.isLetterOrDigit(c)) {
            re.append('\\');
        }
        re.append(c);
    }

    /**
     * Why {@code glob} cannot match any entry of a storage backup because a folder of it is {@code ..}, or null: entries
     * are paths inside the storage folder, which never hold one (shared by the excludes and {@code --path}).
     */
    public static String parentFolderProblem(String glob) {
        return java.util.Arrays.asList(glob.split("/")).contains("..")
                ? "'..' never matches: patterns are matched against paths inside the storage folder" : null;
    }

    /**
     * Why {@code glob} is not a valid glob, in one line ({@code Missing ']'}); null when it is.
     * The JDK's own message spans three lines (the pattern and a caret under the position).
     */
    public static String problem(String glob) {
        int anyFolders = glob.startsWith("**/") ? 1 : 0;
        for (int i = glob.indexOf("/**/"); i >= 0; i = glob.indexOf("/**/", i + 1)) {
            anyFolders++;
        }
        if (anyFolders > MAX_ANY_FOLDERS) {
            return "more than " + MAX_ANY_FOLDERS + " '**/' in one pattern";
        }
        try { // the JDK reads [^a] as the set {^, a}; here ^ negates as ! does (see bracket)
            FileSystems.getDefault().getPathMatcher("glob:" + glob.replaceAll("(?<!\\\\)\\[\\^", "[!"));
            toRegex(glob); // what the JDK does not know: a POSIX class's name, its closing ']'
            return null;
        } catch (PatternSyntaxException e) {
            String why = e.getDescription();
            // the JDK says "Missing '] or "Missing '}": close the quote
            return why.startsWith("Missing '") && !why.endsWith("'") ? why + "'" : why;
        }
    }
}
