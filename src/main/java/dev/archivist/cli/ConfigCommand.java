package dev.archivist.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.archivist.Printable;
import dev.archivist.catalog.Json;
import dev.archivist.config.ConfigKey;
import dev.archivist.config.RawConfig;
import dev.archivist.config.Settings;
import dev.archivist.config.SettingsLoader;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code archivist config}: the effective configuration, where each value came from, secrets redacted. */
@Command(name = "config", mixinStandardHelpOptions = true, footer = ExitCodes.HELP,
        description = "Print the effective configuration and where each value came from (default, environment, .env, flag). Validates it: exit 2 on any problem.")
public final class ConfigCommand implements Callable<Integer> {
    private static final long MIB = 1024 * 1024;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
        List<String> problems = new ArrayList<>();
        RawConfig raw = config.raw(problems);
        Settings settings = ConfigOptions.validate(raw, problems, SettingsLoader.CatalogAccess.READ_WRITE);
        PrintWriter out = spec.commandLine().getOut();
        List<String> warnings = new ArrayList<>(raw.warnings());
        warnings.addAll(dev.archivist.schedule.DayRuleNotes.of(settings.schedule()));
        warnings.addAll(dev.archivist.LayoutNotes.of(settings));
        warnings.forEach(w -> spec.commandLine().getErr().println("archivist: warning: " + w));
        spec.commandLine().getErr().flush();
        if (json) {
            ObjectNode root = Json.MAPPER.createObjectNode();
            ObjectNode vars = root.putObject("variables");
            for (ConfigKey key : ConfigKey.values()) {
                ObjectNode var = vars.putObject(key.name()).put("value", raw.shown(key)).put("source", raw.sourceOf(key));
                if (raw.fileOf(key) != null) {
                    var.put("file", raw.fileOf(key));
                }
            }
            ObjectNode eff = root.putObject("effective");
            eff.put("database_path", raw.shown(ConfigKey.DATABASE_URL, settings.databasePath()));
            eff.put("storage_path", raw.shown(ConfigKey.STORAGE_PATH, settings.storagePath()));
            eff.put("backup_dir", raw.shown(ConfigKey.BACKUP_DIR, settings.backupDir()));
            eff.put("compression", settings.compression().wireName());
            eff.put("compression_level", settings.compressionLevel());
            eff.put("timezone", settings.zone().getId());
            Settings.ArchiveSettings archive = settings.archive();
            eff.put("auto_split", archive.autoSplit());
            eff.put("max_size_mb", archive.maxSizeBytes() / MIB);
            eff.put("chunk_size_mb", archive.chunkSizeBytes() / MIB);
            // the warnings of stderr, for a script that checks a configuration (a misspelt name, a reference to a
            // variable set nowhere): stderr is often not read, or mixed with the logs
            warnings.forEach(root.putArray("warnings")::add);
            Output.json(out, root);
            return ExitCodes.OK;
        }
        // values, sources and paths with their control characters escaped, as errors show them: a newline in a value
        // printed as it is made a line of its own, which read as another variable's setting
        for (ConfigKey key : ConfigKey.values()) {
            out.printf("%-32s = %-28s (%s)%n", key.name(), Printable.controlsEscaped(raw.shown(key)),
                    Printable.controlsEscaped(raw.describeSource(key)));
        }
        // each path redacted, as every value above: a path may carry a secret (?token=…, user:password@)
        out.printf("%neffective: database %s, storage %s, backups in %s, %s level %d, zone %s%n",
                Printable.controlsEscaped(raw.shown(ConfigKey.DATABASE_URL, settings.databasePath())),
                Printable.controlsEscaped(raw.shown(ConfigKey.STORAGE_PATH, settings.storagePath())),
                Printable.controlsEscaped(raw.shown(ConfigKey.BACKUP_DIR, settings.backupDir())),
                settings.compression().wireName(), settings.compressionLevel(), settings.zone().getId());
        out.println("effective: " + splitting(settings.archive()));
        out.flush();
        return ExitCodes.OK;
    }

    /**
     * How storage archives are split. The part size shown is the one used, which is not always the variable's: with
     * BACKUP_CHUNK_SIZE_MB unset, parts are never larger than BACKUP_MAX_SIZE_MB.
     */
    static String splitting(Settings.ArchiveSettings archive) {
        if (!archive.autoSplit()) {
            return "storage archives are never split";
        }
        return "storage archives over " + archive.maxSizeBytes() / MIB + " MiB are split into parts of "
                + archive.chunkSizeBytes() / MIB + " MiB";
    }
}
