package dev.archivist.cli;

import dev.archivist.catalog.Catalog;
import dev.archivist.catalog.DirectoryLock;
import dev.archivist.config.Settings;
import dev.archivist.schedule.BackupScheduler;
import dev.archivist.schedule.Job;
import dev.archivist.schedule.Scheduler;
import java.io.PrintWriter;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/** {@code archivist run}: the daemon, or {@code --once} for cron lines and systemd timers. */
@Command(name = "run", mixinStandardHelpOptions = true, footer = ExitCodes.HELP,
        description = "Run the scheduler daemon (one per backup directory; SIGTERM/SIGINT stop it cleanly), "
                + "or with --once run every enabled job once now (database, storage, full, rotation) and exit 1 if any failed.")
public final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Option(names = "--once", description = "Run every enabled job once now, in order, then exit.")
    boolean once;

    @Override
    public Integer call() throws Exception {
        if (once) {
            StopNotice.install(spec, false);
        }
        Settings settings = config.load();
        PrintWriter out = spec.commandLine().getOut();
        BackupScheduler scheduler = new BackupScheduler(settings);
        return once ? runOnce(scheduler, out) : daemon(settings, scheduler, out);
    }

    /**
     * Runs every enabled job once, in this thread. Stopped by SIGTERM or SIGINT (a systemd stop of the oneshot unit), it
     * behaves as {@code backup} does: the running job is interrupted, nothing more is committed, what it wrote is
     * removed, and the stop is reported, naming any backup already complete.
     */
    private int runOnce(BackupScheduler scheduler, PrintWriter out) {
        scheduler.service().sweepOnShutdown(StopNotice.reporter(scheduler.service()));
        boolean failed = false;
        boolean any = false;
        for (Job job : scheduler.core().jobs()) {
            if (!job.enabled() || StopNotice.stopping()) {
                continue;
            }
            any = true;
            Scheduler.RunOutcome o = scheduler.trigger(job.id().triggerName());
            out.printf("%-17s %-8s %6d ms  %s%n", job.id().id(), o.outcome(), o.duration().toMillis(), o.message());
            out.flush();
            failed |= !o.succeeded();
        }
        if (!any) {
            out.println("no job is enabled (BACKUP_*_ENABLED): nothing to run");
            out.flush();
        }
        // exit 1 if any job failed (issue 5), one that waited in vain for another process's lock too: its line says so
        return failed ? ExitCodes.FAILED : ExitCodes.OK;
    }

    private int daemon(Settings settings, BackupScheduler scheduler, PrintWriter out) throws Exception {
        // Handlers first: a signal from now on stops the daemon cleanly (exit 0) instead of killing the JVM (143/130).
        CountDownLatch stop = new CountDownLatch(1);
        handle("TERM", stop, scheduler);
        handle("INT", stop, scheduler);
        handle("HUP", stop, scheduler); // a foreground daemon's terminal closed: a stop, not a kill (no reload)
        // one scheduler per backup directory, a daemon's or an application's (BackupScheduler); another's refusal is
        // exit 3 through ExitCodes: a line on stderr, and with JSON_LOGS the JSON line a log pipeline reads
        scheduler.claim(BackupScheduler.DAEMON, stop::countDown);
        try {
            ScheduleView.text(out, scheduler.jobs(), settings.zone(), Instant.now(), 1, settings.schedule().jitter());
            dev.archivist.schedule.DayRuleNotes.of(settings.schedule()).forEach(LOG::warn);
            dev.archivist.LayoutNotes.of(settings).forEach(LOG::warn);
            MissingSources.of(settings).forEach(LOG::warn);
            SystemTimeZone.warning(System.getenv(), config.envFileTimeZone(), settings.zone()).ifPresent(LOG::warn);
            if (scheduler.jobs().stream().noneMatch(BackupScheduler.JobInfo::enabled)) {
                LOG.warn("every job is disabled (BACKUP_DATABASE_ENABLED, BACKUP_STORAGE_ENABLED, BACKUP_FULL_ENABLED, "
                        + "BACKUP_ROTATION_ENABLED): the daemon has nothing to do");
            }
            if (stop.getCount() > 0) { // a signal during start-up: nothing is started
                scheduler.start(); // its catch-up decisions and first state are logged and written before "started"
                LOG.info("daemon started (pid {}) on {}", ProcessHandle.current().pid(), settings.backupDir());
            }
            stop.await();
            LOG.info("shutdown requested: starting nothing new, waiting up to {} s for a running job",
                    settings.schedule().shutdownTimeout().toSeconds());
        } finally {
            boolean clean = scheduler.stop();
            if (!clean) {
                removeLeftovers(new Catalog(settings.backupDir()));
            }
            LOG.info("daemon stopped{}", clean ? "" : " (a running job was aborted)");
        }
        return scheduler.lockLost() ? ExitCodes.LOCKED : ExitCodes.OK;
    }

    /**
     * Installs a handler that releases {@code stop}, and on a second signal during the shutdown aborts the running job
     * at once (as a second Ctrl-C does for most tools); warns when the signal cannot be caught.
     */
    private static void handle(String name, CountDownLatch stop, BackupScheduler scheduler) {
        try {
            SignalHandler old = Signal.handle(new Signal(name), s -> {
                if (stop.getCount() == 0) {
                    LOG.warn("received SIG{} again: aborting the running job now", name);
                    scheduler.abortRunningJob();
                    return;
                }
                LOG.info("received SIG{}", name);
                scheduler.stopStarting(); // before start() is done too: no catch-up run begins after the signal
                stop.countDown();
            });
            if (old == SignalHandler.SIG_IGN) {
                // The JVM leaves a signal that the parent process ignored ignored (e.g. SIGINT of a background job).
                LOG.warn("SIG{} is ignored by this process (inherited from its parent); stop the daemon with SIGTERM", name);
            }
        } catch (IllegalArgumentException e) {
            LOG.warn("cannot handle SIG{} ({}); it will stop the JVM without waiting for a running job", name, e.getMessage());
        }
    }

    /** After an aborted job: removes what it left behind, under the backup lock (best effort; the next run also does). */
    private static void removeLeftovers(Catalog catalog) {
        // a short wait: the shutdown has used its timeout already, and another process's command holds the lock for
        // as long as it runs (the next run removes the leftovers then)
        try (DirectoryLock lock = catalog.lock(Duration.ofSeconds(1), "archivist run (shutdown cleanup)", LOG::info)) {
            catalog.removeLeftovers();
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not remove the aborted job's leftovers now (the next run will): {}", e.getMessage());
        }
    }
}
