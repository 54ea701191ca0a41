package dev.archivist.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.archivist.ArchivistException;
import dev.archivist.BackupService;
import dev.archivist.BackupType;
import dev.archivist.Plural;
import dev.archivist.Printable;
import dev.archivist.StoragePreview;
import dev.archivist.catalog.Json;
import dev.archivist.config.Redactor;
import dev.archivist.source.SkippedEntry;
import dev.archivist.source.SqliteSnapshot;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code archivist backup TYPE --dry-run}: what the backup would take, found as the backup would find it (the same
 * checks of the sources, the same walk, excludes and reserved folders), with nothing written and no lock taken. Fails
 * (exit 1) where the backup would fail before writing anything, naming every part that would.
 */
final class BackupDryRun {
    private BackupDryRun() {
    }

    static int run(BackupService service, BackupType type, boolean json, PrintWriter out, PrintWriter err) {
        List<String> problems = new ArrayList<>();
        Path database = service.settings().databasePath();
        long databaseSize = -1;
        long walSize = 0;
        StoragePreview storage = null;
        if (type != BackupType.STORAGE) {
            try {
                service.checkDatabaseSource();
                // the backup checks its copy, which holds what the live database holds: a damaged or foreign file
                // fails here as it would there (a database busy with another connection is not damaged)
                List<String> damage = SqliteSnapshot.damageWithoutWaiting(database);
                if (!damage.isEmpty()) {
                    throw new ArchivistException("database " + database + " failed PRAGMA quick_check, it would not be"
                            + " backed up: " + String.join("; ", damage.subList(0, Math.min(5, damage.size()))));
                }
                databaseSize = Files.size(database);
                Path wal = database.resolveSibling(database.getFileName() + "-wal"); // pages not yet checkpointed
                walSize = Files.exists(wal) ? Files.size(wal) : 0;
            } catch (ArchivistException | IOException e) {
                problems.add((type == BackupType.FULL ? "database part: " : "") + e.getMessage());
            }
        }
        // a restore that a crash cut short is ended first by the backup (which may bring a folder moved aside back):
        // this preview, which changes nothing, sees the folder as the crash left it
        boolean restorePending = type != BackupType.DATABASE && service.storageRestorePending();
        if (type != BackupType.DATABASE) {
            service.interruptedRestoreNotices().forEach(n -> err.println("archivist: note: " + n));
            if (restorePending) {
                err.println("archivist: note: the backup ends that restore first, then stores the folder as it is then:"
                        + " this preview shows it as it is now");
            }
            err.flush();
        }
        if (type != BackupType.DATABASE) {
            try {
                storage = service.previewStorage();
            } catch (ArchivistException e) {
                if (!restorePending) { // else the folder may be moved aside until the backup ends that restore
                    problems.add((type == BackupType.FULL ? "storage part: " : "") + e.getMessage());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ArchivistException("dry run: the " + type.wireName() + " backup would fail: "
                    + String.join("; ", problems));
        }
        java.util.Optional<String> shortOfRoom = DryRunSpace.shortage(service, type,
                databaseSize < 0 ? 0 : databaseSize + walSize);
        shortOfRoom.ifPresent(warning -> {
            err.println("archivist: warning: " + warning);
            err.flush();
        });
        if (json) {
            ObjectNode root = Json.MAPPER.createObjectNode().put("dry_run", true).put("type", type.wireName());
            ArrayNode warnings = root.putArray("warnings");
            shortOfRoom.ifPresent(warnings::add);
            if (databaseSize >= 0) {
                root.putObject("database").put("path", Redactor.redact(database.toString())).put("size", databaseSize)
                        .put("wal_size", walSize);
            }
            if (storage != null) {
                root.set("storage", json(storage));
            } else if (restorePending) {
                root.putObject("storage").put("path", Redactor.redact(service.settings().storagePath().toString()))
                        .put("unfinished_restore", true);
            }
            Output.entriesJson(out, root); // the entries' names as they are; the other values masked here
        } else {
            out.println("dry run: nothing written");
            if (databaseSize >= 0) {
                out.println("database " + database + ": " + Output.size(databaseSize)
                        + (walSize > 0 ? " and " + Output.size(walSize) + " in its -wal (the copy holds both: up to "
                        + Output.size(databaseSize + walSize) + " of room in BACKUP_DIR)" : "")
                        + " (copied with SQLite's backup API, checked, then compressed with "
                        + service.settings().compression().wireName() + ")");
            }
            if (storage != null) {
                text(storage, out, Output.unmasked(out));
            } else if (restorePending) {
                out.println("storage " + service.settings().storagePath() + ": moved aside by a restore that did not"
                        + " finish (see the note): the backup ends that restore first, then stores the folder");
            }
            out.flush();
        }
        return ExitCodes.OK;
    }

    private static ObjectNode json(StoragePreview p) {
        ObjectNode n = Json.MAPPER.createObjectNode().put("path", Redactor.redact(p.storage().toString()))
                .put("files", p.files())
                .put("bytes", p.bytes()).put("folders", p.folders()).put("symlinks", p.symlinks())
                .put("excluded_count", p.excludedCount()).put("skipped_count", p.skippedCount());
        ArrayNode excluded = n.putArray("excluded");
        p.excluded().forEach(excluded::add);
        ArrayNode skipped = n.putArray("skipped");
        p.skipped().forEach(s -> skipped.addObject().put("path", s.path()).put("reason", Redactor.redact(s.reason())));
        return n;
    }

    /**
     * The storage part of the preview: its totals on {@code out} (masked), the names of the excluded and skipped entries
     * on {@code names} as the folder holds them (data, not secrets: a file named {@code password=1} is listed so).
     */
    private static void text(StoragePreview p, PrintWriter out, PrintWriter names) {
        out.println("storage " + p.storage() + ": would store " + Plural.of(p.files(), "file") + " ("
                + Output.size(p.bytes()) + "), " + Plural.of(p.folders(), "folder") + ", "
                + Plural.of(p.symlinks(), "symlink"));
        if (p.excludedCount() > 0) {
            out.println("  excluded by BACKUP_STORAGE_EXCLUDE: " + p.excludedCount() + more(p.excludedCount(), p.excluded().size()));
            out.flush();
            p.excluded().forEach(e -> names.println("    " + Printable.controlsEscaped(e))); // one name, one line
            names.flush();
        }
        if (p.skippedCount() > 0) {
            out.println("  would be skipped: " + p.skippedCount() + more(p.skippedCount(), p.skipped().size()));
            out.flush();
            for (SkippedEntry s : p.skipped()) {
                names.println("    " + Printable.controlsEscaped(s.path()) + ": " + Redactor.redact(s.reason()));
            }
            names.flush();
        }
    }

    private static String more(long count, int listed) {
        return count > listed ? " (the first " + listed + " listed)" : "";
    }
}
