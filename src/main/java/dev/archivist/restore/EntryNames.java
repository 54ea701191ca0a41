package dev.archivist.restore;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * Lexical rules for entry names and link targets: strict UTF-8 decoding, normalization
 * ({@code ./} prefix and trailing {@code /} removed) and refusal of anything ambiguous or escaping.
 */
public final class EntryNames {
    private EntryNames() {
    }

    /** Decodes {@code raw} as UTF-8, or returns empty if the bytes are not valid UTF-8. */
    static Optional<String> decodeStrict(byte[] raw) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** Decodes {@code raw} as UTF-8, invalid bytes becoming U+FFFD: the name used in error reports. */
    static String decodeLossy(byte[] raw) {
        return new String(raw, StandardCharsets.UTF_8);
    }

    /**
     * Validates an entry name and returns its normalized relative path ({@code ""} for the root itself).
     *
     * @param entryName the entry reported on failure
     * @param what      what {@code name} is, for messages: "path", "hard link target"
     */
    static String relativePath(String entryName, String name, String what) throws UnsafeEntryException {
        checkCommon(entryName, name, what);
        if (name.startsWith("/")) {
            throw new UnsafeEntryException(entryName, what + " is absolute");
        }
        String path = name;
        while (path.startsWith("./")) {
            path = path.substring(2);
        }
        if (path.equals(".")) {
            path = "";
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.isEmpty()) {
            return "";
        }
        String backslashed = dev.archivist.source.BackslashPaths.escape(path);
        if (backslashed != null) {
            throw new UnsafeEntryException(entryName, what + " escapes the target on Windows: " + backslashed);
        }
        for (String segment : path.split("/", -1)) {
            if (segment.equals("..")) {
                throw new UnsafeEntryException(entryName, what + " escapes the target (..)");
            }
            if (segment.isEmpty() || segment.equals(".")) {
                throw new UnsafeEntryException(entryName, what + " has an empty or '.' component");
            }
        }
        return path;
    }

    /**
     * Why a restore would refuse {@code entry} on its own, judged from the entry alone (its type, its name and a hard
     * link's target, by the rules extraction applies), or empty. What only the whole tree shows (a path through a
     * symlink, a link leading out, a duplicate) is left to extraction. For verify, which reads names already decoded:
     * names that are not UTF-8 are the extractor's to catch.
     */
    public static Optional<String> refusal(TarArchiveEntry entry) {
        String name = entry.getName();
        try {
            ExtractionRun.Type type = ExtractionRun.typeOf(name, name, entry);
            relativePath(name, name, "path");
            if (type == ExtractionRun.Type.HARDLINK) {
                relativePath(name, entry.getLinkName(), "hard link target");
            } else if (type == ExtractionRun.Type.SYMLINK) {
                checkCommon(name, entry.getLinkName(), "symlink target");
            }
            return Optional.empty();
        } catch (UnsafeEntryException e) {
            return Optional.of(e.reason());
        }
    }

    /** Checks what can be judged of a symlink target without the tree: not empty, relative, unambiguous. */
    static void checkSymlinkTarget(String entryName, String target) throws UnsafeEntryException {
        checkCommon(entryName, target, "symlink target");
        if (target.startsWith("/")) {
            throw new UnsafeEntryException(entryName, "symlink target '" + display(target) + "' is absolute");
        }
    }

    private static void checkCommon(String entryName, String name, String what) throws UnsafeEntryException {
        if (name.isEmpty()) {
            throw new UnsafeEntryException(entryName, what + " is empty");
        }
        if (name.indexOf('\0') >= 0) {
            throw new UnsafeEntryException(entryName, what + " contains a NUL character");
        }
    }

    /** The name with control characters escaped, for messages (one line, whatever a name or a damaged stream holds). */
    public static String display(String name) {
        if (name == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
