package dev.archivist.restore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.archivist.ArchivistException;
import dev.archivist.catalog.Durable;
import dev.archivist.catalog.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Replaces the live storage folder with a checked staging folder by two renames, guarded by a journal written first:
 * live → {@code <storage>.before-restore-<id>}, staging → live. A failure between the renames is rolled back at once;
 * a crash between them is rolled back by {@link #recover} on the next run, so the live folder is always entirely the
 * old or entirely the new tree.
 */
public final class StorageSwap {
    private StorageSwap() {
    }

    /**
     * Why {@code live} must be swapped in place ({@link InPlaceSwap}), or null when two renames can swap it: it is a
     * mount point (a volume), which a rename cannot move ("Device or resource busy"), or the folder it is in cannot
     * be written by this user (a staging folder and the earlier tree could not be put beside it). Refuses, before
     * anything is extracted, a folder that holds mount points: either swap would carry them off with the old tree,
     * and the rotation of {@code before-restore} folders would later delete what they hold.
     */
    public static String inPlaceReason(Path live) {
        Path real;
        try {
            real = live.toRealPath();
        } catch (IOException e) {
            return null; // nothing there yet: nothing is moved aside
        }
        List<Path> mounts = MountPoints.atOrUnder(real);
        List<Path> inside = mounts.stream().filter(m -> !m.equals(real)).toList();
        if (!inside.isEmpty()) {
            throw new ArchivistException("restore into the live storage folder refused: " + live + " holds mount points ("
                    + inside.stream().map(Path::toString).collect(java.util.stream.Collectors.joining(", "))
                    + "), which the swap would move aside with the old tree; nothing was changed. Restore with --target"
                    + " into a new folder and move the files into place with the application stopped.");
        }
        if (mounts.contains(real)) {
            return "is a mount point";
        }
        Path parent = real.getParent();
        if (parent != null && !Files.isWritable(parent) && Files.isWritable(real)) {
            return "is in a folder this user cannot write (" + parent + ")";
        }
        return null;
    }

    /** Swaps {@code staging} into {@code live}, moving the old tree to {@code aside}; returns it (null if there was none). */
    public static Path swap(Path live, Path staging, Path aside, String backupId) throws IOException {
        if (Files.exists(aside)) {
            throw new IOException("cannot move the live folder aside: " + aside + " already exists");
        }
        Path journal = writeJournal(live, aside, staging, backupId);
        boolean hadLive = Files.exists(live);
        if (hadLive) {
            try {
                Files.move(live, aside, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(journal); // nothing moved: a journal left would tell the next run of a swap
                throw new IOException("moving " + live + " aside to " + aside + " failed, nothing was changed: "
                        + e.getMessage(), e);
            }
        }
        try {
            Files.move(staging, live, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            if (hadLive) {
                Files.move(aside, live, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.deleteIfExists(journal);
            throw new IOException("swapping " + staging + " into " + live + " failed, rolled back: " + e.getMessage(), e);
        }
        endJournal(live, journal);
        return hadLive ? aside : null;
    }

    /**
     * Undoes a {@link #swap}: the restored tree in {@code live} goes to {@code restoredTo} (to be deleted by the
     * caller), then the old tree goes back from {@code aside} (null: there was none). Guarded by the same journal, so a
     * crash in between is rolled back by {@link #recover}: the old tree comes back.
     */
    public static void undo(Path live, Path aside, Path restoredTo, String backupId) throws IOException {
        if (aside == null) { // there was no live folder: one rename takes the restored one away
            Files.move(live, restoredTo, StandardCopyOption.ATOMIC_MOVE);
            Durable.fsyncDirectoryAfterSwitch(live.toAbsolutePath().getParent());
            return;
        }
        Path journal = writeJournal(live, aside, restoredTo, backupId);
        Files.move(live, restoredTo, StandardCopyOption.ATOMIC_MOVE);
        Files.move(aside, live, StandardCopyOption.ATOMIC_MOVE);
        endJournal(live, journal);
    }

    /** The journal {@link #recover} reads: written (durably) before the first rename of a swap or an undo. */
    private static Path writeJournal(Path live, Path aside, Path staging, String backupId) throws IOException {
        Path journal = RestoreFiles.journal(live);
        ObjectNode j = Json.MAPPER.createObjectNode().put("live", live.toString()).put("aside", aside.toString())
                .put("staging", staging.toString()).put("backup_id", backupId);
        Durable.writeAtomically(journal, Json.MAPPER.writeValueAsBytes(j));
        return journal;
    }

    /** Makes the renames durable, then drops the journal (the switch is done: a failed flush is only logged). */
    private static void endJournal(Path live, Path journal) throws IOException {
        Durable.fsyncDirectoryAfterSwitch(live.toAbsolutePath().getParent());
        Files.deleteIfExists(journal);
        Durable.fsyncDirectoryAfterSwitch(live.toAbsolutePath().getParent());
    }

    /**
     * A swap's journal, or null when there is none; one that cannot be read is deleted (it is written whole before
     * the first move, so a journal cut while being written means nothing moved).
     */
    static JsonNode readJournal(Path journal) throws IOException {
        if (!Files.exists(journal)) {
            return null;
        }
        JsonNode j = parse(journal);
        if (j == null) {
            Files.deleteIfExists(journal);
        }
        return j;
    }

    /**
     * Whether {@code journal}, of a restore of {@code live} (beside it, or inside it for an in-place one), reads but
     * names other folders than a restore of {@code live} uses: not a journal Archivist wrote, left alone.
     */
    public static boolean foreign(Path journal, Path live) {
        JsonNode j = Files.exists(journal) ? parse(journal) : null;
        if (j == null) {
            return false;
        }
        if (journal.equals(RestoreFiles.inPlaceJournal(live))) {
            return InPlaceSwap.ownFolders(j, live) == null;
        }
        return !RestoreFiles.areSwapFoldersOf(live, Path.of(j.path("staging").asText()), Path.of(j.path("aside").asText()));
    }

    /** Whether {@code journal} is there and reads as a swap's journal. */
    public static boolean readable(Path journal) {
        return Files.exists(journal) && parse(journal) != null;
    }

    /**
     * A journal's content, or null when it cannot be read or lacks the folders a swap writes into it (an empty path
     * would stand for the working directory, and recovery would move that).
     */
    private static JsonNode parse(Path journal) {
        try {
            JsonNode j = Json.MAPPER.readTree(journal.toFile());
            return j != null && !j.path("aside").asText("").isEmpty() && !j.path("staging").asText("").isEmpty()
                    && j.path("aside").asText().indexOf('\0') < 0 && j.path("staging").asText().indexOf('\0') < 0 ? j : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** What is said of a journal that names other folders than those a restore of {@code live} uses. */
    static String foreignJournal(Path journal, Path live, Object staging, Object aside) {
        return "left alone " + journal + ", which names folders a restore of " + live + " does not use (" + staging
                + ", " + aside + "): it is not a journal Archivist wrote; remove it";
    }

    /**
     * Completes the bookkeeping of, or rolls back, a swap interrupted by a crash. A journal naming other folders than
     * the swap's own beside {@code live} is left alone, named in {@code done}.
     */
    static void recover(Path live, List<String> done) throws IOException {
        Path journal = RestoreFiles.journal(live);
        if (Files.exists(journal) && !Files.exists(live) && parse(journal) == null) {
            // written whole before any move, so damaged since: and it alone says where the folder went
            throw new IOException("the journal " + journal + " of a restore that did not finish cannot be read, and"
                    + " the storage folder " + live + " is not there: its previous folder is kept beside it as "
                    + live.getFileName() + ".before-restore-<id>; move that back to " + live + " and delete the journal");
        }
        JsonNode j = readJournal(journal);
        if (j == null) {
            return;
        }
        Path aside = Path.of(j.path("aside").asText());
        Path staging = Path.of(j.path("staging").asText());
        if (!RestoreFiles.areSwapFoldersOf(live, staging, aside)) {
            // the folder it is in may be another user's: a journal planted there must not have root move folders
            done.add(foreignJournal(journal, live, staging, aside));
            return;
        }
        if (!Files.exists(live) && Files.exists(aside)) {
            Files.move(aside, live, StandardCopyOption.ATOMIC_MOVE);
            done.add("rolled back an interrupted restore of " + live + " (old folder moved back from " + aside + ")");
        } else if (Files.exists(live) && Files.exists(aside) && Files.exists(staging)) {
            // cut between its two renames, and something (the application) created a folder at the live name since:
            // that folder is kept beside, not deleted and not taken for either tree, and the old one goes back
            Path kept = RestoreFiles.createdDuringRestore(live, j.path("backup_id").asText("unknown"));
            Files.move(live, kept, StandardCopyOption.ATOMIC_MOVE);
            Files.move(aside, live, StandardCopyOption.ATOMIC_MOVE);
            done.add("rolled back an interrupted restore of " + live + " (old folder moved back from " + aside
                    + "); a folder created at " + live + " after the interruption was kept as " + kept);
        } else if (Files.exists(live) && Files.exists(staging)) {
            done.add("an interrupted restore of " + live + " had not swapped yet; the live folder is unchanged");
        } else if (Files.exists(live)) {
            done.add("an interrupted restore of " + live + " had completed its swap ("
                    + (Files.exists(aside) ? "old folder kept as " + aside : "there was no folder before") + ")");
        }
        Files.deleteIfExists(journal);
        Durable.fsyncDirectoryAfterSwitch(live.toAbsolutePath().getParent());
    }
}
