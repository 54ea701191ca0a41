package dev.archivist;

import java.util.List;

/**
 * An operation failed (exit code 1); the message carries the context, e.g. which backup and which part, on one line;
 * a failure with several causes lists them as {@link #problems()}, printed one per line below it.
 */
public class ArchivistException extends RuntimeException {
    private final List<String> problems;

    public ArchivistException(String message) {
        this(message, List.of());
    }

    public ArchivistException(String message, Throwable cause) {
        super(message, cause);
        this.problems = List.of();
    }

    public ArchivistException(String message, List<String> problems) {
        super(message);
        this.problems = List.copyOf(problems);
    }

    /** The failure's causes, one per item (a refused restore: what does not verify); empty when the message says it. */
    public List<String> problems() {
        return problems;
    }

    /**
     * The reason of a failure in words: file-system errors whose message is only the path (permission denied, no such
     * file, not empty...) get what happened said before the path.
     */
    public static String reason(Throwable e) {
        if (e.getCause() != null && e.getMessage() != null && e.getMessage().equals(e.getCause().toString())) {
            return reason(e.getCause()); // a wrapper with no words of its own (UncheckedIOException): not its class name
        }
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() == null && fs.getFile() != null) {
            return unworded(fs) + ": " + fs.getMessage();
        }
        if (e.getMessage() != null) {
            return e.getMessage();
        }
        if (e instanceof java.io.EOFException) { // a gzip or xz stream cut short says only this
            return "unexpected end of data (truncated)";
        }
        // an interrupt and some I/O failures carry no message: name what happened rather than print "null"
        if (e instanceof java.nio.channels.ClosedByInterruptException || e instanceof java.io.InterruptedIOException
                || e instanceof InterruptedException) {
            return "interrupted";
        }
        if (e instanceof java.nio.channels.ClosedChannelException) { // an interrupt or an earlier failure closed it
            return "the file was already closed (the work was interrupted or had failed)";
        }
        return e.getClass().getSimpleName();
    }

    /**
     * As {@link #reason(Throwable)}, for a message that names {@code file} already ("cannot create the snapshot
     * FILE: "): a file-system error about that file alone gives what happened without its path a second time.
     */
    public static String reasonAbout(java.nio.file.Path file, Throwable e) {
        if (e instanceof java.nio.file.FileSystemException fs && fs.getOtherFile() == null
                && file.toString().equals(fs.getFile())) {
            return fs.getReason() != null ? fs.getReason() : unworded(fs);
        }
        return reason(e);
    }

    /** What a file-system error that carries no reason of its own means, from its type. */
    private static String unworded(java.nio.file.FileSystemException e) {
        return e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : e instanceof java.nio.file.NoSuchFileException ? "no such file or directory"
                : e instanceof java.nio.file.DirectoryNotEmptyException ? "directory not empty"
                : e instanceof java.nio.file.FileAlreadyExistsException ? "already exists"
                : e instanceof java.nio.file.NotDirectoryException ? "not a directory"
                : e.getClass().getSimpleName();
    }
}
