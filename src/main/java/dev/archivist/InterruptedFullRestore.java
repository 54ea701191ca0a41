package dev.archivist;

import dev.archivist.catalog.Catalog;
import dev.archivist.catalog.Durable;
import dev.archivist.catalog.Manifest;
import dev.archivist.restore.DatabaseRestorer;
import dev.archivist.restore.RestoreFiles;
import dev.archivist.restore.StorageSwap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Ends a {@code restore full} that a crash (SIGKILL, power cut) interrupted between its storage swap and its database
 * switch, as its {@link FullRestoreJournal} says, before the next command holding the lock does anything else:
 * <ul>
 *   <li>database not touched yet: the storage swap is undone, and all the live data is the old data again;</li>
 *   <li>database perhaps switched: the switch is done (again) from the same checked backup, and all the live data is
 *       the restored data. Its safety backup was committed before the database was touched; it is used only when the
 *       live database is exactly the restored copy (switched, nothing written since). Otherwise (no safety backup yet,
 *       the switch rolled back by SQLite, or the application wrote to the database after the interruption) a new
 *       safety backup is taken first, so that switching again drops nothing that is in no backup.</li>
 * </ul>
 * Runs after the storage swap's own journal has been settled ({@link RestoreFiles#cleanLeftovers}).
 */
final class InterruptedFullRestore {
    private InterruptedFullRestore() {
    }

    /**
     * Ends the interrupted restore, if there is one; returns what was done. Throws, leaving the journal, when the
     * database switch cannot be completed: the data stays half restored, and every command says so until the cause is
     * fixed (or the journal removed by hand).
     */
    static List<String> end(Restore restore, Catalog catalog, Supplier<Manifest> safetyBackup) throws IOException {
        FullRestoreJournal.Entry e = FullRestoreJournal.read(catalog.stateDir());
        if (e == null) {
            return List.of();
        }
        List<String> done = new ArrayList<>();
        String what = "an interrupted restore of " + e.storageBackup() + " and " + e.databaseBackup();
        if (e.phase() == FullRestoreJournal.Phase.STORAGE) {
            done.add(what + " had not switched the database: " + undoSwap(e, catalog));
        } else {
            try {
                Manifest db = catalog.find(e.databaseBackup(), BackupType.DATABASE);
                String[] why = {""};
                RestoreResult r = restore.databaseAgain(db, (live, prepared) -> {
                    if (e.safetyBackup() == null) {
                        return safetyBackup.get();
                    }
                    try {
                        // The recorded safety backup holds the live database as it was before the switch. Once the
                        // switch had started, the live file is that database again (SQLite rolled the switch back)
                        // or the restored one, and the application may have written to it since: switching again
                        // would drop those writes, kept in no backup. Only a live database that is exactly the
                        // restored copy (switched, nothing written since) needs no safety backup of its own.
                        if (DatabaseRestorer.holdsExactly(live, prepared)) {
                            return catalog.find(e.safetyBackup(), BackupType.DATABASE);
                        }
                    } catch (IOException x) {
                        throw new java.io.UncheckedIOException(x);
                    }
                    why[0] = "; the live database had changed since the safety backup " + e.safetyBackup()
                            + " (written to after the interruption, or the switch rolled back), so it was backed up again";
                    return safetyBackup.get();
                });
                done.add(what + " had switched the storage folder; the database is now switched too"
                        + (r.safetyCopy() == null ? "" : " (safety backup " + r.safetyCopy() + ")") + why[0]);
            } catch (IOException | RuntimeException x) {
                throw new ArchivistException(what + " switched the storage folder " + e.live() + " but the database"
                        + " switch cannot be completed: " + ArchivistException.reason(x) + "; fix the cause and run any"
                        + " command again (or remove " + FullRestoreJournal.file(catalog.stateDir()) + " to leave the"
                        + " data as it is" + (e.aside() == null ? "" : "; the previous storage folder is " + e.aside())
                        + ")", x);
            }
        }
        FullRestoreJournal.end(catalog.stateDir());
        return done;
    }

    /** Puts the previous storage folder back if the swap happened; says what it did. */
    private static String undoSwap(FullRestoreJournal.Entry e, Catalog catalog) throws IOException {
        Path live = e.live();
        Path restoredTo = RestoreFiles.staging(live, e.storageBackup()); // a leftover name: swept if this is cut short
        if (e.aside() == null) { // there was no storage folder before
            if (!Files.exists(live)) {
                return "nothing had been switched";
            }
            StorageSwap.undo(live, null, restoredTo, e.storageBackup());
        } else {
            if (!Files.exists(e.aside())) {
                return "nothing had been switched";
            }
            StorageSwap.undo(live, e.aside(), restoredTo, e.storageBackup());
            BeforeRestoreRecords.forget(catalog.stateDir(), e.aside());
        }
        Durable.deleteTree(restoredTo);
        return "the storage swap was undone, the live data is as it was before";
    }
}
