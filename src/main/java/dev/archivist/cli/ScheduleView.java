package dev.archivist.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.archivist.catalog.Json;
import dev.archivist.schedule.BackupScheduler;
import dev.archivist.schedule.CronExpression;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** Renders the daemon's jobs (the original's {@code print_schedule()}), as text or JSON. */
final class ScheduleView {
    private ScheduleView() {
    }

    static List<Instant> nextTimes(String cron, ZoneId zone, Instant from, int count) {
        CronExpression expr = CronExpression.parse(cron);
        List<Instant> times = new ArrayList<>();
        Instant t = from;
        for (int i = 0; i < count; i++) {
            t = expr.next(t, zone);
            if (t == null) {
                break;
            }
            times.add(t);
        }
        return times;
    }

    static String local(Instant t, ZoneId zone) {
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t.atZone(zone).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    static String utc(Instant t) {
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t.atOffset(ZoneOffset.UTC).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)).replace("+00:00", "Z");
    }

    /** The jobs as text; with a {@code jitter} (BACKUP_JITTER_SECONDS), that runs start up to that much later. */
    static void text(PrintWriter out, List<BackupScheduler.JobInfo> jobs, ZoneId zone, Instant now, int count,
            java.time.Duration jitter) {
        out.println("Schedule (zone " + zone.getId() + (jitter.isZero() ? "" : "; each run starts up to "
                + jitter.toSeconds() + " s after its fire time, BACKUP_JITTER_SECONDS") + "):");
        for (BackupScheduler.JobInfo j : jobs) {
            out.printf("  %-17s %-16s %-14s %s%n", j.id(), j.name(), "'" + j.cron() + "'", j.enabled() ? "enabled" : "disabled");
            if (j.enabled()) {
                for (Instant t : nextTimes(j.cron(), zone, now, count)) {
                    out.printf("      next %s  (%s)%n", local(t, zone), utc(t));
                }
            }
            if (j.last() != null && j.last().lastFireTime() != null) { // a job watched but never run has no last fire
                out.printf("      last fire %s%s: %s%s%n", j.last().lastFireTime(),
                        j.last().trigger() == null ? "" : " (" + j.last().trigger() + ")",
                        j.last().lastOutcome() == null ? "outcome unknown" : j.last().lastOutcome(),
                        j.last().lastMessage() == null ? "" : " - " + j.last().lastMessage());
            }
        }
        out.flush();
    }

    static ArrayNode json(List<BackupScheduler.JobInfo> jobs, ZoneId zone, Instant now, int count) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        for (BackupScheduler.JobInfo j : jobs) {
            ObjectNode n = array.addObject();
            n.put("id", j.id()).put("name", j.name()).put("cron", j.cron()).put("enabled", j.enabled());
            ArrayNode next = n.putArray("next");
            ArrayNode nextUtc = n.putArray("next_utc");
            if (j.enabled()) {
                for (Instant t : nextTimes(j.cron(), zone, now, count)) {
                    next.add(local(t, zone));
                    nextUtc.add(utc(t));
                }
            }
            n.put("last_fire_time", j.last() == null ? null : j.last().lastFireTime());
            n.put("last_outcome", j.last() == null ? null : j.last().lastOutcome());
            n.put("last_message", j.last() == null ? null : j.last().lastMessage());
            n.put("last_end_time", j.last() == null ? null : j.last().lastEndTime());
            n.put("last_duration_ms", j.last() == null ? null : j.last().lastDurationMs());
            n.put("last_trigger", j.last() == null ? null : j.last().trigger());
        }
        return array;
    }
}
