package dev.archivist;

import dev.archivist.catalog.Catalog;
import dev.archivist.catalog.Durable;
import dev.archivist.catalog.Manifest;
import dev.archivist.restore.InPlaceSwap;
import dev.archivist.restore.RestoreFiles;
import dev.archivist.restore.StorageSwap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * Ends a {@code restore full} that a crash (SIGKILL, power cut) interrupted, as its {@link FullRestoreJournal} says,
 * before the next command holding the lock does anything else:
 * <ul>
 *   <li>storage not swapped yet: nothing changed, nothing to do;</li>
 *   <li>storage swapped: the restore is completed, as a journalling file system replays a committed transaction. The
 *       database is switched (again: that is idempotent) from the same checked backup, and all the live data is the
 *       restored data. Undoing the swap instead would delete the restored tree, with whatever the application wrote
 *       into it after the crash;</li>
 *   <li>the database switch had failed and the swap was being undone ({@link FullRestoreJournal.Phase#UNDO}): the undo
 *       is finished, and all the live data is the old data.</li>
 * </ul>
 * Before the database is switched again it is backed up, so nothing in it is lost: as the restore's {@code pre_restore}
 * safety backup when the killed process had not taken that yet (the database was not touched), else as an ordinary
 * backup, which keeps the writes made since that safety backup (the application may have run after the crash) and
 * leaves the safety backup the newest {@code pre_restore} one, the one rotation keeps.
 * Runs after the storage swap's own journal has been settled ({@link RestoreFiles#cleanLeftovers}).
 */
final class InterruptedFullRestore {
    private InterruptedFullRestore() {
    }

    /**
     * Ends the interrupted restore, if there is one; returns what was done. Throws, leaving the journal, when the
     * database switch cannot be completed: the data stays half restored, and every command says so until the cause is
     * fixed (or the journal removed by hand).
     *
     * @param safetyBackup backs up the live database as a {@code pre_restore} safety copy
     * @param plainBackup  backs up the live database as an ordinary backup
     */
    static List<String> end(Restore restore, Catalog catalog, Supplier<Manifest> safetyBackup,
                            Supplier<Manifest> plainBackup) throws IOException {
        FullRestoreJournal.Entry e = FullRestoreJournal.read(catalog.stateDir());
        if (e == null) {
            return List.of();
        }
        String what = e.what();
        String done;
        if (!swapped(e)) {
            if (e.aside() != null) { // recorded before a swap that did not happen, or was undone
                BeforeRestoreRecords.forget(catalog.stateDir(), e.aside());
            }
            done = what + " had not switched anything; the live data is as it was before";
        } else if (e.phase() == FullRestoreJournal.Phase.UNDO) {
            Path restoredTo = undoSwap(e, catalog);
            FullRestoreJournal.end(catalog.stateDir());
            Durable.deleteTree(restoredTo); // after the journal: once gone, nothing tells an undo from no swap
            return List.of(what + " had failed to switch the database; its storage swap was undone, and the live data"
                    + " is as it was before");
        } else {
            done = what + " had switched the storage folder; "
                    + switchDatabase(e, restore, catalog, safetyBackup, plainBackup);
        }
        FullRestoreJournal.end(catalog.stateDir());
        return List.of(done);
    }

    /**
     * Ends, before the leftovers beside the storage folder are swept, an interrupted restore that found no storage
     * folder to move aside, if its swap did not happen or was undone. Such a swap is one rename of the staging folder
     * to the live name, so it happened when the live folder exists and the staging folder does not; once the staging
     * folder is swept, only the live folder would tell, and the application may have created that folder since the
     * crash (an empty one, or one with its first uploads): taken for the restored tree, it got the database switched
     * to the backup while the restored tree was deleted, and a finished undo deleted it. The journal goes first, so a
     * crash before the sweep has removed the staging folder cannot make the next run take that folder for a swap.
     */
    static List<String> endUnswappedWithoutPreviousFolder(Catalog catalog) throws IOException {
        FullRestoreJournal.Entry e = FullRestoreJournal.read(catalog.stateDir());
        if (e == null || e.aside() != null) {
            return List.of();
        }
        if (Files.exists(e.live()) && !Files.exists(RestoreFiles.staging(e.live(), e.storageBackup()))) {
            return List.of(); // swapped (and an undo not begun): ended after the sweep, by end()
        }
        FullRestoreJournal.end(catalog.stateDir());
        String what = e.phase() == FullRestoreJournal.Phase.UNDO
                ? " switched the database, and its storage swap was undone" : " switched anything";
        return List.of(e.what() + " had not" + what + "; the live data is as it was before");
    }

    /** Whether the storage swap happened (and was not undone since). */
    private static boolean swapped(FullRestoreJournal.Entry e) {
        return e.aside() != null ? Files.exists(e.aside()) : Files.exists(e.live());
    }

    private static String switchDatabase(FullRestoreJournal.Entry e, Restore restore, Catalog catalog,
                                         Supplier<Manifest> safetyBackup, Supplier<Manifest> plainBackup) {
        try {
            Manifest db = catalog.find(e.databaseBackup(), BackupType.DATABASE);
            String[] before = {null};
            RestoreResult r = restore.database(db, null, false, () -> {
                Manifest m = (e.safetyBackup() == null ? safetyBackup : plainBackup).get();
                before[0] = m.id();
                if (e.safetyBackup() == null) { // as the killed run does
                    FullRestoreJournal.recordSafetyBackup(catalog.stateDir(), e, m.id());
                }
                return m;
            });
            if (e.safetyBackup() == null) {
                return "the database is now switched too"
                        + (r.safetyCopy() == null ? "" : " (safety backup " + r.safetyCopy() + ")");
            }
            return "the database is now switched too; its safety backup is " + e.safetyBackup()
                    + (before[0] == null ? "" : ", and what it held just before this switch is in " + before[0]);
        } catch (IOException | RuntimeException x) {
            throw new ArchivistException(e.what() + " switched the storage folder " + e.live()
                    + " but the database switch cannot be completed: "
                    + ArchivistException.reason(x) + "; fix the cause and run any command again (or remove "
                    + FullRestoreJournal.file(catalog.stateDir()) + " to leave the data as it is"
                    + (e.aside() == null ? "" : "; the previous storage folder is " + e.aside()) + ")", x);
        }
    }

    /**
     * Puts the previous storage folder back (there was a swap); returns where the restored tree went. A swap made in
     * place (its earlier entries kept inside the storage folder, {@link InPlaceSwap}) is undone in place.
     */
    private static Path undoSwap(FullRestoreJournal.Entry e, Catalog catalog) throws IOException {
        boolean inPlace = e.aside() != null && e.live().equals(e.aside().getParent());
        // a leftover name either way: swept if cut short
        Path restoredTo = inPlace ? RestoreFiles.inPlaceStaging(e.live(), e.storageBackup())
                : RestoreFiles.staging(e.live(), e.storageBackup());
        if (inPlace) {
            InPlaceSwap.swap(e.live(), e.aside(), restoredTo, e.storageBackup());
        } else {
            StorageSwap.undo(e.live(), e.aside(), restoredTo, e.storageBackup());
        }
        if (e.aside() != null) {
            BeforeRestoreRecords.forget(catalog.stateDir(), e.aside());
        }
        return restoredTo;
    }
}
