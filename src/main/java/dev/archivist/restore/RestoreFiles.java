package dev.archivist.restore;

import dev.archivist.catalog.Durable;
import dev.archivist.catalog.FileNames;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Names of the files and folders a restore creates beside its destination, and the removal of what an interrupted
 * restore left there. All start with {@link #PREFIX} so they are recognisable and never mistaken for user data.
 */
public final class RestoreFiles {
    /** Prefix of staging folders, temporary database files and swap journals. */
    public static final String PREFIX = ".archivist-restore-";
    /** Prefix of the folder an in-place restore ({@link InPlaceSwap}) keeps the earlier entries in. */
    public static final String IN_PLACE_ASIDE_PREFIX = ".archivist-before-restore-";
    /** The start of {@link #targetAside}'s name. */
    public static final String TARGET_ASIDE_PREFIX = "archivist-created-during-restore-";

    private RestoreFiles() {
    }

    /**
     * The folder a live storage restore replaces: {@code STORAGE_PATH}, or, when that is a symlink to a folder (the
     * storage on a data volume, say), the folder the link leads to. The backup reads that folder through the link, so
     * the restore swaps that folder and leaves the link as it is: swapping the link itself put a new folder where the
     * link was (on another file system, perhaps) and left the real folder with the old data.
     */
    public static Path liveStorageFolder(Path storage) {
        Path abs = storage.toAbsolutePath().normalize();
        if (Files.isSymbolicLink(abs) && Files.isDirectory(abs)) {
            try {
                return abs.toRealPath();
            } catch (IOException e) {
                return abs;
            }
        }
        return abs;
    }

    /**
     * The file a live database restore replaces: the configured path, or, when that is a symlink (the database on a
     * data volume, say), the file the link leads to, even when that file is gone. SQLite itself opens the file behind
     * the link (and keeps its -wal beside it), so that is where the restored database belongs: renaming the restored
     * file over the link replaced the link with a file and left the real location without a database.
     */
    public static Path liveDatabaseFile(Path database) {
        Path p = database.toAbsolutePath().normalize();
        for (int hops = 0; hops < 40 && Files.isSymbolicLink(p); hops++) {
            try {
                Path parent = p.getParent();
                p = (parent == null ? Files.readSymbolicLink(p) : parent.resolve(Files.readSymbolicLink(p))).normalize();
            } catch (IOException e) {
                return p;
            }
        }
        return p;
    }

    /** The bytes a name made by {@link #besidePrefix} keeps for what follows it: the longest id and ".tmp". */
    private static final int BESIDE_ID_ROOM = "storage_backup_20261128T010203.456Z.tmp".length();

    /** How the staging folders and copies a restore of {@code destination} makes beside it begin. */
    private static String besidePrefix(Path destination) {
        // a destination whose name is near 255 bytes is shortened here, leaving room for the id and ".tmp"
        return PREFIX + FileNames.shorten(destination.getFileName().toString(), FileNames.NAME_MAX
                - FileNames.bytes(PREFIX) - 1 - BESIDE_ID_ROOM) + "-";
    }

    /** How the staging folders an in-place restore makes inside the storage folder begin. */
    private static final String IN_PLACE_STAGING_PREFIX = PREFIX + "staging-";

    /** Staging folder beside {@code destination}. */
    public static Path staging(Path destination, String backupId) {
        return destination.resolveSibling(besidePrefix(destination) + backupId);
    }

    /**
     * Creates a staging folder that only its owner may enter until {@link #openAgain}: a restore run as root gives
     * folders inside it to their archived owners, and such an owner could otherwise reach them and swap one for a
     * symlink to a folder of root's before the restore's last changes by path (a folder's mode set at the end).
     * Returns the mode a folder gets by default here (this process's umask), which {@link #openAgain} gives it, or
     * null where the file system has no POSIX modes.
     */
    public static Set<PosixFilePermission> createClosed(Path staging) throws IOException {
        if (Files.getFileAttributeView(staging.getParent(), PosixFileAttributeView.class) == null) {
            Files.createDirectory(staging);
            return null;
        }
        Durable.createOwnerOnlyDirectory(staging);
        return Durable.mkdirMode();
    }

    /**
     * Gives a staging folder {@code mode} (what {@link #createClosed} returned, or the mode of the live folder it is
     * to replace), once nothing inside it is changed by path; never through a symlink put in its place.
     */
    public static void openAgain(Path staging, Set<PosixFilePermission> mode) throws IOException {
        if (mode != null) {
            Files.getFileAttributeView(staging, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setPermissions(mode);
        }
    }

    /**
     * When this process runs as root and another user may rename what {@code staging}'s folder holds (it owns that
     * folder, or may write it and no sticky bit stops it), a warning that the restore trusts that user for
     * {@code what} it does there by name, as GNU tar does; null otherwise. Restored as that user, or into a new folder
     * in one only root may write and moved from there, nothing is trusted.
     */
    public static String trustWarning(Path staging, String what) {
        try {
            Path parent = staging.getParent();
            if (Files.getFileAttributeView(parent, PosixFileAttributeView.class) == null
                    || ((Integer) Files.getAttribute(staging, "unix:uid", LinkOption.NOFOLLOW_LINKS)) != 0) {
                return null;
            }
            int owner = (Integer) Files.getAttribute(parent, "unix:uid");
            int mode = (Integer) Files.getAttribute(parent, "unix:mode");
            boolean othersMayRename = (mode & 022) != 0 && (mode & 01000) == 0;
            if (owner == 0 && !othersMayRename) {
                return null;
            }
            return "restoring as root in " + parent + ", which " + (owner != 0 ? "uid " + Integer.toUnsignedLong(owner)
                    + " owns" : "other users may write") + ": the restore trusts " + (owner != 0 ? "that user" : "them")
                    + " (" + what + "); to trust no one, restore as " + (owner != 0 ? "that user" : "the folder's owner")
                    + ", or into a --target in a folder only root may write, and move it from there";
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Staging folder inside a live storage folder restored in place ({@link InPlaceSwap}). */
    public static Path inPlaceStaging(Path live, String backupId) {
        return live.resolve(IN_PLACE_STAGING_PREFIX + backupId);
    }

    /**
     * Whether {@code name} is one Archivist gives the folders an in-place switch moves entries between (staging,
     * earlier entries, what clashed): a journal naming another is not one a switch wrote.
     */
    static boolean isOwnInPlaceName(String name) {
        return name.startsWith(PREFIX) || name.startsWith(IN_PLACE_ASIDE_PREFIX) || name.startsWith(TARGET_ASIDE_PREFIX);
    }

    /** The journal of an in-place swap, inside the storage folder. */
    public static Path inPlaceJournal(Path live) {
        return live.resolve(PREFIX + "journal.json");
    }

    /** Where an in-place restore keeps the earlier entries, inside the storage folder: a name not taken yet. */
    public static Path inPlaceAside(Path live, String backupId) {
        return unused(live.resolve(IN_PLACE_ASIDE_PREFIX + backupId));
    }

    /**
     * Where a restore into an empty {@code --target} keeps what was made at a restored name while the entries moved in:
     * a name not taken yet, and not one of Archivist's own (backups of the folder keep it).
     */
    public static Path targetAside(Path target, String backupId) {
        return unused(target.resolve(TARGET_ASIDE_PREFIX + backupId));
    }

    /** Where a restore into the live database decompresses and checks the backup: in the catalog's state folder. */
    public static Path scratchDatabase(Path stateDir, String backupId) {
        return stateDir.resolve(PREFIX + "database-" + backupId + ".tmp");
    }

    /**
     * Removes what restores into the live database left in the catalog's state folder ({@link #scratchDatabase}):
     * under the lock, none is in use.
     */
    public static List<String> cleanScratchDatabases(Path stateDir) throws IOException {
        List<String> done = new ArrayList<>();
        if (Files.isDirectory(stateDir)) {
            removeStartingWith(stateDir, done, PREFIX + "database-");
        }
        return done;
    }

    /** Temporary database file beside {@code destination}. */
    public static Path tempDatabase(Path destination, String backupId) {
        return destination.resolveSibling(besidePrefix(destination) + backupId + ".tmp");
    }

    /** The swap journal of a storage folder. */
    public static Path journal(Path storage) {
        return storage.resolveSibling(PREFIX + storage.getFileName() + ".journal.json");
    }

    /**
     * Whether {@code staging} and {@code aside} are where a swap of {@code live} puts its staging folder and the earlier
     * folder ({@link #staging}, {@link #aside}): beside it, of its names. A swap journal naming others is not one a
     * swap wrote.
     */
    static boolean areSwapFoldersOf(Path live, Path staging, Path aside) {
        Path l = live.toAbsolutePath().normalize();
        Path s = staging.toAbsolutePath().normalize();
        Path a = aside.toAbsolutePath().normalize();
        return l.getParent() != null && l.getParent().equals(s.getParent()) && l.getParent().equals(a.getParent())
                && s.getFileName().toString().startsWith(besidePrefix(l))
                && a.getFileName().toString().startsWith(l.getFileName() + ".before-restore-");
    }

    /** Where the live storage folder is moved aside to: a name not taken yet. */
    public static Path aside(Path storage, String backupId) {
        return unused(storage.resolveSibling(storage.getFileName() + ".before-restore-" + backupId));
    }

    /**
     * Where a folder found at the live storage name after a crash cut a swap between its renames is kept (something,
     * the application say, created it meanwhile): a name not taken yet.
     */
    public static Path createdDuringRestore(Path storage, String backupId) {
        return unused(storage.resolveSibling(storage.getFileName() + ".created-during-restore-" + backupId));
    }

    /**
     * Where a damaged live database is copied before a restore replaces it (a safety backup cannot be taken of a
     * database that fails its check): a name not taken yet.
     */
    public static Path damagedDatabaseCopy(Path database, String backupId) {
        return unused(database.resolveSibling(database.getFileName() + ".damaged-before-restore-" + backupId));
    }

    /**
     * The name under which the -wal or -journal of a live database that is gone is kept (the suffix is appended), so
     * that SQLite does not replay it into the restored database: a name whose -wal and -journal are not taken yet.
     */
    public static Path orphanedJournalCopy(Path database, String backupId) {
        Path first = database.resolveSibling(database.getFileName() + ".orphaned-before-restore-" + backupId);
        Path candidate = first;
        for (int n = 2; Files.exists(candidate.resolveSibling(candidate.getFileName() + "-wal"), java.nio.file.LinkOption.NOFOLLOW_LINKS)
                || Files.exists(candidate.resolveSibling(candidate.getFileName() + "-journal"), java.nio.file.LinkOption.NOFOLLOW_LINKS); n++) {
            candidate = first.resolveSibling(first.getFileName() + "-" + n);
        }
        return candidate;
    }

    /** {@code first}, or {@code first-2}, {@code first-3}, … : the first name not taken yet. */
    static Path unused(Path first) {
        Path candidate = first;
        for (int n = 2; java.nio.file.Files.exists(candidate, java.nio.file.LinkOption.NOFOLLOW_LINKS); n++) {
            // the same backup restored again: keep every earlier safety copy, never fail on the name
            candidate = first.resolveSibling(first.getFileName() + "-" + n);
        }
        return candidate;
    }

    /**
     * Finishes or rolls back an interrupted storage swap (see {@link StorageSwap}) and removes staging folders and
     * temporary files beside {@code destination}.
     *
     * @return what was done, for the log
     */
    public static List<String> cleanLeftovers(Path destination) throws IOException {
        List<String> done = new ArrayList<>();
        Path parent = destination.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            return done;
        }
        StorageSwap.recover(destination, done);
        // staging folders, and the temporary file of a swap journal whose writing was cut short (it holds only that
        // journal's content)
        removeStartingWith(parent, done, besidePrefix(destination),
                Durable.TEMP_PREFIX + journal(destination).getFileName() + ".");
        return done;
    }

    /**
     * What {@link #cleanLeftovers} and {@link #cleanInPlaceLeftovers} would remove beside and inside
     * {@code destination}: staging folders and copies of interrupted restores. Read only, for commands without the
     * lock; a folder that cannot be read shows none.
     */
    public static List<Path> leftovers(Path destination) {
        List<Path> found = new ArrayList<>();
        addStartingWith(destination.toAbsolutePath().getParent(), besidePrefix(destination), found);
        addStartingWith(destination, IN_PLACE_STAGING_PREFIX, found);
        return found;
    }

    private static void addStartingWith(Path folder, String prefix, List<Path> found) {
        if (folder == null || !Files.isDirectory(folder, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (DirectoryStream<Path> matches = namesStartingWith(folder, prefix)) {
            matches.forEach(found::add);
        } catch (IOException | java.nio.file.DirectoryIteratorException e) {
            // not readable here: the command that takes the lock reports it if it needs the folder
        }
    }

    /**
     * Settles an in-place swap a crash interrupted inside the live storage folder ({@link InPlaceSwap#recover}), then
     * removes staging folders and journal temporary files an interrupted in-place restore left there.
     *
     * @return what was done, for the log
     */
    public static List<String> cleanInPlaceLeftovers(Path live) throws IOException {
        List<String> done = new ArrayList<>();
        if (!Files.isDirectory(live)) {
            return done;
        }
        InPlaceSwap.recover(live, done);
        removeStartingWith(live, done, IN_PLACE_STAGING_PREFIX,
                Durable.TEMP_PREFIX + inPlaceJournal(live).getFileName() + ".");
        return done;
    }

    /**
     * Settles what a restore of {@code backupId} filling the empty folder {@code target} left there: a fill its journal
     * shows cut short is completed ({@link InPlaceSwap#recover}); then its staging folder, the temporary file of its
     * journal and its empty {@link #targetAside} folders are removed. Entries of other names are never touched: the
     * folder may be someone else's by now.
     *
     * @return what was done, for the log
     */
    public static List<String> cleanTargetFill(Path target, String backupId) throws IOException {
        List<String> done = new ArrayList<>();
        boolean ours = InPlaceSwap.recoverFill(target, backupId, done);
        Path staging = inPlaceStaging(target, backupId);
        if (Files.exists(staging, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            ours = true;
            Durable.deleteTree(staging);
            done.add("removed leftover " + staging);
        }
        if (ours) { // the journal's temporary file has no id in its name: removed only when this run was there
            removeStartingWith(target, done, Durable.TEMP_PREFIX + inPlaceJournal(target).getFileName() + ".");
        }
        List<Path> asides = new ArrayList<>();
        try (DirectoryStream<Path> found = namesStartingWith(target, TARGET_ASIDE_PREFIX + backupId)) {
            found.forEach(asides::add);
        }
        for (Path aside : asides) {
            if (Files.isDirectory(aside, java.nio.file.LinkOption.NOFOLLOW_LINKS) && InPlaceSwap.deleteIfEmpty(aside)) {
                done.add("removed the empty " + aside + " an interrupted restore left");
            }
        }
        return done;
    }

    /**
     * The entries of {@code parent} whose name starts with {@code prefix}, compared as a plain string: the names come
     * from the operator's paths, and a glob built from them failed on a '{' ("Missing '}'") or missed a '[1]'.
     */
    public static DirectoryStream<Path> namesStartingWith(Path parent, String prefix) throws IOException {
        return Files.newDirectoryStream(parent, p -> p.getFileName().toString().startsWith(prefix));
    }

    /**
     * Removes every entry of {@code parent} whose name starts with one of {@code prefixes}, in one listing. One that
     * cannot be removed is named in {@code done} and left for the next command: the folder may be another user's, who
     * could otherwise make every command fail (by swapping a leftover for a link and back while it is removed).
     */
    private static void removeStartingWith(Path parent, List<String> done, String... prefixes) throws IOException {
        try (DirectoryStream<Path> matches = Files.newDirectoryStream(parent,
                p -> java.util.Arrays.stream(prefixes).anyMatch(p.getFileName().toString()::startsWith))) {
            for (Path p : matches) {
                try {
                    Durable.deleteTree(p);
                    done.add("removed leftover " + p);
                } catch (IOException e) {
                    done.add("could not remove leftover " + p + " (the next command tries again): "
                            + dev.archivist.ArchivistException.reason(e));
                }
            }
        }
    }
}
