package dev.archivist.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.archivist.BackupService;
import dev.archivist.CatalogStats;
import dev.archivist.Plural;
import dev.archivist.catalog.Json;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code archivist stats}: counts, sizes, oldest and newest per type. */
@Command(name = "stats", mixinStandardHelpOptions = true, footer = ExitCodes.HELP,
        description = "Counts, total sizes, oldest and newest backup per type, age of the newest.")
public final class StatsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
        BackupService service = Services.create(config.loadForReading(), spec);
        CatalogStats stats = service.stats();
        Output.catalogNotices(service, spec.commandLine().getErr());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode root = Json.MAPPER.createObjectNode();
            root.put("total_backups", stats.totalBackups());
            root.put("total_size", stats.totalBytes());
            root.put("broken_backups", stats.brokenBackups());
            root.put("unreadable_manifests", stats.unreadableManifests());
            ObjectNode types = root.putObject("types");
            for (CatalogStats.TypeStats t : stats.types()) {
                ObjectNode n = types.putObject(t.type().wireName());
                n.put("count", t.count());
                n.put("broken", t.broken());
                n.put("total_size", t.bytes());
                n.put("oldest_id", t.oldestId());
                n.put("oldest", t.oldest() == null ? null : t.oldest().toString());
                n.put("newest_id", t.newestId());
                n.put("newest", t.newest() == null ? null : t.newest().toString());
                if (t.newestAge() == null) {
                    n.putNull("newest_age_seconds");
                } else {
                    n.put("newest_age_seconds", t.newestAge().getSeconds());
                }
                n.put("last_verified", t.lastVerified() == null ? null : t.lastVerified().toString());
                if (t.lastVerifiedClean() == null) {
                    n.putNull("last_verified_clean");
                } else {
                    n.put("last_verified_clean", t.lastVerifiedClean());
                    n.put("last_verified_deep", t.lastVerifiedDeep());
                }
            }
            Output.json(out, root);
            return ExitCodes.OK;
        }
        out.printf("%-9s %6s %10s  %-20s  %-20s  %-10s  %s%n", "TYPE", "COUNT", "SIZE", "OLDEST (UTC)", "NEWEST (UTC)",
                "NEWEST AGE", "LAST VERIFIED (UTC)");
        for (CatalogStats.TypeStats t : stats.types()) {
            // a full backup's data is its components', counted under database and storage: "-", not a puzzling 0 B
            String size = t.type() == dev.archivist.BackupType.FULL ? "-" : Output.size(t.bytes());
            out.printf("%-9s %6d %10s  %-20s  %-20s  %-10s  %s%n", t.type().wireName(), t.count(), size,
                    utc(t.oldest()), utc(t.newest()), Output.age(t.newestAge()), t.lastVerified() == null ? "never"
                            : (Boolean.TRUE.equals(t.lastVerifiedClean()) ? "clean " : "FAILED ")
                            + (t.lastVerifiedDeep() ? "" : "(checksums) ") + utc(t.lastVerified()));
        }
        out.printf("total: %d backups, %s (full backups are counted in their database and storage parts)%n",
                stats.totalBackups(), Output.size(stats.totalBytes()));
        if (stats.brokenBackups() > 0) {
            out.printf("%s cannot be restored, files missing or truncated (archivist list shows %s as BROKEN)%n",
                    Plural.of(stats.brokenBackups(), "backup"), stats.brokenBackups() == 1 ? "it" : "them");
        }
        if (stats.unreadableManifests() > 0) {
            out.printf("%s cannot be read: %s cannot be restored (archivist list shows %s)%n",
                    Plural.of(stats.unreadableManifests(), "manifest"), stats.unreadableManifests() == 1 ? "that backup" : "those backups",
                    stats.unreadableManifests() == 1 ? "it" : "them");
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** {@code 2026-11-20 03:00:00}, or {@code -} for none. */
    private static String utc(java.time.Instant t) {
        return t == null ? "-" : t.toString().replace('T', ' ').substring(0, 19);
    }
}
