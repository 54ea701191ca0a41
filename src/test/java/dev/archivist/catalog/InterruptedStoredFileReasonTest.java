package dev.archivist.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.archivist.ArchivistException;
import dev.archivist.testing.TestDb;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An interrupt closes the stored file's channel; the compressor then writes its last frame on close, and that write
 * failed with a bare ClosedChannelException that became the backup's reason ("database backup of app.db failed:
 * cannot write .tmp-db_backup_….db.zst: ClosedChannelException") in place of what happened: it was interrupted.
 */
class InterruptedStoredFileReasonTest {
    @TempDir
    Path tmp;

    @Test
    void aWriteAfterAnInterruptClosedTheFileSaysInterruptedNotTheChannelsClassName() throws Exception {
        StoredFile stored = StoredFile.create(tmp.resolve("db_backup.db.zst"));
        OutputStream out = stored.stream();
        out.write(1); // buffered: flushed by the next write and again by close
        Thread.currentThread().interrupt();
        IOException first;
        try {
            first = catchThrowableOfType(() -> out.write(new byte[2 << 20]), IOException.class);
        } finally {
            Thread.interrupted();
        }
        IOException onClose = catchThrowableOfType(out::close, IOException.class);
        stored.abort();

        assertThat(first).hasMessageEndingWith(": interrupted");
        assertThat(onClose).isNotNull();
        assertThat(ArchivistException.reason(onClose)).doesNotContain("ClosedChannelException").endsWith(": interrupted");
        assertThat(TestDb.files(tmp)).isEmpty();
    }

    @Test
    void aClosedChannelWithoutContextIsDescribedNotNamedByItsClass() {
        assertThat(ArchivistException.reason(new java.nio.channels.ClosedChannelException()))
                .doesNotContain("ClosedChannelException").contains("closed");
        assertThat(ArchivistException.reason(new java.nio.channels.AsynchronousCloseException()))
                .doesNotContain("AsynchronousCloseException").contains("closed");
    }
}
