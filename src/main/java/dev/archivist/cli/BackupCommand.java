package dev.archivist.cli;

import dev.archivist.BackupService;
import dev.archivist.BackupType;
import dev.archivist.Plural;
import dev.archivist.archive.ProgressListener;
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
        description = {"Take a backup now: database, storage or full (both as one generation).",
                "",
                "storage: a PAX tar of STORAGE_PATH (paths relative to it, symlinks stored as links, never followed),"
                        + " compressed with BACKUP_COMPRESSION, split into parts when larger than BACKUP_MAX_SIZE_MB,"
                        + " with a per-file index; BACKUP_STORAGE_EXCLUDE globs are left out. Entries that cannot be"
                        + " stored do not fail the backup: files that cannot be read (permission denied), folders that"
                        + " cannot be listed, files deleted before they were read, sockets, FIFOs and devices are"
                        + " skipped and listed in the manifest's 'skipped' with the reason; files that changed while"
                        + " being read are stored as read and listed in 'changed' (the backup stays valid).",
                "full: a database backup, then a storage backup, each an ordinary backup; the full manifest is"
                        + " written only when both succeeded. If one part fails the command exits 1 naming the part;"
                        + " the part that succeeded stays as an ordinary backup.",
                "Progress (bytes, files, rate) is shown on stderr when stdout and stderr are terminals, never with"
                        + " --json."})
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

    @Option(names = "--dry-run", description = "Write nothing: check the sources and show what the backup would take"
            + " (files, bytes, and the entries BACKUP_STORAGE_EXCLUDE leaves out or that would be skipped).")
    boolean dryRun;

    @Override
    public Integer call() {
        BackupType backupType = BackupType.parse(type);
        if (dryRun) {
            return BackupDryRun.run(Services.create(config.load(), spec), backupType, json, spec.commandLine().getOut(),
                    spec.commandLine().getErr());
        }
        StopNotice.install(spec, json);
        BackupService service = Services.create(config.load(), spec);
        service.sweepOnShutdown(StopNotice.reporter(service));
        PrintWriter out = spec.commandLine().getOut();
        ProgressListener progress = ProgressPrinter.forTerminal(json);
        Manifest m = switch (backupType) {
            case DATABASE -> service.backupDatabase(!noRotate, progress);
            case STORAGE -> service.backupStorage(!noRotate, progress);
            case FULL -> service.backupFull(!noRotate, progress);
        };
        if (json) {
            Output.json(out, m.json());
        } else {
            out.println(describe(m));
            if (m.type() == BackupType.FULL) { // what the storage part stored, skipped and saw change
                out.println("  storage part: " + describe(service.find(m.componentId(BackupType.STORAGE),
                        BackupType.STORAGE)).replaceFirst("^created ", ""));
            }
            out.flush();
        }
        return ExitCodes.OK;
    }

    /** One human line about a new backup. */
    static String describe(Manifest m) {
        var j = m.json();
        return switch (m.type()) {
            case DATABASE -> "created " + m.id() + " (" + Output.size(m.fileSize()) + " " + m.compression() + " from "
                    + Output.size(j.path("size_uncompressed").asLong()) + ", quick_check " + j.path("integrity").path("result").asText() + ")";
            case STORAGE -> "created " + m.id() + " (" + Plural.of(j.path("file_count").asLong(), "file") + ", " + Output.size(j.path("bytes_read").asLong())
                    + " read, " + Output.size(m.fileSize()) + " " + m.compression() + " in " + Plural.of(m.parts().size(), "part")
                    + (j.path("skipped").size() > 0 ? ", " + j.path("skipped").size() + " skipped" : "")
                    + (j.path("changed").size() > 0 ? ", " + j.path("changed").size() + " changed while read" : "")
                    + (j.path("restore_warnings").size() > 0 ? ", " + j.path("restore_warnings").size()
                    + " refused by a default restore: see restore_warnings" : "") + ")";
            case FULL -> "created " + m.id() + " = database " + j.path("database").path("id").asText() + " + storage "
                    + j.path("storage").path("id").asText() + " (" + Output.size(m.fileSize()) + ")";
        };
    }
}
