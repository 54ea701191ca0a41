package dev.archivist.schedule;

/** Does a job's work; returns a one-line summary (e.g. the backup id and size) or throws on failure. */
@FunctionalInterface
public interface JobRunner {
    String run(JobId job) throws Exception;
}
