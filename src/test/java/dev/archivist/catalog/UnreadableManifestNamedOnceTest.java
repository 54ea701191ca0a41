package dev.archivist.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.archivist.BackupType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A manifest that cannot be read is named once per command, however often the command lists the catalog (a restore of
 * latest resolved it before and again under the lock, a backup listed it and its rotation again: the same warning
 * twice), and again by the next command: a daemon's job forgets the names its previous job gave.
 */
class UnreadableManifestNamedOnceTest {
    @TempDir
    Path root;

    @Test
    void anUnreadableManifestIsNamedOnceUntilForgotten() throws Exception {
        Catalog catalog = new Catalog(root);
        catalog.ensureLayout();
        Path garbled = Files.writeString(catalog.dir(BackupType.DATABASE).resolve("db_backup_20261207T130000.000Z.json"),
                "{");

        Logger logger = (Logger) LoggerFactory.getLogger(Catalog.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        try {
            catalog.list(null);
            catalog.list(BackupType.DATABASE);
            assertThat(warnings(events, garbled)).as("two listings of one command").isEqualTo(1);

            catalog.forgetNamedManifests();
            catalog.list(null);
            assertThat(warnings(events, garbled)).as("the next job names it again").isEqualTo(2);
        } finally {
            logger.detachAppender(events);
        }
    }

    private static long warnings(ListAppender<ILoggingEvent> events, Path manifest) {
        return events.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains("unreadable manifest") && m.contains(manifest.toString())).count();
    }
}
