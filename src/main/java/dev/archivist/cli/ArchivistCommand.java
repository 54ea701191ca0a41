package dev.archivist.cli;

import picocli.CommandLine.Command;

/** The top-level {@code archivist} command; every capability is a subcommand. */
@Command(name = "archivist", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Backups of a SQLite database and a storage folder: scheduled, verified, restorable.",
        footer = ExitCodes.HELP,
        subcommands = {BackupCommand.class, ListCommand.class, StatsCommand.class, VerifyCommand.class,
                RestoreCommand.class, RotateCommand.class, ConfigCommand.class,
                ScheduleCommand.class, CronCommand.class, RunCommand.class, DemoCommand.class})
public final class ArchivistCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
