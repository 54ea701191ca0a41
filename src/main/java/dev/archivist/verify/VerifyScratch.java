package dev.archivist.verify;

import dev.archivist.ArchivistException;
import dev.archivist.catalog.DeletedOnStop;
import dev.archivist.catalog.Durable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The scratch file a deep verify decompresses a database backup into, for SQLite's {@code integrity_check} (which
 * needs a file it can seek in). It lies in the catalog's state folder when that is writable (the backups' disk, which
 * has room for a database, where {@code /tmp} is often a small tmpfs), else in the system's temporary folder. Its name
 * carries the host and the process id: a verify stopped by SIGTERM or Ctrl-C deletes its copy as it exits; one that
 * was killed leaves its copy behind, and the next verify on that host deletes the copies of its processes that are gone (another host sharing the catalog judges only its own). (Verify takes no lock, so the catalog's sweep of leftovers cannot own these files.)
 */
final class VerifyScratch {
    private static final String PREFIX = "archivist-verify-";
    /** {@code archivist-verify-<host>-<pid>-…}: a pid means something only on its own host (or container). */
    private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "(.+)-(\\d+)-[^-]*(?:-wal|-shm|-journal)?");

    /** For the scratch file's name, as {@link Files#createTempFile} makes it. */
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private VerifyScratch() {
    }

    /**
     * A new empty scratch file for {@code backupId}, owner-only whatever the umask (a umask such as {@code 277} would
     * leave it read-only to its owner, who could then not write the copy into it), after the copies left by verifies
     * that were killed are deleted.
     */
    static Path create(Path stateDir, String backupId) {
        Path dir = Files.isDirectory(stateDir) && Files.isWritable(stateDir)
                ? stateDir : Path.of(System.getProperty("java.io.tmpdir"));
        sweepStale(dir);
        String prefix = PREFIX + host() + "-" + ProcessHandle.current().pid() + "-";
        for (int tries = 1; ; tries++) {
            Path scratch = dir.resolve(prefix + Long.toUnsignedString(RANDOM.nextLong()) + ".db");
            try {
                Durable.createOwnerOnly(scratch).close();
                // as big as the database: a stop deletes it rather than leave it to the next verify
                withSideFiles(scratch).forEach(DeletedOnStop::add);
                return scratch;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (tries == 100) {
                    throw failure(backupId, dir, e);
                }
            } catch (IOException e) {
                throw failure(backupId, dir, e);
            }
        }
    }

    /** Deletes {@code scratch} and SQLite's side files of it, quietly: what is left is deleted by the next verify. */
    static void delete(Path scratch) {
        if (scratch == null) {
            return;
        }
        List<Path> files = withSideFiles(scratch);
        try {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        } catch (IOException ignored) {
            // a scratch copy left behind is deleted by the next verify (sweepStale)
        }
        files.forEach(DeletedOnStop::remove);
    }

    /** SQLite's side files of {@code scratch}, then {@code scratch}. */
    private static List<Path> withSideFiles(Path scratch) {
        return List.of(sibling(scratch, "-wal"), sibling(scratch, "-shm"), sibling(scratch, "-journal"), scratch);
    }

    private static Path sibling(Path scratch, String suffix) {
        return scratch.resolveSibling(scratch.getFileName() + suffix);
    }

    /** Deletes the scratch files (and their SQLite side files) of processes that no longer run. */
    private static void sweepStale(Path dir) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*")) {
            for (Path f : files) {
                Matcher m = NAME.matcher(f.getFileName().toString());
                if (m.matches() && m.group(1).equals(host()) && !alive(m.group(2))) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException | RuntimeException e) {
            // best effort: a copy that cannot be deleted now is tried again by the next verify
        }
    }

    /** This host's name as the kernel has it (a container's own), made safe for a file name; "host" if unknown. */
    static String host() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            return name.isEmpty() ? "host" : name.replaceAll("[^A-Za-z0-9.]", "_");
        } catch (IOException | RuntimeException e) {
            return "host";
        }
    }

    private static boolean alive(String pid) {
        try {
            return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return true; // not a pid of ours: leave it
        }
    }

    /**
     * Wraps the stream that writes {@code scratch}: a failure to write it (a full disk) is this machine's problem, not
     * the backup's, so it fails the verify with {@link ArchivistException} instead of being reported as damage.
     */
    static OutputStream writing(OutputStream out, Path scratch, String backupId) {
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) {
                try {
                    out.write(b, off, len);
                } catch (IOException e) {
                    throw failure(e);
                }
            }

            @Override
            public void write(int b) {
                try {
                    out.write(b);
                } catch (IOException e) {
                    throw failure(e);
                }
            }

            @Override
            public void flush() {
                try {
                    out.flush();
                } catch (IOException e) {
                    throw failure(e);
                }
            }

            @Override
            public void close() throws IOException {
                try {
                    out.close();
                } catch (IOException e) {
                    throw failure(e);
                }
            }

            private ArchivistException failure(IOException e) {
                return VerifyScratch.failure(backupId, scratch, e);
            }
        };
    }

    /** The size of the scratch copy; a failure to read it is this machine's problem too. */
    static long size(Path scratch, String backupId) {
        try {
            return Files.size(scratch);
        } catch (IOException e) {
            throw new ArchivistException("cannot verify " + backupId + ": the decompressed copy for integrity_check, "
                    + scratch + ", cannot be read: " + ArchivistException.reason(e) + " (nothing was found wrong with the"
                    + " backup)", e);
        }
    }

    /**
     * Fails when {@code scratch} is gone after integrity_check found problems in it: removed before SQLite opened it
     * (by the exit of a process told to stop, {@link DeletedOnStop}), its "problems" are that removal's, no verdict on
     * the backup, which must not be recorded as damaged.
     */
    static void requireStillThere(Path scratch, String backupId) {
        if (!Files.exists(scratch)) {
            throw new ArchivistException("cannot verify " + backupId + ": the decompressed copy for integrity_check, "
                    + scratch + ", was removed while it was checked (the process is stopping, or another process"
                    + " removed it): no verdict, nothing recorded");
        }
    }

    private static ArchivistException failure(String backupId, Path where, IOException e) {
        return new ArchivistException("cannot verify " + backupId + ": the decompressed copy for integrity_check could"
                + " not be written to " + where + ": " + ArchivistException.reason(e) + " (nothing was found wrong with"
                + " the backup; free space there; with a read-only BACKUP_DIR the copy goes to TMPDIR)", e);
    }
}
