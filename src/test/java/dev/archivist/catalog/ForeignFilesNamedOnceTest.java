package dev.archivist.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.archivist.BackupType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The Python tool's backups left in {@code BACKUP_DIR} are left alone and named once per process. (A daemon sweeps and
 * lists the catalog at every job: with two of the old tool's database backups and their metadata beside ours, three
 * quarters of its log were the same warnings, seven per job, for files kept on purpose.)
 */
class ForeignFilesNamedOnceTest {
    @TempDir
    Path root;

    @Test
    void thePythonToolsFilesAreNamedOnceAndNeverCalledUnreadableManifests() throws Exception {
        Catalog catalog = new Catalog(root);
        catalog.ensureLayout();
        Path database = catalog.dir(BackupType.DATABASE);
        Path pythonBackup = Files.writeString(database.resolve("db_backup_20241201_020000.db"), "SQLite format 3");
        Path pythonMetadata = Files.writeString(database.resolve("db_backup_20241201_020000.json"),
                "{\"timestamp\": \"20241201_020000\", \"type\": \"database\"}");
        Path full = Files.writeString(catalog.dir(BackupType.FULL).resolve("full_backup_20241201_030000.json"),
                "{\"timestamp\": \"20241201_030000\", \"type\": \"full\"}");

        Logger logger = (Logger) LoggerFactory.getLogger(Catalog.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        try {
            for (int job = 0; job < 3; job++) { // what a daemon does at each job: sweep, then list for rotation
                catalog.removeLeftovers();
                assertThat(catalog.list(null)).isEmpty();
            }
        } finally {
            logger.detachAppender(events);
        }

        List<String> warnings = events.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(warnings).noneMatch(w -> w.contains("unreadable manifest"));
        assertThat(warnings).filteredOn(w -> w.contains("did not write")).hasSize(2) // database/ and full/, once each
                .anyMatch(w -> w.contains(pythonBackup.toString()) && w.contains(pythonMetadata.toString()))
                .anyMatch(w -> w.contains(full.toString()));
        assertThat(List.of(pythonBackup, pythonMetadata, full)).allMatch(Files::exists);
    }
}
