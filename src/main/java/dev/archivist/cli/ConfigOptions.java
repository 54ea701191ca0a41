package dev.archivist.cli;

import dev.archivist.config.ConfigKey;
import dev.archivist.config.RawConfig;
import dev.archivist.config.Redactor;
import dev.archivist.config.Settings;
import dev.archivist.config.SettingsLoader;
import dev.archivist.logging.LoggingSetup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every command shares: where configuration comes from, and flags that override it. */
public final class ConfigOptions {
    @Option(names = "--env-file", paramLabel = "PATH", description = "Read this .env file instead of ./.env.")
    Path envFile;

    /** As given: parsed here, so that a malformed one is never echoed (picocli's own map parsing would show it). */
    @Option(names = {"-S", "--set"}, paramLabel = "VAR=VALUE", description = "Override any configuration variable, e.g. --set MAX_BACKUPS=3 (repeatable).")
    List<String> setArgs = new ArrayList<>();

    /** Overrides a command sets itself ({@code --allow-outside-symlinks}), applied as {@code --set}s. */
    Map<String, String> sets = new LinkedHashMap<>();

    @Option(names = "--backup-dir", paramLabel = "PATH", description = "Same as --set BACKUP_DIR=PATH.")
    String backupDir;

    @Option(names = "--database-url", paramLabel = "URL", description = "Same as --set DATABASE_URL=URL.")
    String databaseUrl;

    @Option(names = "--storage-path", paramLabel = "PATH", description = "Same as --set STORAGE_PATH=PATH.")
    String storagePath;

    @Option(names = "--compression", paramLabel = "CODEC", description = "Same as --set BACKUP_COMPRESSION=CODEC (zstd, gz, xz, none).")
    String compression;

    /** Environment the settings are read from; tests replace it. */
    static Map<String, String> environment = System.getenv();

    private String envFileTimeZone;

    /** Read the .env file and the flags only (the demo's sample configuration), not the environment. */
    boolean ignoreEnvironment;

    /** The layered raw values, for {@code archivist config}. */
    RawConfig raw(List<String> problems) {
        if (!ignoreEnvironment) {
            LauncherVariables.check(environment, problems);
        }
        Path file = envFile != null ? envFile : Path.of(".env");
        if (envFile != null && envFile.toString().isEmpty()) { // read as the working directory: "Is a directory"
            problems.add("--env-file is empty (a variable left unset in a script?): name the file to read");
            file = null;
        }
        RawConfig raw = RawConfig.load(ignoreEnvironment ? Map.of() : environment, file, envFile != null, flags(problems),
                problems);
        Redactor.maskEverywhere(raw.secrets()); // in the paths that logs and output show, as in config's values
        return raw;
    }

    /** Loads, validates and applies logging settings; throws ConfigException listing every problem. */
    Settings load() {
        return load(SettingsLoader.CatalogAccess.READ_WRITE);
    }

    /** As {@link #load()}, for a command that only reads the backup directory: it need not be writable. */
    Settings loadForReading() {
        return load(SettingsLoader.CatalogAccess.READ_ONLY);
    }

    /** {@code TZ} as the {@code .env} file last loaded sets it, unless the environment does ({@link RawConfig#envFileTimeZone()}). */
    String envFileTimeZone() {
        return envFileTimeZone;
    }

    private Settings load(SettingsLoader.CatalogAccess access) {
        List<String> problems = new ArrayList<>();
        RawConfig raw = raw(problems);
        envFileTimeZone = raw.envFileTimeZone();
        Settings settings = validate(raw, problems, access);
        LoggingSetup.configure(settings.logLevel(), settings.jsonLogs());
        raw.warnings().forEach(w -> org.slf4j.LoggerFactory.getLogger(ConfigOptions.class).warn(w));
        return settings;
    }

    /**
     * Validates {@code raw}; a broken configuration is first set to be logged in the form {@code JSON_LOGS} asks for
     * (when it can be read), so that a JSON log pipeline sees it as an event too.
     */
    static Settings validate(RawConfig raw, List<String> problems, SettingsLoader.CatalogAccess access) {
        try {
            return SettingsLoader.validate(raw, problems, access);
        } catch (dev.archivist.config.ConfigException e) {
            LoggingSetup.configure("WARN", SettingsLoader.jsonLogs(raw));
            // a misspelt name is often the cause of a problem: its hint is shown beside it, not only once all is valid
            raw.warnings().forEach(w -> org.slf4j.LoggerFactory.getLogger(ConfigOptions.class).warn(w));
            throw e;
        }
    }

    private Map<ConfigKey, String> flags(List<String> problems) {
        Map<ConfigKey, String> flags = new EnumMap<>(ConfigKey.class);
        Map<String, String> all = new LinkedHashMap<>();
        for (String arg : setArgs) {
            int eq = arg.indexOf('=');
            if (eq <= 0) { // the value is not shown: it may be a secret typed with a space for the '='
                problems.add("--set expects VAR=VALUE: an argument " + (eq == 0 ? "starts with '='" : "has no '='")
                        + " (not shown, it may hold a secret)");
            } else {
                all.put(arg.substring(0, eq), arg.substring(eq + 1));
            }
        }
        all.putAll(sets);
        all.forEach((name, value) -> {
            try {
                flags.put(ConfigKey.valueOf(name), value);
            } catch (IllegalArgumentException e) {
                problems.add("unknown configuration variable in --set: " + name);
            }
        });
        putIf(flags, ConfigKey.BACKUP_DIR, "--backup-dir", backupDir, problems);
        putIf(flags, ConfigKey.DATABASE_URL, "--database-url", databaseUrl, problems);
        putIf(flags, ConfigKey.STORAGE_PATH, "--storage-path", storagePath, problems);
        putIf(flags, ConfigKey.BACKUP_COMPRESSION, "--compression", compression, problems);
        return flags;
    }

    /** A shortcut flag; one that contradicts a {@code --set} of the same variable is a problem, not a silent pick. */
    private static void putIf(Map<ConfigKey, String> flags, ConfigKey key, String flag, String value, List<String> problems) {
        if (value == null) {
            return;
        }
        String set = flags.get(key);
        if (set != null && !set.equals(value)) {
            problems.add(flag + "='" + Redactor.redactValue(key.name(), value) + "' and --set " + key.name() + "='"
                    + Redactor.redactValue(key.name(), set) + "' disagree: give one"); // each masked whole, as config shows it
        }
        flags.put(key, value);
    }
}
