package dev.archivist.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import dev.archivist.catalog.DirectoryLock;
import dev.archivist.catalog.Durable;
import dev.archivist.catalog.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Persists every job's {@link JobState} atomically in {@code .archivist/scheduler-state.json}. A file that cannot be
 * read (truncated, hand-edited) is reported, and kept as {@code scheduler-state.json.damaged-<time>} when the state
 * is next saved, rather than replaced without a word: the last fire times that catch-up needs are lost with it. A bad
 * value in one job's record costs only that value ({@link JobStateReader}); that file is reported and kept aside too.
 */
public final class StateStore {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StateStore.class);

    private static final int LOCK_SECONDS = 30;
    private static final java.time.Duration LOCK_TIMEOUT = java.time.Duration.ofSeconds(LOCK_SECONDS);

    private final Path file;
    private final Path lockFile;
    private boolean unreadable; // guarded by this: the file as last read could not be parsed
    private Object reported; // guarded by this: the identity of the damaged file last reported

    public StateStore(Path stateDir) {
        this.file = stateDir.resolve("scheduler-state.json");
        this.lockFile = stateDir.resolve("scheduler-state.lock");
    }

    /** Why {@link #save} failed with {@code e}, with the mend when another user owns the state ({@code ForeignOwner}). */
    public String failureReason(Throwable e) {
        Path backupDir = file.getParent().getParent(); // the state folder is BACKUP_DIR/.archivist
        return dev.archivist.ArchivistException.reason(e)
                + (backupDir == null ? "" : dev.archivist.catalog.ForeignOwner.hint(backupDir, e));
    }

    /**
     * All jobs' states by job id; empty when none was saved or the file is unreadable. A job's record that cannot be
     * read, or a field of it, is left out alone (named in a warning, and the file kept aside at the next save): the
     * other jobs keep their last fire times.
     */
    public synchronized Map<String, JobState> load() {
        unreadable = false;
        if (!Files.isRegularFile(file)) {
            return new TreeMap<>();
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(file.toFile());
            if (root == null || !root.isObject()) {
                throw new IOException("it holds " + (root == null ? "nothing" : root.getNodeType().toString().toLowerCase(
                        java.util.Locale.ROOT)) + ", not an object");
            }
        } catch (IOException | RuntimeException e) {
            unreadable = true;
            report("cannot be read (" + Json.readFailure(e) + "): each job's last fire time and"
                    + " outcome are lost, so a fire time missed while the scheduler was down is not caught up");
            return new TreeMap<>();
        }
        Map<String, JobState> read = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        root.fields().forEachRemaining(e -> {
            JobState state = JobStateReader.read(e.getKey(), e.getValue(), problems);
            if (state != null) {
                read.put(e.getKey(), state);
            }
        });
        if (!problems.isEmpty()) {
            unreadable = true;
            report("has unreadable values, read as unknown: " + String.join("; ", problems));
        }
        return read;
    }

    /** Warns once per damaged file (as identified by {@link #identity()}). */
    private void report(String what) {
        Object damaged = identity();
        if (damaged == null || !damaged.equals(reported)) {
            reported = damaged;
            LOG.warn("the scheduler state {} {}; the file is kept as {}-<time> when the state is next saved", file, what,
                    file.getFileName() + ".damaged");
        }
    }

    /**
     * Saves one job's state (write to temp, fsync, rename); an unreadable file is first moved aside. The file holds every
     * job, so the read, change and write happen under {@code scheduler-state.lock} (an OS lock, exclusive between
     * threads too): a daemon and an {@code archivist run --once}, or two embedded schedulers' stores, saving at once
     * would otherwise each write the file as they read it, and the second would undo the first's update.
     *
     * @throws dev.archivist.LockUnavailableException when another process holds that lock for {@value #LOCK_SECONDS} s
     */
    public synchronized void save(JobId job, JobState state) throws IOException {
        Durable.ensureDirectory(file.getParent());
        try (DirectoryLock held = DirectoryLock.acquire(lockFile, LOCK_TIMEOUT, "scheduler state update", w -> { })) {
            saveLocked(job, state);
        }
    }

    /**
     * Writes the file again without the values it holds that cannot be read (the damaged file kept aside), so that the
     * next start does not report them again; nothing when the file is missing or readable. A daemon calls it on start.
     */
    public synchronized void repair() throws IOException {
        if (!Files.isRegularFile(file)) {
            return;
        }
        try (DirectoryLock held = DirectoryLock.acquire(lockFile, LOCK_TIMEOUT, "scheduler state update", w -> { })) {
            Map<String, JobState> all = load();
            if (unreadable) {
                write(all);
            }
        }
    }

    /** The read-modify-write of {@link #save}, under the state's lock. */
    private void saveLocked(JobId job, JobState state) throws IOException {
        Map<String, JobState> all = load();
        all.put(job.id(), state);
        write(all);
    }

    /** Writes {@code all} as the state, an unreadable file (as last loaded) first moved aside. */
    private void write(Map<String, JobState> all) throws IOException {
        if (unreadable) {
            Path aside = file.resolveSibling(file.getFileName() + ".damaged-"
                    + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
                    .format(java.time.Instant.now().atOffset(java.time.ZoneOffset.UTC)));
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            LOG.warn("the unreadable scheduler state is kept as {}", aside);
        }
        Durable.writeAtomically(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(all));
    }

    /** The state file's identity (device, inode and mtime), to report one damaged file once; null if unknown. */
    private Object identity() {
        try {
            var a = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
            return java.util.List.of(String.valueOf(a.fileKey()), a.lastModifiedTime(), a.size());
        } catch (IOException e) {
            return null;
        }
    }
}
