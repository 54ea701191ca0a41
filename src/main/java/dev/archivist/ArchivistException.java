package dev.archivist;

/** An operation failed (exit code 1); the message carries the context, e.g. which backup and which part. */
public class ArchivistException extends RuntimeException {
    public ArchivistException(String message) {
        super(message);
    }

    public ArchivistException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The reason of a failure in words: file-system errors whose message is only the path (permission denied, no such
     * file, not empty...) get what happened said before the path.
     */
    public static String reason(Throwable e) {
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() == null && fs.getFile() != null) {
            String what = e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e instanceof java.nio.file.NoSuchFileException ? "no such file or directory"
                    : e instanceof java.nio.file.DirectoryNotEmptyException ? "directory not empty"
                    : e instanceof java.nio.file.FileAlreadyExistsException ? "already exists"
                    : e instanceof java.nio.file.NotDirectoryException ? "not a directory"
                    : e.getClass().getSimpleName();
            return what + ": " + fs.getMessage();
        }
        if (e.getMessage() != null) {
            return e.getMessage();
        }
        if (e instanceof java.io.EOFException) { // a gzip or xz stream cut short says only this
            return "unexpected end of data (truncated)";
        }
        // an interrupt and some I/O failures carry no message: name what happened rather than print "null"
        return e instanceof java.nio.channels.ClosedByInterruptException || e instanceof java.io.InterruptedIOException
                || e instanceof InterruptedException ? "interrupted" : e.getClass().getSimpleName();
    }
}
