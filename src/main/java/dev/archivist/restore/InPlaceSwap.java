package dev.archivist.restore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.archivist.catalog.Durable;
import dev.archivist.catalog.Json;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Replaces the content of a live storage folder that cannot be swapped by renames (a mount point: a container's
 * volume; or a folder in a parent this user cannot write) with a checked staging folder made inside it, entry by
 * entry, guarded by a journal inside it.
 *
 * <p>The folder itself stays (its owner, mode and mount); its top-level entries move into
 * {@code <storage>/.archivist-before-restore-<id>/} (phase {@code out}), then the staged ones move in (phase
 * {@code in}). Each move is a rename within the volume, so no data is copied. A failure in either phase is undone at
 * once; a crash is settled by {@link #recover} on the next run: cut during {@code out}, the old entries go back;
 * cut during {@code in} (every old entry is aside, every staged one was checked), the staged ones are moved in. So the
 * folder ends entirely old or entirely new. Not atomic as a whole, unlike {@link StorageSwap}: while the entries move,
 * the application sees some of each; the README says to stop it first. An entry the application creates meanwhile at
 * a name the restore brings back is kept in the aside folder ({@code <name>.created-during-restore}), never
 * overwritten. Archivist's own entries ({@link #OWN_ENTRIES}) are never moved.
 */
public final class InPlaceSwap {
    /**
     * The entries a restore keeps at the top of the storage folder itself, by name prefix, with what they are: never
     * moved here, and skipped by storage backups.
     */
    public static final Map<String, String> OWN_ENTRIES = Map.of(
            RestoreFiles.IN_PLACE_ASIDE_PREFIX, "the storage folder's content before a restore, kept until a newer"
                    + " storage backup exists",
            RestoreFiles.PREFIX, "a restore's staging folder or journal",
            Durable.TEMP_PREFIX + RestoreFiles.PREFIX, "a restore's temporary file");
    private static final String LOST_AND_FOUND = "lost+found";
    private static final String OUT = "out";
    private static final String IN = "in";

    private InPlaceSwap() {
    }

    /** Whether {@code name}, at the top of a storage folder, is one of Archivist's own entries. */
    private static boolean isOwn(String name) {
        return OWN_ENTRIES.keySet().stream().anyMatch(name::startsWith);
    }

    /**
     * Moves the entries of {@code live} into {@code aside} (made here; it must not exist) and those of {@code staging}
     * (inside {@code live}) into {@code live}; {@code staging} is removed. Returns {@code aside}.
     */
    public static Path swap(Path live, Path staging, Path aside, String backupId) throws IOException {
        try (HeldFolder l = HeldFolder.holdExisting(live); HeldFolder s = l.child(childName(live, staging), false);
             HeldFolder a = makeChild(l, childName(live, aside))) {
            Path journal = RestoreFiles.inPlaceJournal(l.path());
            writeJournal(journal, l, s, a, backupId, OUT);
            List<String> movedOut = new ArrayList<>();
            try {
                for (String name : ownerEntries(l.path())) {
                    Files.move(l.path().resolve(name), a.path().resolve(name), StandardCopyOption.ATOMIC_MOVE);
                    movedOut.add(name);
                }
                syncFolders(l.path(), a.path());
                writeJournal(journal, l, s, a, backupId, IN);
            } catch (IOException | RuntimeException e) {
                try {
                    moveBack(a.path(), l.path(), movedOut);
                    deleteIfEmpty(l, a);
                    Files.deleteIfExists(journal);
                    syncFolders(l.path());
                } catch (IOException | RuntimeException u) {
                    e.addSuppressed(u); // the journal stays: the next run moves the rest back
                }
                throw new IOException("moving the entries of " + live + " aside failed, moved back: " + e.getMessage(), e);
            }
            moveInAndEnd(l, s, a, movedOut, journal);
            return a.name();
        }
    }

    /**
     * Makes the owner-only folder {@code name} in {@code parent} and holds it (see {@link HeldFolder}): the folder
     * the earlier entries go into, or what clashed.
     */
    private static HeldFolder makeChild(HeldFolder parent, String name) throws IOException {
        Durable.createOwnerOnlyDirectory(parent.path().resolve(name));
        return parent.child(name, true);
    }

    /**
     * The name of {@code child}, a folder a switch of {@code folder} moves entries into or out of: it must be in
     * {@code folder} itself, its name one of Archivist's own.
     */
    private static String childName(Path folder, Path child) throws IOException {
        String name = ownChildName(folder, child);
        if (name == null) {
            throw new IOException(child + " is not a folder of Archivist's inside " + folder);
        }
        return name;
    }

    /** {@code child}'s name when it is in {@code folder} itself and one of Archivist's own names there; else null. */
    private static String ownChildName(Path folder, Path child) {
        Path name = child.getFileName();
        return name != null && folder.equals(child.getParent()) && RestoreFiles.isOwnInPlaceName(name.toString())
                ? name.toString() : null;
    }

    /**
     * The phase {@code in} of a swap or a fill: moves the staged entries into {@code live}, then removes the staging
     * folder and the journal. A failure moves them back, and the {@code movedOut} entries back from {@code aside}.
     */
    private static void moveInAndEnd(HeldFolder live, HeldFolder staging, HeldFolder aside, List<String> movedOut,
                                     Path journal) throws IOException {
        List<String> movedIn = new ArrayList<>();
        try {
            moveIn(staging.path(), live.path(), aside.path(), movedIn);
        } catch (IOException | RuntimeException e) {
            try {
                moveBack(live.path(), staging.path(), movedIn);
                moveBack(aside.path(), live.path(), movedOut);
                deleteIfEmpty(live, aside); // one holding what clashed stays
                Files.deleteIfExists(journal);
                syncFolders(live.path(), staging.path());
            } catch (IOException | RuntimeException u) {
                e.addSuppressed(u); // the journal stays (phase in): the next run completes the restore
            }
            throw new IOException("moving the restored entries into " + live.name() + " failed, rolled back: "
                    + e.getMessage(), e);
        }
        Files.delete(live.path().resolve(staging.name().getFileName()));
        syncFoldersAfterSwitch(live.path(), aside.path());
        Files.deleteIfExists(journal);
        syncFoldersAfterSwitch(live.path());
    }

    /**
     * The entries that make {@code folder} not empty as a restore target: all but a {@code lost+found} folder (a
     * freshly made ext2/3/4 volume has one; it stays where it is).
     */
    public static List<String> entriesOfTarget(Path folder) throws IOException {
        List<String> found = new ArrayList<>();
        for (String name : names(folder)) {
            if (!(name.equals(LOST_AND_FOUND) && isEmptyFolder(folder.resolve(name)))) {
                found.add(name);
            }
        }
        return found;
    }

    private static boolean isEmptyFolder(Path p) throws IOException {
        return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && names(p).isEmpty();
    }

    /**
     * Fills {@code target}, an empty folder a restore goes into ({@code --target}), with the entries of {@code staging}
     * (inside it), under the journal of {@link #swap} in its phase {@code in}, so that {@link #recover} completes a fill
     * a crash cut short. Anything else that appeared in the target meanwhile refuses the fill, nothing moved. An entry
     * made at a restored name while the entries move in is kept in {@code aside}, a folder of ordinary name (it is not
     * Archivist's to hide from backups). Returns {@code aside} when it holds something, else null.
     */
    public static Path fill(Path target, Path staging, Path aside, String backupId) throws IOException {
        try (HeldFolder t = HeldFolder.holdExisting(target); HeldFolder s = t.child(childName(target, staging), false)) {
            List<String> appeared = new ArrayList<>(entriesOfTarget(t.path()));
            appeared.remove(staging.getFileName().toString());
            if (!appeared.isEmpty()) {
                throw new IOException(target + " is no longer empty: " + String.join(", ", appeared.subList(0,
                        Math.min(5, appeared.size()))) + (appeared.size() > 5 ? ", …" : "") + " appeared while the"
                        + " backup was restored; nothing was moved in");
            }
            if (isEmptyFolder(t.path().resolve(LOST_AND_FOUND)) && isEmptyFolder(s.path().resolve(LOST_AND_FOUND))) {
                Files.delete(s.path().resolve(LOST_AND_FOUND)); // the volume's own stays (mkfs made it for fsck)
            }
            try (HeldFolder a = makeChild(t, childName(target, aside))) {
                // theirs to read and remove
                Ownership.takeOverAttributes(t.itself(), a.itself(), "the folder of clashing entries");
                Path journal = RestoreFiles.inPlaceJournal(t.path());
                try {
                    writeJournal(journal, t, s, a, backupId, IN);
                } catch (IOException | RuntimeException e) {
                    deleteIfEmpty(t, a);
                    throw e;
                }
                moveInAndEnd(t, s, a, List.of(), journal);
                return deleteIfEmpty(t, a) ? null : a.name();
            }
        }
    }

    /**
     * Completes a {@link #fill} of {@code backupId} a crash cut short, when the journal in {@code target} is that
     * fill's; returns whether it was (a journal of another restore is left alone).
     */
    static boolean recoverFill(Path target, String backupId, List<String> done) throws IOException {
        JsonNode j = StorageSwap.readJournal(RestoreFiles.inPlaceJournal(target));
        if (j == null || !backupId.equals(j.path("backup_id").asText()) || !IN.equals(j.path("phase").asText())) {
            return false;
        }
        recover(target, done);
        return true;
    }

    /**
     * Settles an in-place swap a crash interrupted (see the class comment); notes what was done in {@code done}. The
     * journal is in a folder other users may write (the application's volume): one that names folders elsewhere, or
     * not of Archivist's names, is not one a switch wrote, and is left alone, named in {@code done}; the folders it
     * names are held, never reached through a link at their names.
     */
    static void recover(Path live, List<String> done) throws IOException {
        Path journal = RestoreFiles.inPlaceJournal(live);
        JsonNode j = StorageSwap.readJournal(journal);
        if (j == null) {
            return;
        }
        List<String> own = ownFolders(j, live);
        if (own == null) {
            done.add(StorageSwap.foreignJournal(journal, live, j.path("staging").asText(), j.path("aside").asText()));
            return;
        }
        String stagingName = own.get(0);
        String asideName = own.get(1);
        Path aside = live.resolve(asideName);
        try (HeldFolder l = HeldFolder.holdExisting(live)) {
            boolean in = IN.equals(j.path("phase").asText()) && isFolder(l.path().resolve(stagingName));
            if (in && !isFolder(l.path().resolve(asideName))) { // a switch makes it before its journal: not one's
                done.add(StorageSwap.foreignJournal(journal, live, j.path("staging").asText(), aside + " (missing)"));
                return;
            }
            if (in) {
                try (HeldFolder s = l.child(stagingName, false); HeldFolder a = l.child(asideName, false)) {
                    moveIn(s.path(), l.path(), a.path(), new ArrayList<>());
                }
                Files.delete(l.path().resolve(stagingName));
                done.add("completed an interrupted restore of " + live + " (every earlier entry was aside in " + aside
                        + ", the checked restored ones are now in place)");
            } else if (OUT.equals(j.path("phase").asText()) && isFolder(l.path().resolve(asideName))) {
                try (HeldFolder a = l.child(asideName, false)) {
                    moveBack(a.path(), l.path(), names(a.path()));
                    if (deleteIfEmpty(l, a)) {
                        done.add("rolled back an interrupted restore of " + live + " (its entries moved back from "
                                + aside + ")");
                    } else {
                        // the application made entries at some of the names meanwhile: theirs stay; the earlier ones
                        // are kept under another name, so that nothing takes this folder for one a finished switch left
                        Path kept = RestoreFiles.unused(l.path().resolve(asideName + "-not-moved-back"));
                        Files.move(l.path().resolve(asideName), kept, StandardCopyOption.ATOMIC_MOVE);
                        done.add("rolled back an interrupted restore of " + live + " (its entries moved back from "
                                + aside + "; those whose names the application had taken again meanwhile are kept in "
                                + live.resolve(kept.getFileName()) + ")");
                    }
                }
            }
            syncFoldersAfterSwitch(l.path());
            Files.deleteIfExists(RestoreFiles.inPlaceJournal(l.path()));
            syncFoldersAfterSwitch(l.path());
        }
    }

    /**
     * The names of the staging and aside folders the journal {@code j} of a switch of {@code live} names, or null
     * when it names others than folders of Archivist's names inside it: not a journal a switch wrote.
     */
    static List<String> ownFolders(JsonNode j, Path live) {
        Path written;
        try {
            written = j.hasNonNull("live") ? Path.of(j.path("live").asText()) : live; // the folder may have moved since
        } catch (java.nio.file.InvalidPathException e) {
            return null;
        }
        String stagingName = ownChildName(written, Path.of(j.path("staging").asText()));
        String asideName = ownChildName(written, Path.of(j.path("aside").asText()));
        return stagingName == null || asideName == null ? null : List.of(stagingName, asideName);
    }

    private static boolean isFolder(Path p) {
        return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
    }

    /** Moves every entry of {@code staging} into {@code live}; one the application made meanwhile goes aside, kept. */
    private static void moveIn(Path staging, Path live, Path aside, List<String> moved) throws IOException {
        for (String name : names(staging)) {
            Path there = live.resolve(name);
            if (Files.exists(there, LinkOption.NOFOLLOW_LINKS)) {
                Files.move(there, RestoreFiles.unused(aside.resolve(name + ".created-during-restore")), StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(staging.resolve(name), there, StandardCopyOption.ATOMIC_MOVE);
            moved.add(name);
        }
        syncFolders(live, staging, aside);
    }

    /** Moves {@code names} from {@code from} back to {@code to}, in reverse order, skipping those not there. */
    private static void moveBack(Path from, Path to, List<String> names) throws IOException {
        for (int i = names.size() - 1; i >= 0; i--) {
            Path p = from.resolve(names.get(i));
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.exists(to.resolve(names.get(i)), LinkOption.NOFOLLOW_LINKS)) {
                Files.move(p, to.resolve(names.get(i)), StandardCopyOption.ATOMIC_MOVE);
            }
        }
    }

    /** The entries of the storage folder that belong to its owner (all but Archivist's own). */
    private static List<String> ownerEntries(Path live) throws IOException {
        List<String> names = new ArrayList<>();
        for (String name : names(live)) {
            if (!isOwn(name)) {
                names.add(name);
            }
        }
        return names;
    }

    private static List<String> names(Path folder) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            entries.forEach(p -> names.add(p.getFileName().toString()));
        }
        names.sort(null);
        return names;
    }

    /** Deletes an empty folder; one still holding something is kept (an entry that could not go back). */
    public static boolean deleteIfEmpty(Path folder) throws IOException {
        if (!names(folder).isEmpty()) {
            return false;
        }
        Files.delete(folder);
        return true;
    }

    /** {@link #deleteIfEmpty(Path)} for {@code folder}, held in the held {@code parent}. */
    private static boolean deleteIfEmpty(HeldFolder parent, HeldFolder folder) throws IOException {
        if (!names(folder.path()).isEmpty()) {
            return false;
        }
        Files.delete(parent.path().resolve(folder.name().getFileName()));
        return true;
    }

    /** Writes the journal {@link #recover} reads: the folders' names, not the paths they are held through. */
    private static void writeJournal(Path journal, HeldFolder live, HeldFolder staging, HeldFolder aside,
                                     String backupId, String phase) throws IOException {
        ObjectNode j = Json.MAPPER.createObjectNode().put("mode", "in-place").put("live", live.name().toString())
                .put("staging", staging.name().toString()).put("aside", aside.name().toString())
                .put("backup_id", backupId).put("phase", phase);
        Durable.writeAtomically(journal, Json.MAPPER.writeValueAsBytes(j));
    }

    private static void syncFolders(Path... folders) throws IOException {
        for (Path f : folders) {
            if (Files.isDirectory(f)) {
                Durable.fsyncDirectory(f);
            }
        }
    }

    /** As {@link #syncFolders}, once the switch is done: a failed flush is logged, not thrown (see Durable). */
    private static void syncFoldersAfterSwitch(Path... folders) {
        for (Path f : folders) {
            if (Files.isDirectory(f)) {
                Durable.fsyncDirectoryAfterSwitch(f);
            }
        }
    }
}
