package dev.archivist.cli;

import dev.archivist.BackupService;
import dev.archivist.BackupType;
import dev.archivist.catalog.Manifest;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code archivist backup database|storage|full}: takes one backup now. */
@Command(name = "backup", mixinStandardHelpOptions = true, footer = ExitCodes.HELP,
        description = "Take a backup now: database, storage or full (both as one generation).")
public final class BackupCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Parameters(index = "0", paramLabel = "TYPE", description = "database, storage or full")
    String type;

    @Option(names = "--json", description = "Print the new backup's manifest as JSON.")
    boolean json;

    @Option(names = "--no-rotate", description = "Do not apply the retention policy afterwards.")
    boolean noRotate;

    @Override
    public Integer call() {
        BackupType backupType = BackupType.parse(type);
        BackupService service = Services.create(config.load(), spec);
        PrintWriter out = spec.commandLine().getOut();
        Manifest m = switch (backupType) {
            case DATABASE -> service.backupDatabase();
            default -> throw new IllegalArgumentException("backup " + type + " is not available yet");
        };
        if (json) {
            Output.json(out, m.json());
        } else {
            out.println("created " + m.id() + " (" + Output.size(m.fileSize()) + ", sha256 " + m.checksum() + ")");
            out.flush();
        }
        return ExitCodes.OK;
    }
}
