package dev.archivist.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.archivist.catalog.Json;
import dev.archivist.config.ConfigException;
import dev.archivist.config.RawConfig;
import dev.archivist.config.SettingsLoader;
import dev.archivist.schedule.CronExpression;
import java.io.PrintWriter;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code archivist cron}: shows when a cron expression fires next, in local time and UTC. Without {@code --zone} it
 * evaluates in the configured {@code BACKUP_TIMEZONE}, as the daemon does, so the times it prints are the daemon's;
 * the other variables are not checked (the expression may be meant to replace a broken schedule).
 */
@Command(name = "cron", mixinStandardHelpOptions = true, footer = ExitCodes.HELP,
        description = "Print the next fire times of a cron expression, in local time and UTC.")
public final class CronCommand implements Callable<Integer> {

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
    private static final Pattern DATE_ALONE = Pattern.compile("\\d{4}-\\d\\d-\\d\\d");
    private static final Pattern DATE_SPACE_TIME = Pattern.compile("(\\d{4}-\\d\\d-\\d\\d) +(\\d\\d:.*)");

    @Spec
    private CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Parameters(index = "0", paramLabel = "<expression>",
            description = "Five-field cron expression (quote it) or a macro such as @daily.")
    private String expression;

    @Option(names = "--zone", paramLabel = "<zone>",
            description = "Time zone to evaluate in, e.g. Europe/Berlin (default: BACKUP_TIMEZONE, as the daemon); empty: the system zone.")
    private String zone;

    @Option(names = "--from", paramLabel = "<time>",
            description = {"Start strictly after this time; default: now.",
                    "ISO-8601 with an offset (2024-11-03T01:30:00-04:00)",
                    "or without, read in the zone: the earlier offset",
                    "if ambiguous, the end of the gap if skipped;",
                    "a space for the T (2024-11-03 01:30) and a date",
                    "alone (its midnight) are read too."})
    private String from;

    @Option(names = "--count", paramLabel = "<n>", defaultValue = "5",
            description = "Number of fire times to print (default: ${DEFAULT-VALUE}).")
    private int count;

    @Option(names = "--json", description = "Print JSON: {\"expression\", \"zone\", \"next\": [...]}.")
    private boolean json;

    @Override
    public Integer call() {
        List<ZonedDateTime> times;
        ZoneId zoneId;
        CronExpression cron;
        try {
            cron = CronExpression.parse(expression);
            zoneId = zone();
            times = fireTimes(cron, start(zoneId));
        } catch (IllegalArgumentException | IllegalStateException | DateTimeException e) {
            // a DateTimeException: the fire times run past the last year java.time can represent (a --from near it)
            String reason = e instanceof DateTimeException && !(e instanceof java.time.format.DateTimeParseException)
                    ? "--from: fire times run past the last representable year (" + e.getMessage() + ")" : e.getMessage();
            spec.commandLine().getErr().println("archivist cron: " + reason);
            ExitCodes.logFailure("archivist cron", ExitCodes.USAGE, reason,
                    spec.commandLine().getParseResult() == null ? List.of() : spec.commandLine().getParseResult().originalArgs());
            if (json) {
                ExitCodes.json(spec.commandLine().getOut(), ExitCodes.USAGE, reason, List.of());
            }
            return ExitCodes.USAGE;
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode root = Json.MAPPER.createObjectNode();
            root.put("expression", cron.expression());
            root.put("zone", zoneId.getId());
            ArrayNode next = root.putArray("next");
            times.forEach(time -> next.add(FORMAT.format(time)));
            Output.json(out, root);
        } else {
            times.forEach(time -> out.println(
                    FORMAT.format(time) + "  (" + FORMAT.format(time.withZoneSameInstant(ZoneOffset.UTC)) + ")"));
            out.flush();
        }
        return ExitCodes.OK;
    }

    /** Most fire times {@code cron} and {@code schedule} print (all are computed before the first is printed). */
    static final int MAX_COUNT = 100_000;

    /** Refuses a {@code --count} outside 1-{@link #MAX_COUNT} (100,000,000 took 6 GiB and printed nothing). */
    static void checkCount(int count) {
        if (count < 1 || count > MAX_COUNT) {
            throw new IllegalArgumentException("--count must be 1-" + MAX_COUNT + ", got " + count);
        }
    }

    private List<ZonedDateTime> fireTimes(CronExpression cron, ZonedDateTime start) {
        checkCount(count);
        List<ZonedDateTime> times = new ArrayList<>();
        ZonedDateTime time = start;
        while (times.size() < count) {
            time = cron.next(time);
            times.add(time);
        }
        return times;
    }

    /**
     * {@code --zone}, else {@code BACKUP_TIMEZONE} as the daemon reads it; the rest of the configuration is not
     * validated here: an operator checks the expression that is to replace a broken one in {@code .env}. What was
     * asked for and cannot be read (a missing {@code --env-file}, an unknown {@code --set}) is exit 2 all the same.
     */
    private ZoneId zone() {
        RawConfig raw = null;
        if (config != null) {
            List<String> problems = new ArrayList<>();
            raw = config.raw(problems);
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
        }
        if (zone == null) {
            return raw == null ? ZoneId.systemDefault() : SettingsLoader.zone(raw);
        }
        if (zone.isBlank()) { // as an empty BACKUP_TIMEZONE, which the help names beside it
            return SettingsLoader.systemZone(raw);
        }
        ZoneId named = SettingsLoader.zoneNamed(zone.strip()); // in any case, as BACKUP_TIMEZONE
        if (named == null) {
            throw new IllegalArgumentException(SettingsLoader.ambiguousOffset(zone.strip())
                    ? "--zone '" + zone + "': " + SettingsLoader.ambiguity(zone.strip())
                    : "--zone: unknown time zone '" + zone + "'");
        }
        return named;
    }

    private ZonedDateTime start(ZoneId zoneId) {
        if (from == null) {
            return ZonedDateTime.now(zoneId);
        }
        try {
            TemporalAccessor parsed = DateTimeFormatter.ISO_DATE_TIME.parseBest(
                    isoDateTime(from.strip()), ZonedDateTime::from, LocalDateTime::from);
            if (parsed instanceof ZonedDateTime zoned) {
                return zoned.withZoneSameInstant(zoneId);
            }
            LocalDateTime local = (LocalDateTime) parsed;
            var transition = zoneId.getRules().getTransition(local);
            if (transition != null && transition.isGap()) {
                // a time the clocks skip: from the gap's end, where the night's skipped fixed-time runs happen (the
                // JDK's shift by the gap's length hid them); "strictly after" it, so from just before
                return transition.getInstant().minusNanos(1).atZone(zoneId);
            }
            return ZonedDateTime.ofLocal(local, zoneId, null);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("--from: cannot read '" + from
                    + "' (expected ISO-8601 such as 2024-11-03T01:30:00-04:00 or 2024-11-03T01:30)", e);
        }
    }

    /**
     * The date-time as ISO_DATE_TIME reads it: RFC 3339's space between date and time becomes the {@code T}, and a
     * date alone means its midnight ({@code 2024-11-03 01:30} and {@code 2024-11-03} are what an operator types).
     */
    private static String isoDateTime(String text) {
        if (DATE_ALONE.matcher(text).matches()) {
            return text + "T00:00";
        }
        Matcher spaced = DATE_SPACE_TIME.matcher(text);
        return spaced.matches() ? spaced.group(1) + 'T' + spaced.group(2) : text;
    }
}
