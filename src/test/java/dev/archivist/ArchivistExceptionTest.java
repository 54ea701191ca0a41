package dev.archivist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.AccessDeniedException;
import org.junit.jupiter.api.Test;

/** The reason of a failure as operators read it: never "null". */
class ArchivistExceptionTest {
    @Test
    void aFailureWithoutAMessageIsNamedNotPrintedAsNull() {
        assertThat(ArchivistException.reason(new ClosedByInterruptException())).isEqualTo("interrupted");
        assertThat(ArchivistException.reason(new InterruptedIOException())).isEqualTo("interrupted");
        assertThat(ArchivistException.reason(new IOException())).isEqualTo("IOException");
        assertThat(ArchivistException.reason(new java.io.EOFException())).isEqualTo("unexpected end of data (truncated)");
        assertThat(ArchivistException.reason(new IOException("disk full"))).isEqualTo("disk full");
        assertThat(ArchivistException.reason(new AccessDeniedException("/x"))).isEqualTo("permission denied: /x");
        // a wrapper that only repeats its cause (UncheckedIOException, RuntimeException(cause)) shows no class name
        assertThat(ArchivistException.reason(new java.io.UncheckedIOException(new java.nio.file.FileSystemException(
                "/state/restore-full.json", null, "Input/output error")))).isEqualTo("/state/restore-full.json: Input/output error");
        assertThat(ArchivistException.reason(new RuntimeException(new AccessDeniedException("/y")))).isEqualTo("permission denied: /y");
        assertThat(ArchivistException.reason(new java.io.UncheckedIOException("reading the index", new IOException("bad"))))
                .isEqualTo("reading the index");
    }
}
