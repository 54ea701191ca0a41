package dev.archivist.cli;

import picocli.CommandLine.Command;

/** The top-level {@code archivist} command; every capability is a subcommand. */
@Command(name = "archivist", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Backups of a SQLite database and a storage folder: scheduled, verified, restorable.",
        footer = ExitCodes.HELP)
public final class ArchivistCommand implements java.util.concurrent.Callable<Integer> {
    /**
     * Every subcommand, in help order. {@link Main} registers only the one being run when the first argument names
     * it: picocli inspects each registered command's annotations at start-up, and a short command such as
     * {@code list} should not pay for the other ten.
     */
    static final java.util.Map<String, java.util.function.Supplier<Object>> SUBCOMMANDS = subcommands();

    private static java.util.Map<String, java.util.function.Supplier<Object>> subcommands() {
        java.util.Map<String, java.util.function.Supplier<Object>> m = new java.util.LinkedHashMap<>();
        m.put("backup", BackupCommand::new);
        m.put("list", ListCommand::new);
        m.put("stats", StatsCommand::new);
        m.put("ls", LsCommand::new);
        m.put("diff", DiffCommand::new);
        m.put("dump", DumpCommand::new);
        m.put("verify", VerifyCommand::new);
        m.put("restore", RestoreCommand::new);
        m.put("rotate", RotateCommand::new);
        m.put("config", ConfigCommand::new);
        m.put("schedule", ScheduleCommand::new);
        m.put("cron", CronCommand::new);
        m.put("run", RunCommand::new);
        m.put("demo", DemoCommand::new);
        return java.util.Collections.unmodifiableMap(m);
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** {@code archivist --version --json}; anywhere else {@code --json} belongs to a command ({@link Main} says so). */
    @picocli.CommandLine.Option(names = "--json", description = "With --version: print it as one JSON object.")
    boolean json;

    /** No command given: a usage error (exit 2), as an unknown one is; the usage goes to stderr, as for those. */
    @Override
    public Integer call() {
        java.io.PrintWriter err = spec.commandLine().getErr();
        err.println("archivist: a command is required");
        spec.commandLine().usage(err);
        err.flush();
        return ExitCodes.USAGE;
    }
}
