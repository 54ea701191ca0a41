package dev.archivist;

import dev.archivist.catalog.Catalog;
import dev.archivist.config.Settings;
import dev.archivist.restore.InPlaceSwap;
import dev.archivist.source.DirectoryWalker;
import dev.archivist.source.ReservedEntries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Paths inside the storage folder that are not the application's files: Archivist's backup folder
 * ({@code BACKUP_DIR}, also where it is bind-mounted under another name) and the live database with its -wal, -shm
 * and -journal files ({@code DATABASE_URL}), where the configuration puts them inside {@code STORAGE_PATH}, and what a
 * restore in place keeps at the top of the storage folder ({@link InPlaceSwap}). Storage backups skip them and record
 * why: each backup would otherwise archive every earlier backup (and its own growing part), and copy the database
 * torn while the application writes it (database backups take it consistently). A restore into the live storage folder refuses to run
 * while they are there, because its swap would move them aside with the old tree.
 */
final class ReservedPaths {
    private static final String BACKUP_DIR_REASON = "Archivist's backup folder (BACKUP_DIR)";

    private final ReservedEntries entries;
    private final List<String> owners;

    private ReservedPaths(ReservedEntries entries, List<String> owners) {
        this.entries = entries;
        this.owners = owners;
    }

    /** Finds what of {@code settings}' backup folder and database lies inside its storage folder. */
    static ReservedPaths of(Settings settings) {
        Path storage = real(settings.storagePath());
        Map<String, String> reasons = new LinkedHashMap<>();
        List<String> owners = new ArrayList<>();
        Path backups = real(settings.backupDir());
        if (backups.startsWith(storage)) {
            String reason = BACKUP_DIR_REASON;
            if (backups.equals(storage)) { // the catalog's own folders sit among the application's files
                for (BackupType t : BackupType.values()) {
                    reasons.put(t.folder(), reason);
                }
                reasons.put(Catalog.STATE_DIR, reason);
            } else {
                reasons.put(relative(storage, backups), reason);
            }
            owners.add("BACKUP_DIR " + settings.backupDir());
        }
        Path database = real(settings.databasePath());
        if (database.startsWith(storage) && !database.equals(storage)) {
            String name = relative(storage, database);
            String reason = "the live database (DATABASE_URL), taken consistently by database backups";
            for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
                reasons.put(name + suffix, reason);
            }
            owners.add("the database " + settings.databasePath());
        }
        return new ReservedPaths(new ReservedEntries(reasons, backupFolderKey(backups), InPlaceSwap.OWN_ENTRIES),
                List.copyOf(owners));
    }

    /**
     * The backup folder by identity (device and inode), for the walk to skip it wherever it shows up in the storage
     * folder: bind-mounted there (a container with the backup volume mounted twice), its path is not under
     * {@code STORAGE_PATH}, and every backup would hold every earlier one.
     */
    private static Map<Object, String> backupFolderKey(Path backups) {
        try {
            Object key = Files.readAttributes(backups, BasicFileAttributes.class).fileKey();
            return key == null ? Map.of() : Map.of(key, BACKUP_DIR_REASON);
        } catch (IOException e) {
            return Map.of(); // not made yet: then it is not in the storage folder either
        }
    }

    /** Everything a storage backup's walk ({@link DirectoryWalker}) skips by design, with the reasons. */
    ReservedEntries entries() {
        return entries;
    }

    /** Every reason an entry is skipped by design (not data left out). */
    java.util.Set<String> allReasons() {
        java.util.Set<String> all = new java.util.HashSet<>(entries.paths().values());
        all.addAll(entries.folders().values());
        all.addAll(entries.topLevelPrefixes().values());
        return all;
    }

    /**
     * What start-up ({@code config}, {@code run}) says when the backup folder or the database lies inside the storage
     * folder: allowed, but a restore in place will be refused; empty when neither does.
     */
    java.util.Optional<String> layoutNote(Path storage) {
        if (owners.isEmpty()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(String.join(" and ", owners) + (owners.size() > 1 ? " lie" : " lies")
                + " inside STORAGE_PATH " + storage + ": storage backups skip " + (owners.size() > 1 ? "them" : "it")
                + ", but a restore into the live storage folder will be refused (restore with --target, or keep"
                + " BACKUP_DIR and the database outside the storage folder)");
    }

    /**
     * Fails when a restore would swap the live storage folder with these inside it; names them and the way out.
     */
    void refuseLiveSwap(Path storage) {
        if (!owners.isEmpty()) {
            throw new ArchivistException("restore into the live storage folder refused: " + String.join(" and ", owners)
                    + (owners.size() > 1 ? " lie" : " lies") + " inside STORAGE_PATH " + storage
                    + ", and the swap would move " + (owners.size() > 1 ? "them" : "it")
                    + " aside with the old tree. Restore with --target into a new folder and move the files into place,"
                    + " or keep BACKUP_DIR and the database outside the storage folder");
        }
    }

    /**
     * Fails when a restore {@code --target} lies in {@code BACKUP_DIR} (links resolved, and through a bind mount of it,
     * found by device and inode): Archivist sweeps its folders of what no backup owns, and its state folder is its
     * own, so restored files there would be taken for leftovers.
     */
    static void refuseTargetInBackupDir(Settings settings, Path target) {
        Path backups = real(settings.backupDir());
        if (real(target).startsWith(backups) || underFolder(real(target), backupFolderKey(backups).keySet())) {
            throw new ArchivistException("restore target " + target + " lies inside BACKUP_DIR " + settings.backupDir()
                    + ", whose folders Archivist sweeps of files no backup owns; choose a place outside it");
        }
    }

    /** Whether a folder above {@code p} (or {@code p}) has one of {@code keys}: the backup folder bind-mounted elsewhere. */
    private static boolean underFolder(Path p, java.util.Set<Object> keys) {
        for (Path cur = p; cur != null && !keys.isEmpty(); cur = cur.getParent()) {
            try {
                if (keys.contains(Files.readAttributes(cur, BasicFileAttributes.class).fileKey())) {
                    return true;
                }
            } catch (IOException e) {
                // not there (yet): its parent decides
            }
        }
        return false;
    }

    private static String relative(Path root, Path inside) {
        return root.relativize(inside).toString().replace(inside.getFileSystem().getSeparator(), "/");
    }

    /** The real path where it exists (links resolved), else its nearest existing ancestor's real path plus the rest. */
    private static Path real(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path rest = abs.getFileSystem().getPath("");
        for (Path cur = abs; cur != null; cur = cur.getParent()) {
            try {
                return cur.toRealPath().resolve(rest);
            } catch (IOException e) {
                rest = cur.getFileName().resolve(rest);
            }
        }
        return abs;
    }
}
