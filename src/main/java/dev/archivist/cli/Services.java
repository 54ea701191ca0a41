package dev.archivist.cli;

import dev.archivist.BackupService;
import dev.archivist.config.Settings;
import java.time.Clock;
import picocli.CommandLine.Model.CommandSpec;

/** Builds the facade for a command: notices (lock waits) go to stderr. */
final class Services {
    private Services() {
    }

    static BackupService create(Settings settings, CommandSpec spec) {
        return new BackupService(settings, Clock.systemUTC(), notice -> {
            spec.commandLine().getErr().println("archivist: " + notice);
            spec.commandLine().getErr().flush();
        });
    }
}
