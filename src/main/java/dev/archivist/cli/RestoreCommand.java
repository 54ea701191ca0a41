package dev.archivist.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.archivist.ArchivistException;
import dev.archivist.BackupService;
import dev.archivist.BackupType;
import dev.archivist.RestoreResult;
import dev.archivist.catalog.Json;
import dev.archivist.catalog.Manifest;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code archivist restore database|storage|full <id|latest>}. */
@Command(name = "restore", mixinStandardHelpOptions = true, footer = ExitCodes.HELP,
        description = "Restore a backup: verify it, take a safety copy of the current data, then switch atomically. "
                + "Replacing live data asks for confirmation on a terminal; without a terminal --yes is required. "
                + "--target (a new file or folder, or an empty folder) replaces nothing and needs no confirmation.")
public final class RestoreCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Parameters(index = "0", paramLabel = "TYPE", description = "database, storage or full")
    String type;

    @Parameters(index = "1", paramLabel = "BACKUP", description = "id, latest (the newest that can be restored), or the path of a manifest in BACKUP_DIR")
    String ref;

    Path target;
    /** Whether {@code --target} was written with a trailing {@code /}, which {@link Path} drops: a folder is meant. */
    private boolean targetNamesFolder;

    @Option(names = "--target", paramLabel = "PATH", description = "Restore into this new file or folder instead of the live data (never overwrites; storage also "
            + "fills an existing empty folder, keeping its owner and mode).")
    void target(String path) {
        target = Path.of(path);
        targetNamesFolder = path.endsWith("/");
    }

    @Option(names = "--path", paramLabel = "GLOB", description = "Storage only: restore just the entries matching GLOB, a matching folder with everything in it (repeatable; needs --target).")
    List<String> paths = new ArrayList<>();

    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.")
    boolean yes;

    @Option(names = "--no-verify", description = "Skip the deep check (checksums are always checked).")
    boolean noVerify;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Option(names = "--allow-outside-symlinks", description = "Storage: restore symlinks whose target is absolute or "
            + "outside the folder as they are (never followed). Same as --set RESTORE_OUTSIDE_SYMLINKS=true.")
    boolean allowOutsideSymlinks;

    @Override
    public Integer call() {
        BackupType backupType = BackupType.parse(type);
        if (target != null && target.toString().isEmpty()) { // Path.of("") is the working directory: "already exists"
            throw new IllegalArgumentException("--target is empty (a variable left unset in a script?): name the new file or folder");
        }
        if (target != null && (target.toString().equals("~") || target.toString().startsWith("~/"))) {
            // bash leaves '--target=~/x' as it is: a folder named '~' made here, which 'rm -rf ~' would not clean up
            throw new IllegalArgumentException("--target " + target + " starts with '~', which only a shell expands"
                    + " (never after '--target='): here it would be a folder named '~' in the working directory; give"
                    + " the path with the home folder written out");
        }
        if (backupType == BackupType.FULL && target != null) {
            throw new IllegalArgumentException("restore full restores the live database and storage; --target is for database or storage");
        }
        if (backupType == BackupType.DATABASE && targetNamesFolder) { // a file named like the folder is not what was asked
            throw new IllegalArgumentException("restore database --target names the new database file; '" + target
                    + "/' names a folder: give the file's path (" + target.resolve("app.db") + ")");
        }
        if (allowOutsideSymlinks && backupType == BackupType.DATABASE) { // else accepted and silently meaningless
            throw new IllegalArgumentException("--allow-outside-symlinks applies to restore storage and restore full only");
        }
        if (!paths.isEmpty() && backupType != BackupType.STORAGE) {
            throw new IllegalArgumentException("--path applies to restore storage only");
        }
        if (!paths.isEmpty() && target == null) { // a usage error, told before anything else is asked or checked
            throw new IllegalArgumentException("--path restores selected files only into a new folder: give --target");
        }
        if (allowOutsideSymlinks) {
            config.sets.put("RESTORE_OUTSIDE_SYMLINKS", "true");
        }
        StopNotice.install(spec, json);
        // into a new place, a backup directory that cannot be written is enough (see BackupService.restoreStorage)
        BackupService service = Services.create(target != null ? config.loadForReading() : config.load(), spec);
        // SIGTERM/SIGINT: no switch after the signal; a full restore undoes its storage swap
        service.sweepOnShutdown(StopNotice.reporter(service));
        Manifest m = service.findForRestore(ref, backupType);
        PrintWriter out = spec.commandLine().getOut();
        List<String> others = new ArrayList<>();
        for (Manifest part : target == null ? restoredParts(m, service) : List.<Manifest>of()) {
            String from = otherSource(part, service);
            if (from != null) { // two applications sharing a BACKUP_DIR, or a DATABASE_URL changed since
                others.add(from);
                spec.commandLine().getErr().println("archivist: warning: " + part.id()
                        + (part == m ? "" : " (" + part.type().wireName() + " part of " + m.id() + ")")
                        + " was taken from " + from + ", not from the "
                        + (part.type() == BackupType.DATABASE ? "database " : "storage folder ")
                        + livePath(part, service) + " it restores into");
                spec.commandLine().getErr().flush();
            }
        }
        String otherSource = others.isEmpty() ? null : String.join(" and ", others);
        if (!yes && target == null) {
            confirm(m, service, otherSource);
        }
        List<RestoreResult> results = switch (backupType) {
            case DATABASE -> List.of(service.restoreDatabase(m.id(), target, !noVerify));
            case STORAGE -> List.of(service.restoreStorage(m.id(), target, paths, !noVerify));
            case FULL -> service.restoreFull(m.id(), !noVerify);
        };
        if (json) {
            ArrayNode array = Json.MAPPER.createArrayNode();
            for (RestoreResult r : results) {
                ObjectNode n = array.addObject();
                n.put("backup_id", r.backupId()).put("type", r.type()).put("destination", r.destination())
                        .put("safety_copy", r.safetyCopy()).put("files", r.files()).put("bytes", r.bytes());
                ArrayNode notes = n.putArray("notes");
                r.notes().forEach(notes::add);
            }
            Output.json(out, array);
        } else {
            for (RestoreResult r : results) {
                out.println("restored " + r.backupId() + " into " + r.destination());
                r.notes().forEach(note -> out.println("  " + note));
            }
            out.flush();
        }
        return ExitCodes.OK;
    }

    /** The live path {@code m} restores into (a database or storage backup). */
    private static Path livePath(Manifest m, BackupService service) {
        return m.type() == BackupType.DATABASE ? service.settings().databasePath() : service.settings().storagePath();
    }

    /**
     * The database and storage backups {@code m} restores into the live data: itself, or a full backup's components
     * (one it cannot take is left out: the restore refuses it, saying why).
     */
    private static List<Manifest> restoredParts(Manifest m, BackupService service) {
        if (m.type() != BackupType.FULL) {
            return List.of(m);
        }
        List<Manifest> parts = new ArrayList<>();
        for (BackupType t : List.of(BackupType.DATABASE, BackupType.STORAGE)) {
            try {
                parts.add(service.findForRestore(m.id(), t));
            } catch (ArchivistException e) {
                // named by the restore's own refusal
            }
        }
        return parts;
    }

    /** Where a database or storage backup was taken from when that is not the live path it restores into, else null. */
    private static String otherSource(Manifest m, BackupService service) {
        String from = m.json().path("original_path").asText("");
        if (m.type() == BackupType.FULL || from.isEmpty()) {
            return null;
        }
        try {
            return sameFile(Path.of(from), livePath(m, service)) ? null : from;
        } catch (java.nio.file.InvalidPathException e) { // no path (a NUL in an edited manifest): not the live one
            return from.replace("\0", "\\000");
        }
    }

    /** Whether two paths name the same file: as written, or once symlinks are resolved (when both exist). */
    private static boolean sameFile(Path a, Path b) {
        if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
            return true;
        }
        try {
            return Files.isSameFile(a, b);
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Asks on the terminal stdin is; fails (exit 1, see {@link ExitCodes}) when stdin is not one (cron, a pipe,
     * {@code < /dev/null}) or the answer is not yes. Stdout may be piped ({@code | tee log}), or hold JSON: the question
     * then goes to stderr.
     */
    private void confirm(Manifest m, BackupService service, String otherSource) {
        if (!Terminals.isTerminal(0)) {
            throw new ArchivistException("restore refused: no terminal to confirm on; pass --yes to restore without confirmation");
        }
        String what = target != null ? target.toString()
                : switch (m.type()) {
                    case DATABASE -> "the live database " + service.settings().databasePath();
                    case STORAGE -> "the live storage folder " + service.settings().storagePath();
                    case FULL -> "the live database and storage folder";
                };
        String question = String.format("Restore %s (created %s%s) into %s? [y/N] ", m.id(), m.createdAt(),
                otherSource == null ? "" : ", taken from " + otherSource, what);
        String answer;
        try {
            answer = Terminals.ask(dev.archivist.config.Redactor.redact(question), spec.commandLine().getErr(), json); // masked as the output is
        } catch (java.io.IOException e) {
            throw new ArchivistException("restore refused: the answer could not be read from the terminal: " + e.getMessage(), e);
        }
        if (answer == null || !List.of("y", "yes").contains(answer.strip().toLowerCase(Locale.ROOT))) {
            throw new ArchivistException("restore cancelled");
        }
    }
}
