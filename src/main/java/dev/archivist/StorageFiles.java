package dev.archivist;

import dev.archivist.archive.IndexEntry;
import dev.archivist.archive.IndexReader;
import dev.archivist.archive.Sha256;
import dev.archivist.catalog.Catalog;
import dev.archivist.catalog.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * The files of a storage backup, read from its per-file index (as {@code restic ls} and {@code borg list} read
 * theirs): no archive is decompressed, so listing a 100 GB backup reads a few megabytes. The index is checked against
 * the manifest's SHA-256 before any entry is given out, so a damaged or edited index is reported instead of listed.
 * Memory stays flat: entries are streamed one at a time.
 */
public final class StorageFiles {
    private final Manifest backup;
    private final Path index;
    private final List<String> globs;
    private final List<String> missingParts;
    private final List<String> resizedParts;

    private StorageFiles(Manifest backup, Path index, List<String> globs, List<String> missingParts,
            List<String> resizedParts) {
        this.backup = backup;
        this.index = index;
        this.globs = globs;
        this.missingParts = missingParts;
        this.resizedParts = resizedParts;
    }

    /**
     * The listing of the storage backup {@code ref} names: a storage backup's id, {@code latest} (the newest storage
     * backup that can be restored, {@link Catalog#latestRestorable}), a full backup's id (its storage component) or a
     * manifest path; only the entries {@code globs} select
     * ({@link PathSelection}: a matching folder with everything in it), all when empty.
     *
     * @throws NotFoundException    when there is no such backup, or a full backup's storage component is gone
     * @throws ArchivistException   when it is a database backup, its manifest was edited, or its index is missing or
     *                              damaged
     * @throws IllegalArgumentException when a glob does not parse (a usage error)
     */
    static StorageFiles open(Catalog catalog, String ref, List<String> globs) {
        new PathSelection(globs); // a bad glob is a usage error, told before anything is read
        Manifest m = ref.equals("latest") ? catalog.latestRestorable(BackupType.STORAGE) : catalog.find(ref, null);
        if (m.type() == BackupType.DATABASE) {
            throw new ArchivistException(m.id() + " is a database backup: only storage backups (and full backups,"
                    + " through theirs) have a per-file index");
        }
        if (m.type() == BackupType.FULL) {
            checkUnedited(m); // the storage id it names is to be trusted
            String id = m.componentId(BackupType.STORAGE);
            if (id == null) {
                throw new ArchivistException("full backup " + m.id() + " names no storage backup (damaged manifest)");
            }
            Manifest full = m;
            try {
                m = catalog.find(id, BackupType.STORAGE);
            } catch (NotFoundException e) {
                throw new NotFoundException("full backup " + m.id() + ": its storage backup " + id
                        + " cannot be found (" + ArchivistException.reason(e) + ")");
            }
            // the one the full backup recorded (as verify checks it), not another a re-signed manifest names
            if (!full.recordedComponent(m)) {
                throw new ArchivistException("full backup " + full.id() + ": its storage backup " + id + " has another"
                        + " checksum than the one recorded in the full manifest: archivist verify " + full.id());
            }
        }
        Path index = checkedIndex(catalog, m);
        Catalog.StoredFiles stored = catalog.storedFiles(m); // the index is there: parts only, as "storage/<name>"
        List<String> missing = stored.missing().stream().map(StorageFiles::withoutFolder).toList();
        List<String> resized = stored.resized().stream().map(StorageFiles::withoutFolder).toList();
        StorageFiles files = new StorageFiles(m, index, List.copyOf(globs), missing, resized);
        if (!missing.isEmpty()) {
            files.refuseIfRemoved();
        }
        return files;
    }

    /** Refuses a manifest that does not match its own checksum (as verify does): what it records is not to be trusted. */
    private static void checkUnedited(Manifest m) {
        Manifest.SelfCheck self = m.selfCheck();
        if (self != Manifest.SelfCheck.INTACT) {
            throw new ArchivistException("the manifest of " + m.id() + " was edited after it was written ("
                    + Manifest.SELF_CHECKSUM + (self == Manifest.SelfCheck.MISSING ? " missing" : " mismatch")
                    + "): archivist verify "
                    + m.id() + " checks the rest of the backup");
        }
    }

    private static Path checkedIndex(Catalog catalog, Manifest m) {
        checkUnedited(m); // the index checksum it records is to be trusted
        if (m.indexFile() == null) {
            throw new ArchivistException("storage backup " + m.id() + " names no per-file index (damaged manifest)");
        }
        Path file = catalog.dir(BackupType.STORAGE).resolve(m.indexFile());
        String damage;
        try {
            damage = !Files.isRegularFile(file) ? "is missing"
                    : Sha256.ofFile(file).equals(m.indexChecksum()) ? null
                    : "does not match the SHA-256 in the manifest (damaged or edited)";
        } catch (IOException e) {
            throw new ArchivistException("the index of " + m.id() + ", " + file + ", cannot be read: "
                    + ArchivistException.reason(e), e);
        }
        if (damage != null) {
            refuseIfRemoved(file.getParent(), m);
            throw new ArchivistException("the index of " + m.id() + ", " + file + ", " + damage
                    + ": archivist verify " + m.id() + " checks the rest of the backup");
        }
        return file;
    }

    private static String withoutFolder(String name) {
        return name.substring(name.indexOf('/') + 1);
    }

    /** The archive parts of the backup that are not in the catalog (the files are listed, but cannot be restored). */
    public List<String> missingParts() {
        return missingParts;
    }

    /**
     * The archive parts there with another size than the manifest records (truncated, emptied by a full disk, or no
     * regular file): as missing ones, the files are listed, but cannot be restored.
     */
    public List<String> resizedParts() {
        return resizedParts;
    }

    /** The storage backup listed (for a full backup: its storage component). */
    public Manifest backup() {
        return backup;
    }

    /** The catalog folder of the backup's archive parts and its index (which lies beside them). */
    Path folder() {
        return index.getParent();
    }

    /** A reader of every entry of the index, in archive order, unselected; the caller closes it. */
    IndexReader reader() throws IOException {
        try {
            return new IndexReader(index);
        } catch (NoSuchFileException e) {
            refuseIfRemoved();
            throw e;
        }
    }

    /**
     * Throws when the backup's manifest is gone since it was read: a rotation in another process (or an operator)
     * removed the backup meanwhile, so its files missing now are no damage to report (as {@code verify} says of it).
     *
     * @throws NotFoundException when the backup was removed
     */
    void refuseIfRemoved() {
        refuseIfRemoved(folder(), backup);
    }

    private static void refuseIfRemoved(Path folder, Manifest m) {
        if (!Files.exists(folder.resolve(Manifest.fileName(m.id())), LinkOption.NOFOLLOW_LINKS)) {
            throw new NotFoundException("backup " + m.id() + " was removed while it was read (by a rotation or"
                    + " by hand), so nothing can be said of it");
        }
    }

    /**
     * Gives {@code action} every selected entry, in archive order (the order of the backup's walk: a folder before
     * what it holds); returns the globs that selected nothing (empty when none were given).
     */
    public List<String> forEach(Consumer<IndexEntry> action) throws IOException {
        PathSelection selection = new PathSelection(globs);
        try (IndexReader reader = reader()) {
            while (reader.hasNext()) {
                IndexEntry e = reader.next();
                if (selection.test(e.path())) {
                    action.accept(e);
                }
            }
        }
        return selection.unmatched();
    }
}
