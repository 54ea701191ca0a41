package dev.archivist.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** TEMPORARY stub, replaced by the cron command. */
@Command(name = "cron")
public final class CronCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 0;
    }
}
