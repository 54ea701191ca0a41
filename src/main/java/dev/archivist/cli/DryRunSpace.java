package dev.archivist.cli;

import dev.archivist.BackupService;
import dev.archivist.BackupType;
import dev.archivist.catalog.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A dry run's forecast of room in {@code BACKUP_DIR}: the backup needs about what the last backup of each part it
 * takes stored, and a database part also its snapshot copy (the database and its {@code -wal}), which lies beside the
 * compressed file until the backup ends. When the disk has less free, the warning says so: a real backup would fail
 * for want of space. No forecast without a figure to go by (a first storage backup) or a disk to ask.
 */
final class DryRunSpace {
    private DryRunSpace() {
    }

    /** The warning for a {@code type} backup whose database snapshot takes {@code snapshotBytes} (0: none), if short. */
    static Optional<String> shortage(BackupService service, BackupType type, long snapshotBytes) {
        Path dir = service.settings().backupDir().toAbsolutePath();
        Path existing = dir;
        while (existing != null && !Files.isDirectory(existing)) { // a first backup makes the folder
            existing = existing.getParent();
        }
        long free;
        try {
            free = existing == null ? -1 : Files.getFileStore(existing).getUsableSpace();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        List<String> basis = new ArrayList<>();
        if (snapshotBytes > 0) {
            basis.add("the database's snapshot copy up to " + Output.size(snapshotBytes));
        }
        long database = type == BackupType.STORAGE ? 0 : lastStored(service, BackupType.DATABASE, basis);
        long storage = type == BackupType.DATABASE ? 0 : lastStored(service, BackupType.STORAGE, basis);
        // the snapshot is deleted once the database part is stored, before a full backup's storage part is written
        long needed = database + Math.max(snapshotBytes, storage);
        if (free < 0 || needed == 0 || free >= needed) {
            return Optional.empty();
        }
        return Optional.of("BACKUP_DIR " + dir + " has " + Output.size(free) + " free on its disk, where the backup"
                + " needs about " + Output.size(needed) + " at its peak (" + String.join("; ", basis) + "): a real"
                + " backup would fail for want of space");
    }

    /** What the newest backup of {@code type} stores (0 without one), said in {@code basis}. */
    private static long lastStored(BackupService service, BackupType type, List<String> basis) {
        List<Manifest> earlier = service.list(type);
        if (earlier.isEmpty()) {
            return 0;
        }
        Manifest last = earlier.get(0);
        basis.add("the last " + type.wireName() + " backup, " + last.id() + ", took " + Output.size(last.storedBytes()));
        return last.storedBytes();
    }
}
