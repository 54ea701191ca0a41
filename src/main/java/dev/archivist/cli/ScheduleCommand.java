package dev.archivist.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.archivist.catalog.Json;
import dev.archivist.config.Settings;
import dev.archivist.schedule.BackupScheduler;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code archivist schedule}: the daemon's jobs, next fire times and last outcomes. */
@Command(name = "schedule", mixinStandardHelpOptions = true, footer = ExitCodes.HELP,
        description = "Show each job's id, name, cron expression, enabled flag, next fire times (local and UTC), last fire time and outcome.")
public final class ScheduleCommand implements Callable<Integer> {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ScheduleCommand.class);

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Option(names = "--count", defaultValue = "3", paramLabel = "N", description = "How many next fire times per job (default 3).")
    int count;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
        CronCommand.checkCount(count);
        Settings settings = config.load();
        SystemTimeZone.warning(System.getenv(), config.envFileTimeZone(), settings.zone()).ifPresent(LOG::warn);
        BackupScheduler scheduler = new BackupScheduler(settings);
        Instant now = Instant.now();
        if (json) {
            ObjectNode root = Json.MAPPER.createObjectNode();
            root.put("zone", settings.zone().getId());
            root.put("jitter_seconds", settings.schedule().jitter().toSeconds());
            root.set("jobs", ScheduleView.json(scheduler.jobs(), settings.zone(), now, count));
            Output.json(spec.commandLine().getOut(), root);
        } else {
            ScheduleView.text(spec.commandLine().getOut(), scheduler.jobs(), settings.zone(), now, count,
                    settings.schedule().jitter());
        }
        return ExitCodes.OK;
    }
}
