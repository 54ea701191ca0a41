package dev.archivist.cli;

import dev.archivist.catalog.Catalog;
import dev.archivist.catalog.DirectoryLock;
import dev.archivist.catalog.LockHolder;
import dev.archivist.config.Settings;
import dev.archivist.schedule.BackupScheduler;
import dev.archivist.schedule.Job;
import dev.archivist.schedule.Scheduler;
import java.io.PrintWriter;
import java.nio.file.Path;
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
        Settings settings = config.load();
        PrintWriter out = spec.commandLine().getOut();
        BackupScheduler scheduler = new BackupScheduler(settings);
        if (once) {
            boolean failed = false;
            for (Job job : scheduler.core().jobs()) {
                if (!job.enabled()) {
                    continue;
                }
                Scheduler.RunOutcome o = scheduler.trigger(job.id().triggerName());
                out.printf("%-17s %-8s %6d ms  %s%n", job.id().id(), o.outcome(), o.duration().toMillis(), o.message());
                out.flush();
                failed |= !o.succeeded();
            }
            return failed ? ExitCodes.FAILED : ExitCodes.OK;
        }
        Catalog catalog = new Catalog(settings.backupDir());
        catalog.ensureLayout();
        Path lockFile = catalog.stateDir().resolve("daemon.lock");
        DirectoryLock daemonLock = DirectoryLock.tryAcquire(lockFile, "archivist run");
        if (daemonLock == null) {
            LockHolder holder = DirectoryLock.readHolder(lockFile);
            spec.commandLine().getErr().println("archivist: another daemon already runs on " + settings.backupDir() + ": "
                    + (holder == null ? "holder unknown" : holder));
            spec.commandLine().getErr().flush();
            return ExitCodes.LOCKED;
        }
        try (daemonLock) {
            CountDownLatch stop = new CountDownLatch(1);
            Signal.handle(new Signal("TERM"), s -> stop.countDown());
            Signal.handle(new Signal("INT"), s -> stop.countDown());
            ScheduleView.text(out, scheduler.jobs(), settings.zone(), Instant.now(), 1);
            LOG.info("daemon started (pid {}) on {}", ProcessHandle.current().pid(), settings.backupDir());
            scheduler.start();
            stop.await();
            LOG.info("shutdown requested: starting nothing new, waiting up to {} s for a running job",
                    settings.schedule().shutdownTimeout().toSeconds());
            boolean clean = scheduler.stop();
            LOG.info("daemon stopped{}", clean ? "" : " (a running job was aborted)");
        }
        return ExitCodes.OK;
    }
}
