package dev.archivist.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.archivist.BackupService;
import dev.archivist.Plural;
import dev.archivist.RotationResult;
import dev.archivist.catalog.Json;
import dev.archivist.config.Settings;
import dev.archivist.retention.Decision;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code archivist rotate}: applies the retention policy. */
@Command(name = "rotate", mixinStandardHelpOptions = true, footer = ExitCodes.HELP,
        description = "Apply the retention policy (MAX_BACKUPS per type, or BACKUP_KEEP_*): remove what it does not keep.")
public final class RotateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Option(names = "--dry-run", description = "Only print every backup with keep or remove and the reason.")
    boolean dryRun;

    @Option(names = "--max-backups", paramLabel = "N", description = "Same as --set MAX_BACKUPS=N (the original's flag).")
    Integer maxBackups;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
        StopNotice.install(spec, json);
        if (maxBackups != null) {
            config.sets.put("MAX_BACKUPS", maxBackups.toString());
        }
        BackupService service = Services.create(dryRun ? config.loadForReading() : config.load(), spec);
        PrintWriter err = spec.commandLine().getErr();
        Settings.RetentionSettings keep = service.settings().retention();
        if (maxBackups != null && Stream.of(keep.keepLast(), keep.keepHourly(), keep.keepDaily(), keep.keepWeekly(),
                keep.keepMonthly(), keep.keepYearly(), keep.keepWithin()).anyMatch(Objects::nonNull)) {
            err.println("archivist: warning: --max-backups has no effect: a BACKUP_KEEP_* variable is set, and it"
                    + " replaces MAX_BACKUPS (see archivist config)");
            err.flush();
        }
        // SIGTERM/SIGINT: rotation gets up to 5 s to end before the process exits
        service.sweepOnShutdown(StopNotice.reporter(service));
        if (!Files.isDirectory(service.settings().backupDir())) { // a typo or a volume not mounted: create nothing
            err.println("archivist: note: BACKUP_DIR " + service.settings().backupDir() + " does not exist: nothing"
                    + " to rotate");
            err.flush();
        }
        RotationResult result = service.rotate(dryRun);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode root = Json.MAPPER.createObjectNode();
            root.put("dry_run", result.dryRun());
            ArrayNode decisions = root.putArray("decisions");
            for (Decision d : result.decisions()) {
                ObjectNode n = decisions.addObject();
                n.put("id", d.backup().id()).put("type", d.backup().type().wireName()).put("action", d.keep() ? "keep" : "remove");
                ArrayNode reasons = n.putArray("reasons");
                d.reasons().forEach(reasons::add);
            }
            ArrayNode removed = root.putArray("removed"); // on a dry run, what would be: as removed_folders
            if (result.dryRun()) {
                result.decisions().stream().filter(d -> !d.keep()).forEach(d -> removed.add(d.backup().id()));
            } else {
                result.removed().forEach(removed::add);
            }
            ArrayNode folders = root.putArray("removed_folders");
            result.removedFolders().forEach(folders::add);
            ArrayNode leftovers = root.putArray("removed_leftovers"); // on a dry run, what would be
            result.removedLeftovers().forEach(leftovers::add);
            ArrayNode unreadable = root.putArray("unreadable_manifests");
            result.unreadableManifests().forEach(unreadable::add);
            Output.json(out, root);
            return ExitCodes.OK;
        }
        for (Decision d : result.decisions()) {
            out.printf("%-7s %-36s %s%n", d.keep() ? "keep" : "remove", d.backup().id(), String.join("; ", d.reasons()));
        }
        for (String f : result.removedFolders()) {
            out.printf("%-7s %s%n", "remove", f + " (a newer storage backup exists)");
        }
        for (String f : result.removedLeftovers()) {
            out.printf("%-7s %s%n", "remove", f + " (left by an interrupted run)");
        }
        for (String m : result.unreadableManifests()) {
            out.printf("%-7s %s%n", "leave", m + " (manifest cannot be read or was edited after it was written: not rotated, see archivist verify)");
        }
        long removals = result.decisions().stream().filter(d -> !d.keep()).count();
        out.printf("%s%s %s, %d kept%n", result.dryRun() ? "dry run: " : "", Plural.of(removals, "backup"),
                result.dryRun() ? "would be removed" : "removed", result.decisions().size() - removals);
        out.flush();
        return ExitCodes.OK;
    }
}
