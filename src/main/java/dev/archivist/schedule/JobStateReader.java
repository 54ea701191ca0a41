package dev.archivist.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Reads one job's record of the scheduler state field by field, so that a bad field (a hand-edited duration, a fire
 * time written as a number or as a string that is no time) costs only that field, not every job's last fire time: each unusable field reads as
 * unknown and is named in {@code problems}.
 */
final class JobStateReader {
    private final String job;
    private final JsonNode node;
    private final List<String> problems;

    private JobStateReader(String job, JsonNode node, List<String> problems) {
        this.job = job;
        this.node = node;
        this.problems = problems;
    }

    /** The state {@code node} records for {@code job}; null (and a problem) when it is no JSON object. */
    static JobState read(String job, JsonNode node, List<String> problems) {
        if (node == null || !node.isObject()) {
            problems.add("job " + job + ": not a JSON object (" + abbreviated(node) + ")");
            return null;
        }
        JobStateReader r = new JobStateReader(job, node, problems);
        return new JobState(r.time("last_fire_time"), r.time("last_end_time"), r.text("last_outcome"),
                r.text("last_message"), r.whole("last_duration_ms"), r.text("trigger"), r.time("seen_through"));
    }

    /** A string field that must hold an instant ({@code 2024-05-06T02:00:00Z}); a string that is not one is unusable. */
    private String time(String field) {
        String v = text(field);
        if (v == null) {
            return null;
        }
        try {
            java.time.Instant.parse(v);
            return v;
        } catch (java.time.format.DateTimeParseException e) {
            problems.add("job " + job + ": " + field + " is not a time (" + abbreviated(node.get(field)) + ")");
            return null;
        }
    }

    private String text(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            return v.textValue();
        }
        problems.add("job " + job + ": " + field + " is not a string (" + abbreviated(v) + ")");
        return null;
    }

    private Long whole(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.longValue();
        }
        problems.add("job " + job + ": " + field + " is not a whole number (" + abbreviated(v) + ")");
        return null;
    }

    private static String abbreviated(JsonNode v) {
        String s = String.valueOf(v);
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
