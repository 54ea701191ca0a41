package dev.archivist.source;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;

/**
 * The encoding the JVM decodes file names with, fixed at its start from the locale ({@code sun.jnu.encoding}). Under
 * a locale that is not UTF-8 (POSIX, as under cron or systemd without {@code LANG}) a name that is not ASCII can be
 * neither read nor created: every such photo would be lost to the backup. {@code bin/archivist} always starts Java
 * with a UTF-8 locale; an application embedding the library is told here what to change.
 */
public final class FileNameEncoding {
    private FileNameEncoding() {
    }

    /** What is wrong with this JVM's file name encoding for Archivist, or null when it is UTF-8. */
    public static String problem() {
        String name = System.getProperty("sun.jnu.encoding");
        if (name == null) {
            return null;
        }
        try {
            if (Charset.forName(name).equals(StandardCharsets.UTF_8)) {
                return null;
            }
        } catch (IllegalArgumentException unknown) {
            // named below as it is
        }
        return "Java decodes file names as " + name + " here, not UTF-8 (the locale this process was started with):"
                + " a name that is not ASCII cannot be read or created; start Java with LANG=C.UTF-8 (or another"
                + " UTF-8 locale), as bin/archivist does";
    }

    /** The message for a name the JVM could not turn into a path: why, when the encoding explains it. */
    public static String describe(InvalidPathException e) {
        String why = problem();
        return "cannot use the file name '" + e.getInput() + "'" + (why != null ? ": " + why : ": " + e.getReason());
    }
}
