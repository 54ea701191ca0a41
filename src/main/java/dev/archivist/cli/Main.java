package dev.archivist.cli;

import picocli.CommandLine;

/** Entry point of the jar: {@code archivist <command>}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        SystemTimeZone.apply(System.getenv()); // before anything reads the default zone (an empty BACKUP_TIMEZONE)
        boolean training = ClassDataTraining.active();
        if (reportsAStop(args)) { // a stop while the JVM starts and the configuration loads is reported too
            StopNotice.installOnProcessStreams(BooleanOptions.on(args, "--json"));
        } else if (training) {
            ClassDataTraining.beforeCommand();
        }
        int code;
        try {
            code = run(args);
        } catch (OutOfMemoryError e) {
            code = ExitCodes.outOfMemory(new java.io.PrintWriter(System.err, true));
        }
        if (training) {
            ClassDataTraining.afterCommand();
        }
        System.exit(StopNotice.exitCode(ExitCodes.afterOutput(code, java.util.Arrays.asList(args), System.out,
                System.err)));
    }

    /**
     * Whether {@code args} name a command that reports a stop ({@link StopNotice}): those that take the backup lock,
     * and {@code verify}, which may read for minutes and whose {@code --json} a monitoring script parses.
     */
    private static boolean reportsAStop(String[] args) {
        if (args.length == 0) {
            return false;
        }
        return switch (args[0]) {
            case "backup", "restore", "rotate", "verify" -> true;
            case "run" -> java.util.Arrays.asList(args).contains("--once");
            default -> false;
        };
    }

    /** Whether {@code parsed} asks for the version at any level ({@code archivist --version}, {@code list --version}). */
    private static boolean versionRequested(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult level = parsed; level != null; level = level.subcommand()) {
            if (level.isVersionHelpRequested()) {
                return true;
            }
        }
        return false;
    }

    /** Runs a command line and returns its exit code (used by tests in-process). */
    public static int run(String... args) {
        return commandLine(args).execute(args);
    }

    /** The configured picocli command tree with every subcommand. */
    public static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /** The command tree for {@code args}: just the subcommand they name, or all of them (help, errors). */
    static CommandLine commandLine(String[] args) {
        Output.newCommandLine();
        CommandLine cmd = new CommandLine(new ArchivistCommand());
        if (args.length > 0 && ArchivistCommand.SUBCOMMANDS.containsKey(args[0])) {
            cmd.addSubcommand(args[0], ArchivistCommand.SUBCOMMANDS.get(args[0]).get());
        } else {
            ArchivistCommand.SUBCOMMANDS.forEach((name, create) -> cmd.addSubcommand(name, create.get()));
        }
        // what the commands print is masked as the logs are: text line by line, JSON value by value (Output.json)
        if (!BooleanOptions.on(args, "--json")) {
            cmd.setOut(Output.redacting(cmd.getOut()));
        }
        cmd.setErr(Output.redacting(cmd.getErr()));
        // every subcommand's --version (mixinStandardHelpOptions) prints the version too, not an empty line
        cmd.getSubcommands().values().forEach(sub -> sub.getCommandSpec().versionProvider(new VersionProvider()));
        cmd.setExecutionExceptionHandler((e, c, parsed) -> ExitCodes.handle(e, c));
        cmd.setExecutionStrategy(parsed -> {
            // picocli lets a help or version option win over an unknown command or option ("archivist bogus --help"
            // printed the help and exited 0): an argument it did not match is a usage error whatever follows it
            for (CommandLine.ParseResult level = parsed; level != null; level = level.subcommand()) {
                if (!level.unmatched().isEmpty()) {
                    throw new CommandLine.UnmatchedArgumentException(level.commandSpec().commandLine(), level.unmatched());
                }
            }
            boolean version = versionRequested(parsed);
            if (version && BooleanOptions.on(parsed.originalArgs(), "--json")) {
                Output.json(cmd.getOut(), VersionProvider.json());
                return ExitCodes.OK;
            }
            if (!version && !parsed.isUsageHelpRequested() && parsed.hasMatchedOption("--json")) { // "archivist --json list" would print text: say where it goes
                throw new CommandLine.ParameterException(cmd, "--json goes after a command (archivist list --json) "
                        + "or with --version");
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        cmd.setParameterExceptionHandler((e, rest) -> {
            // picocli's own wording "in KEY=VALUE format" reads as a secret to the redactor: name it otherwise first
            String setName = SetArguments.nameWithoutValue(java.util.Arrays.asList(rest));
            String message = setName != null ? SetArguments.message(setName)
                    : SecretOptionValues.mask(dev.archivist.config.Redactor.redact(String.valueOf(e.getMessage())
                            .replace("KEY=VALUE", "NAME=VALUE").replace("option option ", "option ")), // picocli's
                            java.util.Arrays.asList(rest)); // map-option wording doubles the word
            e.getCommandLine().getErr().println("archivist: " + message);
            e.getCommandLine().getErr().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            ExitCodes.logFailure(e.getCommandLine().getCommandSpec().qualifiedName(), ExitCodes.USAGE, message,
                    java.util.Arrays.asList(rest));
            if (BooleanOptions.on(rest, "--json")) { // a script asked for JSON (--json or --json=true): it gets JSON
                ExitCodes.json(e.getCommandLine().getOut(), ExitCodes.USAGE, message, java.util.List.of());
            }
            return ExitCodes.USAGE;
        });
        return cmd;
    }
}
