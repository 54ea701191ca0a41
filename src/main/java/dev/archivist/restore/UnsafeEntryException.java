package dev.archivist.restore;

import java.io.IOException;

/**
 * An archive entry that could write outside the staging folder, or whose meaning is ambiguous
 * (absolute path, {@code ..}, escaping or traversed symlink, hard link out, device, FIFO,
 * name that is not UTF-8...). One such entry fails the whole extraction.
 */
public final class UnsafeEntryException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String entryName;
    private final String reason;

    /**
     * @param entryName the entry's name as stored in the archive (invalid UTF-8 bytes shown as U+FFFD)
     * @param reason    why the entry is refused, e.g. {@code path escapes the target (..)}
     */
    public UnsafeEntryException(String entryName, String reason) {
        super("unsafe entry '" + EntryNames.display(entryName) + "': " + reason);
        this.entryName = entryName;
        this.reason = reason;
    }

    /** The entry's name as stored in the archive (invalid UTF-8 bytes shown as U+FFFD). */
    public String entryName() {
        return entryName;
    }

    /** Why the entry was refused. */
    public String reason() {
        return reason;
    }
}
