package dev.archivist;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A record of a restore into a new place ({@code .archivist/restore-targets/}) that cannot be read was skipped without a
 * word, so the staging folder a killed restore left beside its target stayed there unnoticed: it is named now.
 */
class RestoreTargetRecordsTest {
    @TempDir
    Path state;

    @Test
    void anUnreadableRecordIsSkippedAndNamed() throws Exception {
        Path target = state.resolveSibling(state.getFileName() + "-target");
        RestoreTargetRecords.record(state, target, "storage_backup_20261207T130000.000Z");
        Path truncated = Files.writeString(state.resolve("restore-targets/0000.json"), "{\"path\": \"/srv/res");
        Path pathless = Files.writeString(state.resolve("restore-targets/1111.json"), "{\"backup_id\": \"x\"}");

        Logger logger = (Logger) LoggerFactory.getLogger(RestoreTargetRecords.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        try {
            assertThat(RestoreTargetRecords.recorded(state)).extracting(RestoreTargetRecords.Recorded::path)
                    .containsExactly(target.toAbsolutePath().normalize());
        } finally {
            logger.detachAppender(events);
        }
        assertThat(events.list).filteredOn(e -> e.getLevel() == Level.WARN).extracting(ILoggingEvent::getFormattedMessage)
                .hasSize(2)
                .anySatisfy(m -> assertThat(m).startsWith("ignoring the record " + truncated + " of a restore into a new place")
                        .contains("not valid JSON at line 1").doesNotContain("StreamReadFeature").doesNotContain("\n"))
                .anySatisfy(m -> assertThat(m).startsWith("ignoring the record " + pathless + " of a restore into a new place")
                        .contains("it names no path"));
        assertThat(truncated).as("kept, for a person to look at").exists();
    }
}
