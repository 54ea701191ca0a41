package dev.archivist;

import dev.archivist.catalog.Catalog;
import dev.archivist.catalog.Durable;
import dev.archivist.catalog.Manifest;
import dev.archivist.config.Settings;
import dev.archivist.restore.DatabaseRestorer;
import dev.archivist.restore.ExtractionResult;
import dev.archivist.restore.RestoreFiles;
import dev.archivist.restore.StorageRestorer;
import dev.archivist.restore.StorageSwap;
import dev.archivist.restore.UnsafeEntryException;
import dev.archivist.source.SqliteSnapshot;
import dev.archivist.verify.Problem;
import dev.archivist.verify.Verifier;
import dev.archivist.verify.VerifyReport;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Restores, always in the same shape: check the backup (checksums always; the deep read unless told not to), prepare
 * the new data beside the destination, check it, then switch atomically. The live data is untouched until the switch,
 * and the switch itself is atomic or rolled back.
 */
final class Restore {
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
            throw refused(m, report.problems());
        }
    }

    private static ArchivistException refused(Manifest m, List<Problem> problems) {
        StringBuilder sb = new StringBuilder("restore of " + m.id() + " refused: the backup does not verify (" + problems.size() + " problem(s)):");
        problems.stream().limit(20).forEach(p -> sb.append("\n  - ").append(p));
        return new ArchivistException(sb.toString());
    }

    /** Restores a database backup into the live database, or into {@code target} (a new file). */
    RestoreResult database(Manifest m, Path target, boolean deep, java.util.function.Supplier<Manifest> safetyBackup) throws IOException {
        check(m);
        Path destination = target != null ? target.toAbsolutePath().normalize() : settings.databasePath();
        if (target != null && Files.exists(destination)) {
            throw new ArchivistException("restore target " + destination + " already exists; refusing to overwrite it");
        }
        Files.createDirectories(destination.getParent());
        Path temp = RestoreFiles.tempDatabase(destination, m.id());
        Files.deleteIfExists(temp);
        List<String> notes = new ArrayList<>();
        try {
            DatabaseRestorer.decompress(catalog.dir(BackupType.DATABASE), m, temp);
            List<String> problems = SqliteSnapshot.check(temp, deep);
            if (!problems.isEmpty()) {
                throw new ArchivistException("restore of " + m.id() + " refused: " + (deep ? "integrity_check" : "quick_check")
                        + " of the decompressed backup failed: " + String.join("; ", problems.subList(0, Math.min(5, problems.size()))));
            }
            notes.add("decompressed backup passed " + (deep ? "integrity_check" : "quick_check"));
            String safety = null;
            if (target == null && Files.exists(destination)) {
                Manifest pre = safetyBackup.get();
                safety = pre.id();
                notes.add("safety backup of the current database: " + pre.id() + " (pre_restore)");
                DatabaseRestorer.intoLive(temp, destination);
                notes.add("copied into the live database with the SQLite backup API");
            } else {
                deleteSidecars(temp); // the read-only check may leave empty -wal/-shm files beside it
                Durable.rename(temp, destination);
                notes.add("written as a new file");
            }
            return new RestoreResult(m.id(), "database", destination.toString(), safety, 1, m.json().path("size_uncompressed").asLong(), notes);
        } finally {
            deleteDatabaseFiles(temp);
        }
    }

    /**
     * Restores a storage backup: into the live storage folder (swap), or into {@code target} (must not exist), optionally
     * only the files matching {@code globs}.
     */
    RestoreResult storage(Manifest m, Path target, List<String> globs, boolean deep) throws IOException {
        List<Problem> structure = new Verifier(catalog, clock).checkStructure(m);
        if (!structure.isEmpty()) {
            throw refused(m, structure);
        }
        Path destination = target != null ? target.toAbsolutePath().normalize() : settings.storagePath();
        if (target != null && Files.exists(destination)) {
            throw new ArchivistException("restore target " + destination + " already exists; refusing to overwrite it");
        }
        if (!globs.isEmpty() && target == null) {
            throw new IllegalArgumentException("--path restores selected files only into a new folder: give --target");
        }
        Predicate<String> include = include(globs);
        Files.createDirectories(destination.getParent());
        Path staging = RestoreFiles.staging(destination, m.id());
        Durable.deleteTree(staging);
        Files.createDirectory(staging);
        List<String> notes = new ArrayList<>();
        try {
            ExtractionResult result;
            try {
                List<Problem> partProblems = new ArrayList<>();
                result = StorageRestorer.extract(catalog.dir(BackupType.STORAGE), m, staging, include, partProblems);
                if (!partProblems.isEmpty()) {
                    throw refused(m, partProblems);
                }
            } catch (UnsafeEntryException e) {
                throw new ArchivistException("restore of " + m.id() + " refused: " + e.getMessage(), e);
            }
            List<String> problems = StorageRestorer.compare(result, catalog.dir(BackupType.STORAGE).resolve(m.indexFile()), include);
            if (!problems.isEmpty()) {
                throw new ArchivistException("restore of " + m.id() + " refused: the extracted tree differs from the index: "
                        + String.join("; ", problems.subList(0, Math.min(10, problems.size()))));
            }
            StorageRestorer.applyIndexTimes(result, catalog.dir(BackupType.STORAGE).resolve(m.indexFile()), staging);
            long files = result.entries().stream().filter(e -> "file".equals(e.type())).count();
            notes.add("extracted " + files + " files (" + result.bytesWritten() + " bytes) into staging and compared each with the index (size, SHA-256, link targets)");
            String safety = null;
            if (target == null) {
                // recorded before the swap, so a folder moved aside by a swap that a crash interrupted is still known
                // to rotation (which removes it once a newer storage backup exists)
                Path planned = RestoreFiles.aside(destination, m.id());
                boolean recorded = false;
                if (Files.exists(destination)) {
                    BeforeRestoreRecords.record(catalog.stateDir(), planned, clock.instant());
                    recorded = true;
                }
                Path aside;
                try {
                    aside = StorageSwap.swap(destination, staging, planned, m.id());
                } catch (IOException | RuntimeException e) {
                    if (recorded && !Files.exists(planned)) {
                        BeforeRestoreRecords.forget(catalog.stateDir(), planned);
                    }
                    throw e;
                }
                if (aside != null) {
                    safety = aside.toString();
                    notes.add("previous storage folder kept as " + aside);
                }
            } else {
                Durable.rename(staging, destination);
            }
            return new RestoreResult(m.id(), "storage", destination.toString(), safety, files, result.bytesWritten(), notes);
        } finally {
            Durable.deleteTree(staging);
        }
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

    private static Predicate<String> include(List<String> globs) {
        if (globs.isEmpty()) {
            return p -> true;
        }
        List<PathMatcher> matchers = globs.stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
        return p -> {
            Path path = Path.of(p.endsWith("/") ? p.substring(0, p.length() - 1) : p);
            return matchers.stream().anyMatch(mt -> mt.matches(path));
        };
    }
}
