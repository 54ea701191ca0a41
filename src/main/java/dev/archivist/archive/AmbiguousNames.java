package dev.archivist.archive;

/**
 * The two name rules that make a POSIX name ambiguous elsewhere: a backslash (a separator on Windows) and a leading
 * drive ({@code c:}). The restore refuses such names; the backup forecasts that refusal ({@link RestoreWarnings}).
 */
public final class AmbiguousNames {
    private AmbiguousNames() {
    }

    /** Whether {@code name} contains a backslash. */
    public static boolean hasBackslash(String name) {
        return name.indexOf('\\') >= 0;
    }

    /** Whether {@code name} starts like a Windows drive ({@code c:}). */
    public static boolean startsWithDrive(String name) {
        return name.length() >= 2 && name.charAt(1) == ':' && isAsciiLetter(name.charAt(0));
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
