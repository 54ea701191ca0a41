package dev.archivist;

import dev.archivist.config.Settings;
import dev.archivist.restore.RestoreFiles;
import dev.archivist.restore.StorageSwap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Restores that a crash cut short and that wait for the next command taking the lock to end them: a
 * {@code restore full} ({@link InterruptedFullRestore}) and a swap of the live storage folder, which may have moved the
 * folder aside. Read without the lock, to be named by read-only commands; a restore running now has the same journal
 * (hence the "unless" in what is said).
 */
final class PendingRestores {
    private PendingRestores() {
    }

    /**
     * One line for each, for an operator; empty when there are none. {@code running}: another process holds the lock
     * now, so a journal or staging folder it can settle is that process's work in progress, not named; journals no
     * command settles (unreadable, or not Archivist's) still are.
     */
    static List<String> notices(Settings settings, Path stateDir, boolean running) {
        List<String> notes = new ArrayList<>();
        Path journal = FullRestoreJournal.file(stateDir);
        try {
            FullRestoreJournal.Entry e = FullRestoreJournal.read(stateDir);
            if (e != null && !running) {
                notes.add("a restore full of " + e.storageBackup() + " and " + e.databaseBackup()
                        + " was interrupted; the next backup, restore or rotate ends it (" + journal + ")");
            }
        } catch (IOException e) {
            notes.add(e.getMessage());
        }
        Path live = RestoreFiles.liveStorageFolder(settings.storagePath());
        List<Path> swaps = storageSwapJournals(live);
        for (Path swap : swaps) {
            if (StorageSwap.foreign(swap, live)) {
                notes.add("a file at the name of a restore's journal, " + swap + ", names folders a restore of " + live
                        + " does not use: it is not a journal Archivist wrote, and is left alone; remove it");
                continue;
            }
            if (running && StorageSwap.readable(swap)) {
                continue;
            }
            String aside = !Files.exists(live) ? ", which is moved aside until it ends"
                    : swap.startsWith(live) ? ", whose entries may be moved aside until it ends" : "";
            notes.add(StorageSwap.readable(swap)
                    ? "a restore of the storage folder " + live + " did not finish" + aside
                            + "; unless a restore is running now, the next backup, restore or rotate ends it (" + swap + ")"
                    : "a restore of the storage folder " + live + " did not finish, and its journal " + swap
                            + " cannot be read" + (Files.exists(live) ? "" : ": the previous folder is kept beside it as "
                            + live.getFileName() + ".before-restore-<id>; move that back and delete the journal"));
        }
        for (Path destination : List.of(RestoreFiles.liveDatabaseFile(settings.databasePath()), live)) {
            if (running || destination.equals(live) && !swaps.isEmpty()) {
                continue; // the swap had begun: said above, with where the live folder is
            }
            List<Path> left = RestoreFiles.leftovers(destination);
            if (!left.isEmpty()) {
                notes.add("a restore of " + destination + " was interrupted before its switch (the live data is as it"
                        + " was) and left " + left.stream().map(Path::toString).collect(java.util.stream.Collectors.joining(", "))
                        + "; unless a restore is running now, the next backup, restore or rotate removes "
                        + (left.size() == 1 ? "it" : "them"));
            }
        }
        return notes;
    }

    /** Whether a swap of the live storage folder has left its journal: the next command taking the lock settles it. */
    static boolean storageSwapJournal(Settings settings) {
        return !storageSwapJournals(RestoreFiles.liveStorageFolder(settings.storagePath())).isEmpty();
    }

    /** Whether a swap of the live storage folder has not ended, and the next command taking the lock ends it. */
    static boolean storageSwap(Settings settings) {
        Path live = RestoreFiles.liveStorageFolder(settings.storagePath());
        return storageSwapJournals(live).stream().anyMatch(j -> StorageSwap.readable(j) && !StorageSwap.foreign(j, live));
    }

    /** The journals of storage swaps that have not ended (beside the live folder, or inside it for an in-place one). */
    private static List<Path> storageSwapJournals(Path live) {
        return Stream.of(RestoreFiles.journal(live), RestoreFiles.inPlaceJournal(live))
                .filter(j -> Files.exists(j, LinkOption.NOFOLLOW_LINKS)).toList();
    }
}
