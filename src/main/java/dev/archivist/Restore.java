package dev.archivist;

import com.fasterxml.jackson.databind.JsonNode;
import dev.archivist.catalog.Catalog;
import dev.archivist.catalog.Durable;
import dev.archivist.catalog.Manifest;
import dev.archivist.catalog.VerificationRecords;
import dev.archivist.config.Settings;
import dev.archivist.restore.DamagedArchiveException;
import dev.archivist.restore.DatabaseRestorer;
import dev.archivist.restore.ExtractionResult;
import dev.archivist.restore.HeldFolder;
import dev.archivist.restore.IndexPlan;
import dev.archivist.restore.InPlaceSwap;
import dev.archivist.restore.OpenFileHolders;
import dev.archivist.restore.Ownership;
import dev.archivist.restore.RestoreFiles;
import dev.archivist.restore.StorageRestorer;
import dev.archivist.restore.StorageSwap;
import dev.archivist.restore.UnsafeEntryException;
import dev.archivist.source.LinkTrust;
import dev.archivist.source.SqliteSnapshot;
import dev.archivist.verify.Problem;
import dev.archivist.verify.Verifier;
import dev.archivist.verify.VerifyReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Restores, always in the same shape: check the backup (checksums always; the deep read unless told not to), prepare
 * the new data beside the destination, check it, then switch atomically. The live data is untouched until the switch,
 * and the switch itself is atomic or rolled back.
 */
