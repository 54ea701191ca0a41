package dev.archivist.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small {@code .env} parser: {@code KEY=value}, optional {@code export }, comments, single or double quotes.
 * Written here because the format is a dozen lines and the Java dotenv libraries either read the real environment
 * themselves or lack quote handling; the library must not read the environment on its own (DESIGN.md, principle 9).
 */
final class DotEnv {
    private DotEnv() {
    }

    static Map<String, String> parse(List<String> lines, List<String> problems) {
        Map<String, String> result = new LinkedHashMap<>();
        int number = 0;
        for (String line : lines) {
            number++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            if (t.startsWith("export ")) {
                t = t.substring(7).strip();
            }
            int eq = t.indexOf('=');
            if (eq <= 0) {
                problems.add(".env line " + number + ": expected KEY=value");
                continue;
            }
            result.put(t.substring(0, eq).strip(), unquote(t.substring(eq + 1).strip()));
        }
        return result;
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'') && v.charAt(v.length() - 1) == v.charAt(0)) {
            return v.substring(1, v.length() - 1);
        }
        int hash = v.indexOf(" #");
        return hash >= 0 ? v.substring(0, hash).strip() : v;
    }
}
