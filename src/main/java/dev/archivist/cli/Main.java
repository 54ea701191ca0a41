package dev.archivist.cli;

import picocli.CommandLine;

/** Entry point of the jar: {@code archivist <command>}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (used by tests in-process). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The configured picocli command tree. */
    public static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new ArchivistCommand());
        cmd.setExecutionExceptionHandler((e, c, parsed) -> ExitCodes.handle(e, c));
        cmd.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println("archivist: " + dev.archivist.config.Redactor.redact(e.getMessage()));
            e.getCommandLine().getErr().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return ExitCodes.USAGE;
        });
        return cmd;
    }
}