final class Restore {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Restore.class);
    /** Said of a refused backup whose problems were recorded as its last verify. */
    static final String RECORDED = "; recorded as its last verify, so latest passes over it from now on";
    /** Said instead of {@link #RECORDED} where the result could not be written (a read-only {@code BACKUP_DIR}). */
    static final String NOT_RECORDED = "; this could not be recorded (BACKUP_DIR cannot be written), so latest still"
            + " takes it: name an older backup by its id (archivist list)";

    /** What a refusal adds about its record: {@link #RECORDED} or {@link #NOT_RECORDED}. */
    static String recordNote(boolean recorded) {
        return recorded ? RECORDED : NOT_RECORDED;
    }
    private final Settings settings;
    private final Catalog catalog;
    private final Clock clock;

    Restore(Settings settings, Catalog catalog, Clock clock) {
        this.settings = settings;
        this.catalog = catalog;
        this.clock = clock;
    }

    /**
     * Refuses a backup whose manifest, part sizes or checksums do not verify. Always runs, even with --no-verify; the
     * deep part of verification happens on the restored copy itself (integrity_check of the decompressed database,
     * every extracted file against the index), so the data is read once, not twice.
     */
    private void check(Manifest m) {
        VerifyReport report = new Verifier(catalog, clock).verify(m, false);
        if (!report.clean()) {
            throw refusedAndRecorded(m, report.problems(), "");
        }
    }

    /**
     * {@link #refused(Manifest, List, String)}, the problems recorded as a failed verify of {@code m} (as verify
     * records them) where this process can write the backup directory: {@code latest}, rotation and {@code stats} then
     * know the backup cannot be restored, so a second {@code restore latest} takes the newest one that can.
     */
    private ArchivistException refusedAndRecorded(Manifest m, List<Problem> problems, String advice) {
        return refused(m, problems, advice + recordNote(recordFailure(m.id(), problems.size(), false)));
    }

    /**
     * The refusal of {@code m} for what the check of its restored copy found ({@code reason}: {@code problems} of them,
     * {@code deep} unless --no-verify), recorded as a failed verify of that depth, as a deep verify records the same
     * damage: latest passes over the backup from now on.
     */
    private ArchivistException refusedAfterCheck(Manifest m, String reason, int problems, boolean deep) {
        return new ArchivistException("restore of " + m.id() + " refused: " + reason
                + recordNote(recordFailure(m.id(), problems, deep)));
    }

    /**
     * The refusal of {@code m} whose {@code what} ("backup", "archive") does not decompress behind intact checksums,
     * recorded as {@link #refusedAfterCheck} records it; once the process is stopping, {@code e} itself is thrown and
     * nothing is recorded (the stop may be what ended the read).
     */
    private ArchivistException refusedUndecompressable(Manifest m, String what, DamagedArchiveException e)
            throws DamagedArchiveException {
        if (catalog.commitsRefused()) {
            throw e;
        }
        return refusedAfterCheck(m, "the " + what + " does not decompress, its checksums intact: "
                + ArchivistException.reason(e), 1, true);
    }

    /** Records a failed verify of {@code id} found by this restore ({@code deep}: its deep check); whether it was. */
    private boolean recordFailure(String id, int problems, boolean deep) {
        if (catalog.readOnly()) { // read without the lock: nothing may be written there
            return false;
        }
        try {
            return VerificationRecords.record(catalog.stateDir(), id, clock.instant(), false, problems, deep);
        } catch (IOException e) {
            LOG.warn("cannot record the failed check of {}: {}", id, ArchivistException.reason(e));
            return false;
        }
    }

    /**
     * Refuses a {@code --target} that exists (a symlink too, even one that leads nowhere: it would be replaced) or
     * that cannot be made, because the nearest existing folder above it is a file or a symlink that leads nowhere, or
     * that lies in {@code BACKUP_DIR}.
     * With {@code emptyFolderAllowed} (storage), an existing empty folder is taken: a freshly made or mounted volume,
     * restored into as restic does.
     *
     * @return whether the target is such an existing empty folder
     */
    private boolean requireNewTarget(Path destination, boolean emptyFolderAllowed) {
        ReservedPaths.refuseTargetInBackupDir(settings, destination);
        if (Files.exists(destination, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            if (emptyFolderAllowed && Files.isDirectory(destination, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                if (isEmptyTarget(destination)) {
                    return true;
                }
                throw new ArchivistException("restore target " + destination + " already exists and is not empty;"
                        + " refusing to mix the backup into it (give a new folder or an empty one)");
            }
            throw new ArchivistException("restore target " + destination + " already exists"
                    + (Files.isSymbolicLink(destination) ? " (a symlink)" : "") + "; refusing to overwrite it");
        }
        refuseUnmakable(destination, "restore target " + destination);
        return false;
    }

    /**
     * Refuses {@code destination} ({@code what}, for the message) when the folders above it cannot be made as
     * {@code mkdir -p} makes them: the nearest existing one is a file, or a symlink on the way leads nowhere.
     */
    private static void refuseUnmakable(Path destination, String what) {
        for (Path above = destination.getParent(); above != null; above = above.getParent()) {
            if (Files.isSymbolicLink(above) && !Files.exists(above)) { // mkdir -p fails on it: "File exists"
                throw new ArchivistException(what + " cannot be made: " + above + " is a symlink that leads nowhere ("
                        + readLink(above) + ")");
            }
            if (Files.exists(above)) {
                if (!Files.isDirectory(above)) {
                    throw new ArchivistException(what + " cannot be made: " + above + " is not a folder");
                }
                return;
            }
        }
    }

    /** The target of the symlink {@code link}, as written, for a message. */
    private static String readLink(Path link) {
        try {
            return "-> " + Files.readSymbolicLink(link);
        } catch (IOException e) {
            return "its target cannot be read";
        }
    }

    private static boolean isEmptyTarget(Path folder) {
        try {
            return InPlaceSwap.entriesOfTarget(folder).isEmpty();
        } catch (IOException e) {
            throw new ArchivistException("restore target " + folder + " cannot be read: " + ArchivistException.reason(e), e);
        }
    }

    /**
     * Ends a restore whose process is stopping (SIGTERM, Ctrl-C) once it is prepared and before anything is switched
     * in: the live data stays as it was. A switch already begun is not stopped.
     */
    private void refuseSwitchWhenStopping(String ids) {
        if (catalog.commitsRefused()) {
            throw new ArchivistException("restore of " + ids + " stopped before anything was switched; the live data"
                    + " is unchanged");
        }
    }

    /** The refusal of a backup that does not verify, listing its problems (at most 20). */
    static ArchivistException refused(Manifest m, List<Problem> problems) {
        return refused(m, problems, "");
    }

    /** As {@link #refused(Manifest, List)}, with {@code advice} after the count. */
    static ArchivistException refused(Manifest m, List<Problem> problems, String advice) {
        List<String> listed = new ArrayList<>(problems.stream().limit(20).map(Problem::toString).toList());
        if (problems.size() > 20) {
            listed.add("… and " + (problems.size() - 20) + " more (archivist verify " + m.id() + " lists them all)");
        }
        return new ArchivistException("restore of " + m.id() + " refused: the backup does not verify ("
                + Plural.of(problems.size(), "problem") + advice + ")", listed);
    }

    /** Restores a database backup into the live database, or into {@code target} (a new file). */
    RestoreResult database(Manifest m, Path target, boolean deep, Supplier<Manifest> safetyBackup) throws IOException {
        if (target != null) { // before the target is recorded: a refused one is never swept
            requireNewTarget(target.toAbsolutePath().normalize(), false);
        }
        List<Path> made = new ArrayList<>();
        return removingMadeFoldersOnFailure(made, () -> intoTarget(target, m.id(), () -> {
            PreparedDatabase p = prepareDatabase(m, target, deep, made);
            try {
                refuseSwitchWhenStopping(m.id());
                return commit(p, safetyBackup);
            } finally {
                deleteDatabaseFiles(p.temp);
            }
        }));
    }

    /**
     * Restores a storage backup: into the live storage folder (swap), or into {@code target} (new, or an empty folder),
     * optionally only the files matching {@code globs}.
     */
    RestoreResult storage(Manifest m, Path target, List<String> globs, boolean deep) throws IOException {
        // before the target is recorded: a refused one is never swept
        boolean intoEmptyFolder = target != null && requireNewTarget(target.toAbsolutePath().normalize(), true);
        List<Path> made = new ArrayList<>();
        return removingMadeFoldersOnFailure(made, () -> intoTarget(target, m.id(), () -> {
            PreparedStorage p = prepareStorage(m, target, intoEmptyFolder, globs, deep, made);
            try {
                refuseSwitchWhenStopping(m.id());
                return commit(p).result;
            } finally {
                Durable.deleteTree(p.staging);
            }
        }));
    }

    /** One step of a restore, which may throw. */
    @FunctionalInterface
    private interface Step<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code restore}, which adds to {@code made} the folders it makes above its destination (as
     * {@code mkdir -p}); if it fails, once it removed its own files, removes those folders again while they are empty,
     * so a failed restore leaves nothing it made.
     */
    private static <T> T removingMadeFoldersOnFailure(List<Path> made, Step<T> restore) throws IOException {
        try {
            return restore.run();
        } catch (IOException | RuntimeException | Error e) {
            try {
                Durable.removeMadeFolders(made);
            } catch (IOException | RuntimeException u) {
                e.addSuppressed(u);
            }
            throw e;
        }
    }

    /**
     * Runs a restore into {@code target} (a new place; null for the live data) with the target recorded, so the next
     * command can remove what a killed run left beside it.
     */
    private <T> T intoTarget(Path target, String backupId, Step<T> restore) throws IOException {
        if (target == null || catalog.readOnly()) { // a read-only catalog holds no record: a killed run's leftover stays
            return restore.run();
        }
        try {
            RestoreTargetRecords.record(catalog.stateDir(), target, backupId);
        } catch (IOException e) { // BACKUP_DIR full: the restore needs no room there; a killed run's leftover stays
            LOG.warn("cannot record the restore into {} in {} ({}): a killed run's leftover beside it would stay",
                    target, catalog.stateDir(), ArchivistException.reason(e));
            return restore.run();
        }
        T result;
        try {
            result = restore.run();
        } catch (IOException | RuntimeException | Error e) {
            // a failed run removed its own files; once nothing of it is left, the record goes too, so that no later
            // command touches a folder that someone else may be using by then (a killed run keeps its record)
            try {
                cleanTargetLeftovers(target, backupId);
                RestoreTargetRecords.forget(catalog.stateDir(), target);
            } catch (IOException | RuntimeException u) {
                e.addSuppressed(u); // the record stays: the next command sweeps
            }
            throw e;
        }
        RestoreTargetRecords.forget(catalog.stateDir(), target);
        return result;
    }

    /**
     * Removes what a restore of {@code backupId} into {@code target} left: its staging folder or temporary file beside
     * a new target, or inside an empty one it was filling (a fill cut short after its journal was written is
     * completed). Only that run's own names are touched ({@code backupId} null: records of earlier versions, which
     * only restored into new targets).
     *
     * @return what was done, for the log
     */
    static List<String> cleanTargetLeftovers(Path target, String backupId) throws IOException {
        List<String> done = new ArrayList<>(RestoreFiles.cleanLeftovers(target));
        if (backupId != null && Files.isDirectory(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            done.addAll(RestoreFiles.cleanTargetFill(target, backupId));
        }
        return done;
    }

    /**
     * Restores both components of a full backup, all or nothing: both are checked and prepared first (database, then
     * storage), so a backup that fails anywhere leaves the live data as it was; then the storage folder is swapped
     * and the database switched. If the database switch fails, the storage swap is undone. A {@link FullRestoreJournal}
     * spans both switches, so that after a crash between them the next command ends the restore one way or the other
     * ({@link InterruptedFullRestore}).
     */
    List<RestoreResult> full(Manifest database, Manifest storage, boolean deep, Supplier<Manifest> safetyBackup)
            throws IOException {
        List<Path> made = new ArrayList<>();
        return removingMadeFoldersOnFailure(made, () -> full(database, storage, deep, safetyBackup, made));
    }

    /** {@link #full(Manifest, Manifest, boolean, Supplier)}, adding the folders it makes to {@code made}. */
    private List<RestoreResult> full(Manifest database, Manifest storage, boolean deep, Supplier<Manifest> safetyBackup,
                                     List<Path> made) throws IOException {
        PreparedDatabase db = prepareDatabase(database, null, deep, made);
        PreparedStorage st = null;
        try {
            st = prepareStorage(storage, null, false, List.of(), deep, made);
            refuseSwitchWhenStopping(storage.id() + " and " + database.id());
            Path planned = st.inPlace ? RestoreFiles.inPlaceAside(st.destination, st.m.id())
                    : RestoreFiles.aside(st.destination, st.m.id());
            FullRestoreJournal.Entry journal = new FullRestoreJournal.Entry(database.id(), storage.id(), st.destination,
                    Files.exists(st.destination) ? planned : null, FullRestoreJournal.Phase.STORAGE, null);
            FullRestoreJournal.write(catalog.stateDir(), journal);
            CommittedStorage swapped;
            try {
                swapped = commit(st, planned);
            } catch (IOException | RuntimeException e) { // rolled back by the swap itself
                FullRestoreJournal.end(catalog.stateDir());
                throw e;
            }
            RestoreResult dbResult;
            try {
                FullRestoreJournal.write(catalog.stateDir(), journal.inPhase(FullRestoreJournal.Phase.DATABASE, null));
                dbResult = commit(db, () -> {
                    Manifest pre = safetyBackup.get();
                    FullRestoreJournal.recordSafetyBackup(catalog.stateDir(), journal, pre.id());
                    return pre;
                });
            } catch (IOException | RuntimeException e) { // the database was not switched
                try {
                    FullRestoreJournal.write(catalog.stateDir(), journal.inPhase(FullRestoreJournal.Phase.UNDO, null));
                    undo(swapped, st);
                    FullRestoreJournal.end(catalog.stateDir());
                } catch (IOException | RuntimeException u) {
                    e.addSuppressed(u);
                    throw new ArchivistException("restore of " + database.id() + " into the live database failed ("
                            + ArchivistException.reason(e) + ") and switching the storage folder back failed too ("
                            + u.getMessage()
                            + "); the previous storage folder is " + swapped.aside, e);
                }
                throw new ArchivistException("restore of " + database.id() + " into the live database failed, so the "
                        + "storage folder was switched back and nothing changed: " + ArchivistException.reason(e), e);
            }
            FullRestoreJournal.end(catalog.stateDir());
            return List.of(dbResult, swapped.result);
        } finally {
            deleteDatabaseFiles(db.temp);
            if (st != null) {
                Durable.deleteTree(st.staging);
            }
        }
    }

    /** A checked, decompressed database beside its destination, ready to switch in. */
    private record PreparedDatabase(Manifest m, Path destination, Path temp, boolean live, List<String> notes) {
    }

    private PreparedDatabase prepareDatabase(Manifest m, Path target, boolean deep, List<Path> made) throws IOException {
        check(m);
        LinkTrust.check(target != null ? target : settings.databasePath(), target != null ? "restore target" : "database");
        Path destination = target != null ? target.toAbsolutePath().normalize()
                : RestoreFiles.liveDatabaseFile(settings.databasePath());
        List<Path> leftoverLogs = target != null ? journals(destination) : List.of();
        if (!leftoverLogs.isEmpty()) {
            throw new ArchivistException("restore target " + destination + " has a leftover "
                    + leftoverLogs.get(0).getFileName() + " beside it, which SQLite would replay into the"
                    + " restored database; remove it or choose another target");
        }
        if (target == null && Files.exists(destination)) {
            DatabaseRestorer.requireWritable(destination); // before anything is prepared or (restore full) switched
            // from here on the live file is reached by the path its checked links resolved to, in the same pass,
            // never through a link (its folder may be another user's, who could swap one in)
            destination = LinkTrust.resolve(settings.databasePath(), "database");
        }
        if (target == null && !Files.isDirectory(destination.getParent())) {
            Path configured = settings.databasePath().toAbsolutePath().normalize();
            if (!configured.equals(destination)) { // SQLite opens the file behind the link: it never made folders
                throw new ArchivistException("restore of " + m.id() + " refused: the database " + configured
                        + " is a symlink to " + destination + ", whose folder does not exist (a data volume that is"
                        + " not mounted?): mount it or make that folder; nothing was changed");
            }
            refuseUnmakable(destination, "restore of " + m.id() + " refused: the database " + destination);
        }
        made.addAll(Durable.createDirectories(destination.getParent()));
        // a live restore decompresses into the catalog's state folder: the live database's folder may be another
        // user's, who could swap a file there for a link to a database only root may read, and have the SQLite backup
        // API copy that into the live database
        Path temp = target == null ? RestoreFiles.scratchDatabase(catalog.stateDir(), m.id())
                : RestoreFiles.tempDatabase(destination, m.id());
        deleteDatabaseFiles(temp);
        List<String> notes = new ArrayList<>();
        try {
            try {
                DatabaseRestorer.decompress(catalog.dir(BackupType.DATABASE), m, temp, catalog::commitsRefused);
            } catch (DamagedArchiveException e) {
                throw refusedUndecompressable(m, "backup", e);
            }
            // as verify checks it: a file of another size is not the database this backup took (another database
            // put in its place, its checksums recomputed), however sound it is
            long expected = m.json().path("size_uncompressed").asLong(-1);
            long size = Files.size(temp);
            if (expected >= 0 && size != expected) {
                throw refusedAfterCheck(m, "the decompressed backup has " + size + " bytes, the manifest records "
                        + expected + " (not the database this backup took)", 1, deep);
            }
            List<String> problems = SqliteSnapshot.check(temp, deep);
            if (!problems.isEmpty()) {
                throw refusedAfterCheck(m, (deep ? "integrity_check" : "quick_check") + " of the decompressed backup"
                        + " failed: " + String.join("; ", problems.subList(0, Math.min(5, problems.size()))),
                        problems.size(), deep);
            }
        } catch (IOException | RuntimeException | Error e) {
            deleteDatabaseFiles(temp);
            throw e;
        }
        notes.add("decompressed backup passed " + (deep ? "integrity_check" : "quick_check"));
        return new PreparedDatabase(m, destination, temp, target == null, notes);
    }

    private RestoreResult commit(PreparedDatabase p, Supplier<Manifest> safetyBackup) throws IOException {
        List<String> notes = new ArrayList<>(p.notes);
        String safety = null;
        if (p.live && Files.isSymbolicLink(p.destination)) {
            throw new ArchivistException("restore of " + p.m.id() + " refused: the live database " + p.destination
                    + " was replaced by a link while the backup was prepared; it was left as it is");
        }
        if (p.live && Files.exists(p.destination)) {
            Manifest pre;
            try {
                pre = safetyBackup.get();
            } catch (ArchivistException e) {
                // a locked database is busy, not damaged: it is never replaced without a safety copy
                List<String> damage = SqliteSnapshot.busy(e) ? List.of() : SqliteSnapshot.damage(p.destination);
                if (damage.isEmpty()) {
                    // a sound database that could not be backed up: no restore without a safety copy
                    throw new ArchivistException("restore of " + p.m.id() + " refused: " + e.getMessage()
                            + "; the live database was left as it was (no restore without a safety copy)", e);
                }
                return replaceDamaged(p, notes, damage);
            }
            safety = pre.id();
            notes.add("safety backup of the current database: " + pre.id() + " (pre_restore)");
            DatabaseRestorer.intoLive(p.temp, p.destination);
            notes.add("copied into the live database with the SQLite backup API");
        } else {
            Path beside = besideDestination(p);
            try {
                if (p.live) {
                    setAsideOrphanedJournals(p, notes);
                    // the live database was deleted: as root, the new file is given to the application's folder owner
                    java.util.Optional.ofNullable(Ownership.takeOverFolderOwner(beside, "the restored database"))
                            .ifPresent(notes::add);
                }
                Durable.renameSwitched(beside, p.destination);
            } finally {
                deleteDatabaseFiles(beside);
            }
            notes.add("written as a new file");
        }
        return new RestoreResult(p.m.id(), "database", p.destination.toString(), safety, 1,
                p.m.json().path("size_uncompressed").asLong(), notes);
    }

    /**
     * Restores over a live database that fails its own check (the usual reason to restore): no safety backup can be
     * taken of it, so its files (with any -wal or -journal) are copied as they are beside it, its sidecars removed
     * (SQLite would otherwise replay the damaged database's journal into the restored one), and the checked copy
     * renamed over it.
     */
    private RestoreResult replaceDamaged(PreparedDatabase p, List<String> notes, List<String> damage) throws IOException {
        List<String> holders = OpenFileHolders.of(Stream.of("", "-wal", "-shm", "-journal")
                .map(s -> p.destination.resolveSibling(p.destination.getFileName() + s)).toList());
        if (!holders.isEmpty()) { // they would go on writing into the replaced file: their commits would be lost
            throw new ArchivistException("restore of " + p.m.id() + " refused: the live database " + p.destination
                    + " is damaged, so it is replaced by a new file, but " + String.join(", ", holders)
                    + (holders.size() == 1 ? " holds" : " hold") + " it open: stop the application, then restore"
                    + " (its writes would go to the replaced file and be lost); the live database was left as it was");
        }
        Path copy = RestoreFiles.damagedDatabaseCopy(p.destination, p.m.id());
        for (String suffix : List.of("", "-wal", "-journal")) {
            Path from = p.destination.resolveSibling(p.destination.getFileName() + suffix);
            // through a temporary name the next run's leftover sweep removes, fsynced, then renamed; a link at the
            // name is no journal SQLite would read (it opens them O_NOFOLLOW), and is not copied
            Path temp = RestoreFiles.tempDatabase(p.destination, p.m.id() + "-damaged" + suffix);
            try {
                Files.deleteIfExists(temp);
                if (Durable.copyRegularFile(from, temp)) {
                    Durable.rename(temp, copy.resolveSibling(copy.getFileName() + suffix));
                }
            } finally {
                Files.deleteIfExists(temp);
            }
        }
        deleteSidecars(p.destination);
        Path beside = besideDestination(p);
        try {
            String kept = Ownership.takeOverAttributes(p.destination, beside, "the restored database");
            if (kept != null) {
                notes.add(kept);
            }
            Durable.renameSwitched(beside, p.destination);
        } finally {
            deleteDatabaseFiles(beside);
        }
        // the check's findings come one per line, the first often only its "*** in database main ***" header
        String first = damage.stream().flatMap(String::lines).filter(l -> !l.isBlank() && !l.startsWith("***"))
                .findFirst().orElse(damage.get(0));
        notes.add("the live database failed its check (" + (first.length() > 200 ? first.substring(0, 200) + "…" : first)
                + "), so no safety backup could be taken: its files were copied as they were to " + copy);
        notes.add("the checked copy replaced the live database file");
        return new RestoreResult(p.m.id(), "database", p.destination.toString(), copy.toString(), 1,
                p.m.json().path("size_uncompressed").asLong(), notes);
    }

    /**
     * What a whole storage restore does not bring back because the backup never held it: the entries skipped when it
     * was taken (unreadable, special, vanished), the first named; null when there are none.
     */
    private static String skippedNote(Manifest m) {
        JsonNode skipped = m.json().path("skipped");
        if (!skipped.isArray() || skipped.isEmpty()) {
            return null;
        }
        JsonNode first = skipped.get(0);
        return Plural.of(skipped.size(), "entry", "entries") + " not in this backup: skipped when it was taken (e.g. "
                + Printable.controlsEscaped(first.path("path").asText()) + ": " + first.path("reason").asText()
                + "; the manifest's skipped list names every one)";
    }

    /** The refusal of a --path restore of {@code m} some of whose globs match no entry. */
    private static ArchivistException nothingMatches(Manifest m, PathSelection include) {
        return new ArchivistException("restore of " + m.id() + " refused: nothing in the backup matches --path "
                + include.unmatched().stream().map(g -> "'" + g + "'").collect(java.util.stream.Collectors.joining(", ")));
    }

    /** A checked, extracted tree in a staging folder beside its destination, ready to switch in. */
    private record PreparedStorage(Manifest m, Path destination, Path staging, boolean live, boolean inPlace, long files,
                                   long bytes, List<String> notes) {
    }

    /** A storage restore that was switched in, with what is needed to switch it back. */
    private record CommittedStorage(RestoreResult result, Path aside, boolean recorded) {
    }

    /**
     * Checks, extracts into staging and compares with the per-file index. A damaged or missing index refuses the
     * restore unless {@code deep} is off (--no-verify): the archive is then extracted without it, its parts still
     * checked against their SHA-256 as they are read, as an operator would recover with {@code cat | zstd -d | tar -x}.
     */
    private PreparedStorage prepareStorage(Manifest m, Path target, boolean intoEmptyFolder, List<String> globs,
                                           boolean deep, List<Path> made) throws IOException {
        List<Problem> structure = new Verifier(catalog, clock).checkStructure(m);
        boolean onlyIndex = !structure.isEmpty() && structure.stream().allMatch(Problem::aboutIndex);
        if (!structure.isEmpty() && (deep || !onlyIndex)) {
            throw refusedAndRecorded(m, structure, onlyIndex ? "; the archive's parts are intact: --no-verify restores without the"
                    + " index, not comparing the files one by one" : "");
        }
        Path index = onlyIndex ? null : catalog.dir(BackupType.STORAGE).resolve(m.indexFile());
        String indexTrouble = onlyIndex ? structure.get(0).where() + ": " + structure.get(0).what() : null;
        if (onlyIndex) {
            LOG.warn("restore of {}: {}: restoring without the per-file index (--no-verify)", m.id(), indexTrouble);
        }
        LinkTrust.check(target != null ? target : settings.storagePath(), target != null ? "restore target"
                : "storage folder");
        Path destination = target != null ? target.toAbsolutePath().normalize()
                : RestoreFiles.liveStorageFolder(settings.storagePath());
        if (!globs.isEmpty() && target == null) {
            throw new IllegalArgumentException("--path restores selected files only into a new folder: give --target");
        }
        // an existing empty --target is filled in place: the folder itself stays (its owner, mode, mount)
        String inPlaceReason = intoEmptyFolder ? "is an existing empty folder" : null;
        if (target == null && Files.isSymbolicLink(destination)) { // a link to a folder was resolved to that folder
            throw new ArchivistException("restore of " + m.id() + " refused: the storage folder " + destination
                    + " is a symlink that leads to no folder (" + readLink(destination) + "): a data volume that is not"
                    + " mounted? Mount it or make that folder, or restore with --target; nothing was changed");
        }
        if (target == null) {
            ReservedPaths.of(settings).refuseLiveSwap(destination);
            inPlaceReason = StorageSwap.inPlaceReason(destination);
        }
        boolean inPlace = inPlaceReason != null;
        PathSelection include = new PathSelection(globs);
        made.addAll(Durable.createDirectories(destination.getParent()));
        Path staging = inPlace ? RestoreFiles.inPlaceStaging(destination, m.id()) : RestoreFiles.staging(destination, m.id());
        Durable.deleteTree(staging);
        Set<java.nio.file.attribute.PosixFilePermission> stagingMode = RestoreFiles.createClosed(staging);
        try (HeldFolder anchor = HeldFolder.hold(staging)) {
            Path inside = anchor.path(); // the folder made above, whatever its name leads to by now
            // the extraction, and the entry-by-entry switch of an in-place restore, go through held descriptors
            String trust = anchor.held() ? null : RestoreFiles.trustWarning(staging, "it could swap the staging folder"
                    + " for its own while the restore writes and changes owners in it, or while the entries switch");
            if (trust != null) {
                LOG.warn("restore of {}: {}", m.id(), trust);
            }
            ExtractionResult result;
            try {
                List<Problem> partProblems = new ArrayList<>();
                IndexPlan plan = index == null ? null : IndexPlan.read(index, include);
                if (!include.unmatched().isEmpty()) { // the index lists what the archive holds: no need to read it
                    throw nothingMatches(m, include);
                }
                result = StorageRestorer.extract(catalog.dir(BackupType.STORAGE), m, inside, include, plan, index,
                        settings.restoreOutsideSymlinks(), partProblems, catalog::commitsRefused);
                if (!partProblems.isEmpty()) {
                    throw refusedAndRecorded(m, partProblems, "");
                }
            } catch (UnsafeEntryException e) {
                throw new ArchivistException("restore of " + m.id() + " refused: " + ArchivistException.reason(e), e);
            } catch (DamagedArchiveException e) {
                throw refusedUndecompressable(m, "archive", e);
            }
            if (!include.unmatched().isEmpty()) { // every entry was offered to the selection while extracting
                throw nothingMatches(m, include);
            }
            long files = result.files();
            List<String> notes = new ArrayList<>();
            String extracted = "extracted " + Plural.of(files, "file") + " (" + result.bytesWritten() + " bytes) into staging";
            if (index != null) {
                List<String> problems = result.checked() != null ? result.checked().problems()
                        : StorageRestorer.compare(result, index, include);
                if (!problems.isEmpty()) {
                    throw refusedAfterCheck(m, "the extracted tree differs from the index: "
                            + String.join("; ", problems), problems.size(), true);
                }
                if (result.checked() == null) {
                    StorageRestorer.applyIndexTimes(result, index, inside);
                }
                notes.add(extracted + " and compared each with the index (size, SHA-256, link targets)");
            } else {
                notes.add(extracted + " WITHOUT the per-file index (" + indexTrouble + "): the parts' SHA-256"
                        + " were checked as they were read; the files were not compared one by one");
            }
            if (globs.isEmpty() && skippedNote(m) != null) {
                notes.add(skippedNote(m));
            }
            notes.add(result.checked() != null ? result.checked().ownersNote() : Ownership.applyArchived(result, inside));
            if (intoEmptyFolder) {
                notes.add(destination + " " + inPlaceReason + ": the restored entries are moved into it (the folder"
                        + " itself, its owner and mode stay)");
            } else if (inPlace) {
                notes.add(destination + " " + inPlaceReason + ": its entries are switched one by one inside it (the"
                        + " folder itself, its owner and mode stay)");
            }
            // durable before the rename: a power cut after the swap must not leave empty files in the live folder
            String synced = "staging " + Durable.syncTree(staging);
            boolean live = target == null && !inPlace;
            // nothing inside is changed by path from here on; a live folder's own mode at once, not the usual first.
            // An in-place staging folder only empties into the destination, so it stays owner-only: the usual mode
            // under a umask that takes the owner's bits (umask 100) would close it to the switch
            if (!inPlace) {
                RestoreFiles.openAgain(anchor.itself(), live && stagingMode != null && Files.isDirectory(destination)
                        ? Files.getPosixFilePermissions(destination) : stagingMode);
            }
            if (live) {
                String folder = Ownership.takeOverAttributes(destination, anchor.itself(), "the restored folder");
                if (folder != null) {
                    notes.add(folder);
                }
            }
            notes.add(synced);
            if (trust != null) {
                notes.add("warning: " + trust);
            }
            return new PreparedStorage(m, destination, staging, target == null, inPlace, files, result.bytesWritten(),
                    notes);
        } catch (IOException | RuntimeException | Error e) {
            Durable.deleteTree(staging);
            throw e;
        }
    }

    private CommittedStorage commit(PreparedStorage p) throws IOException {
        if (!p.live) {
            return commit(p, null);
        }
        return commit(p, p.inPlace ? RestoreFiles.inPlaceAside(p.destination, p.m.id())
                : RestoreFiles.aside(p.destination, p.m.id()));
    }

    /** Switches a prepared storage restore in; a live folder goes aside to {@code planned}. */
    private CommittedStorage commit(PreparedStorage p, Path planned) throws IOException {
        List<String> notes = new ArrayList<>(p.notes);
        String safety = null;
        Path aside = null;
        boolean recorded = false;
        if (p.live) {
            // recorded before the swap, so a folder moved aside by a swap that a crash interrupted is still known
            // to rotation (which removes it once a newer storage backup exists)
            if (Files.exists(p.destination)) {
                // on the ids' scale: after a clock that was ahead, a storage backup taken before this restore has a
                // later time than the clock's now, and rotation would take it for one of the folder moved aside
                Instant now = clock.instant();
                Instant lastId = dev.archivist.catalog.BackupIds.lastIssuedAt(catalog.stateDir());
                BeforeRestoreRecords.record(catalog.stateDir(), planned, lastId.isAfter(now) ? lastId : now);
                recorded = true;
            }
            try {
                aside = p.inPlace ? InPlaceSwap.swap(p.destination, p.staging, planned, p.m.id())
                        : StorageSwap.swap(p.destination, p.staging, planned, p.m.id());
            } catch (IOException | RuntimeException e) {
                if (recorded && !Files.exists(planned)) {
                    BeforeRestoreRecords.forget(catalog.stateDir(), planned);
                }
                throw e;
            }
            if (aside != null) {
                safety = aside.toString();
                notes.add((p.inPlace ? "previous content kept in " : "previous storage folder kept as ") + aside);
            }
        } else if (p.inPlace) { // an existing empty --target: filled entry by entry, the folder itself stays
            Path kept = InPlaceSwap.fill(p.destination, p.staging, RestoreFiles.targetAside(p.destination, p.m.id()),
                    p.m.id());
            if (kept != null) {
                notes.add("entries at restored names that were not the backup's (made in " + p.destination + " while"
                        + " the entries moved in, or the volume's own lost+found) were kept in " + kept);
            }
        } else {
            Durable.renameSwitched(p.staging, p.destination);
        }
        RestoreResult result = new RestoreResult(p.m.id(), "storage", p.destination.toString(), safety, p.files, p.bytes,
                notes);
        return new CommittedStorage(result, aside, recorded);
    }

    /** Switches a committed live storage restore back: the restored tree goes to the staging name, the old one back. */
    private void undo(CommittedStorage c, PreparedStorage p) throws IOException {
        if (p.inPlace) { // the same entry-by-entry switch, the other way: the kept entries come back
            InPlaceSwap.swap(p.destination, c.aside, p.staging, p.m.id());
        } else {
            StorageSwap.undo(p.destination, c.aside, p.staging, p.m.id());
        }
        if (c.recorded && c.aside != null && !Files.exists(c.aside)) {
            BeforeRestoreRecords.forget(catalog.stateDir(), c.aside);
        }
    }

    /** The -wal and -journal files beside {@code db} that exist. */
    private static List<Path> journals(Path db) {
        List<Path> found = new ArrayList<>();
        for (String suffix : List.of("-wal", "-journal")) {
            Path log = db.resolveSibling(db.getFileName() + suffix);
            if (Files.exists(log, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                found.add(log);
            }
        }
        return found;
    }

    /**
     * The live database file is gone but its -wal or -journal may still be there (the file was deleted, the
     * application crashed): SQLite would replay such a log into the restored database the first time it is opened,
     * and the restore would be silently undone or the database corrupted. They are moved aside, kept as they were,
     * and the -shm (only an index of the -wal) removed, before the restored file is renamed in.
     */
    private static void setAsideOrphanedJournals(PreparedDatabase p, List<String> notes) throws IOException {
        List<Path> logs = journals(p.destination);
        if (logs.isEmpty()) {
            return;
        }
        Path base = RestoreFiles.orphanedJournalCopy(p.destination, p.m.id());
        for (Path log : logs) {
            String suffix = log.getFileName().toString().substring(p.destination.getFileName().toString().length());
            Path aside = base.resolveSibling(base.getFileName() + suffix);
            Durable.rename(log, aside);
            notes.add("the live database was missing but its " + log.getFileName() + " was there (SQLite would have "
                    + "replayed it into the restored database): kept as " + aside);
        }
        Files.deleteIfExists(p.destination.resolveSibling(p.destination.getFileName() + "-shm"));
    }

    /**
     * The checked copy beside the destination, for a rename into place: {@code p.temp} when it is there already (a new
     * {@code --target}), else copied from the catalog's scratch into a file created new there (never through a link),
     * fsynced. Whatever happens to that copy before the rename (its folder may be another user's) only puts that
     * user's own file at the name.
     */
    private static Path besideDestination(PreparedDatabase p) throws IOException {
        if (p.temp.getParent().equals(p.destination.getParent())) {
            deleteSidecars(p.temp); // the read-only check may leave empty -wal/-shm files beside it
            return p.temp;
        }
        Path beside = RestoreFiles.tempDatabase(p.destination, p.m.id());
        deleteDatabaseFiles(beside);
        if (!Durable.copyRegularFile(p.temp, beside)) {
            throw new IOException("the checked copy " + p.temp + " is gone");
        }
        return beside;
    }

    /** Deletes a temporary database and the -wal, -shm and -journal files SQLite may have created beside it. */
    private static void deleteDatabaseFiles(Path db) throws IOException {
        deleteSidecars(db);
        Files.deleteIfExists(db);
    }

    private static void deleteSidecars(Path db) throws IOException {
        for (String suffix : List.of("-wal", "-shm", "-journal")) {
            Files.deleteIfExists(db.resolveSibling(db.getFileName() + suffix));
        }
    }
}
