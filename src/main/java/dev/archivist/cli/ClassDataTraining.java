package dev.archivist.cli;

import dev.archivist.logging.LoggingSetup;
import org.slf4j.LoggerFactory;

/**
 * The run from which {@code bin/archivist} dumps its class-data-sharing archive ({@code -Darchivist.cdsTraining=true
 * archivist demo}, in a scratch folder): the demo, plus what the demo leaves out but most commands do, so that those
 * classes are mapped from the archive too instead of loaded and verified from the jar at every start. The demo logs as
 * text, while JSON lines are the default ({@code JSON_LOGS=true}): their encoder alone is ~80 classes, ~50 ms of each
 * start. The stop notice is what {@code backup}, {@code restore} and {@code rotate} install first.
 */
final class ClassDataTraining {
    private ClassDataTraining() {
    }

    /** Whether this run is the launcher's training run. */
    static boolean active() {
        return Boolean.getBoolean("archivist.cdsTraining");
    }

    /** Before the demo: what a command that takes the lock installs first. */
    static void beforeCommand() {
        StopNotice.installOnProcessStreams(false);
    }

    /** After the demo: one JSON log line, with a value the masking decorator reads, to stderr (the dump drops it). */
    static void afterCommand() {
        LoggingSetup.configure("INFO", true);
        LoggerFactory.getLogger(ClassDataTraining.class).info("class-data training run {} (password={})", "done",
                "not-a-secret");
    }
}
