package dev.archivist.schedule;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.archivist.catalog.Durable;
import dev.archivist.catalog.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** Persists every job's {@link JobState} atomically in {@code .archivist/scheduler-state.json}. */
public final class StateStore {
    private final Path file;

    public StateStore(Path stateDir) {
        this.file = stateDir.resolve("scheduler-state.json");
    }

    /** All jobs' states by job id; empty when none was saved or the file is unreadable. */
    public synchronized Map<String, JobState> load() {
        if (!Files.isRegularFile(file)) {
            return new TreeMap<>();
        }
        try {
            return new TreeMap<>(Json.MAPPER.readValue(file.toFile(), new TypeReference<Map<String, JobState>>() { }));
        } catch (IOException e) {
            return new TreeMap<>();
        }
    }

    /** Saves one job's state (write to temp, fsync, rename). */
    public synchronized void save(JobId job, JobState state) throws IOException {
        Map<String, JobState> all = load();
        all.put(job.id(), state);
        Durable.ensureDirectory(file.getParent());
        Durable.writeAtomically(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(all));
    }
}
