package dev.archivist.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The raw values of every {@link ConfigKey}, layered: built-in defaults, then the {@code .env} file, then the process
 * environment (which wins over {@code .env}, as python-dotenv does), then command-line flags on top.
 */
public final class RawConfig {
    private final Map<ConfigKey, ConfigValue> values;
    private final Path envFile;
    private final List<String> warnings;
    /** {@code TZ} as the {@code .env} file sets it, when the environment does not (it wins, as for every variable). */
    private final String envFileTimeZone;

    private RawConfig(Map<ConfigKey, ConfigValue> values, Path envFile, List<String> warnings, String envFileTimeZone) {
        this.values = values;
        this.envFile = envFile;
        this.warnings = List.copyOf(warnings);
        this.envFileTimeZone = envFileTimeZone;
    }

    /**
     * {@code TZ} as the {@code .env} file sets it, null when it does not or the environment sets {@code TZ} (the
     * environment wins over {@code .env}). The JVM reads only its own environment's {@code TZ}: this one is applied by
     * {@link SettingsLoader#systemZone(RawConfig)}, the zone of an empty {@code BACKUP_TIMEZONE}.
     */
    public String envFileTimeZone() {
        return envFileTimeZone;
    }

    /**
     * Layers the sources. A missing {@code envFile} is fine when it was not named explicitly
     * ({@code envFileRequired=false}); an unreadable one is a problem reported with the others.
     */
    public static RawConfig load(Map<String, String> environment, Path envFile, boolean envFileRequired,
                                 Map<ConfigKey, String> flags, List<String> problems) {
        Map<ConfigKey, ConfigValue> values = new EnumMap<>(ConfigKey.class);
        for (ConfigKey key : ConfigKey.values()) {
            values.put(key, new ConfigValue(key, key.defaultValue(), ConfigOrigin.DEFAULT));
        }
        List<String> warnings = new java.util.ArrayList<>();
        String[] envFileTz = {null};
        // a link that leads nowhere (a deploy's .env -> ../shared/.env whose target is gone) was meant to be read
        if (envFile != null && (envFileRequired || Files.exists(envFile) || Files.isSymbolicLink(envFile))) {
            try {
                Map<String, Set<String>> secrets = new java.util.HashMap<>();
                DotEnv.parse(EnvFileLines.read(envFile), environment, problems, warnings, envFile.toString(), secrets)
                        .forEach((name, raw) -> {
                            if ("TZ".equals(name) && !environment.containsKey("TZ")) {
                                envFileTz[0] = raw;
                            }
                            put(values, name, raw, ConfigOrigin.DOTENV, secrets.getOrDefault(name, Set.of()));
                            UnknownVariables.check(name, "in " + envFile)
                                    .or(() -> UnknownVariables.launcherOnly(name, "in " + envFile, environment))
                                    .ifPresent(warnings::add);
                        });
            } catch (EnvFileLines.NotText e) {
                problems.add("env file " + envFile + ": " + e.getMessage());
            } catch (IOException e) {
                problems.add("env file " + envFile + ": " + unreadable(envFile, e));
            }
        }
        environment.forEach((name, raw) -> {
            put(values, name, raw, ConfigOrigin.ENVIRONMENT, Set.of());
            UnknownVariables.check(name, "in the environment").ifPresent(warnings::add);
        });
        flags.forEach((key, raw) -> values.put(key, new ConfigValue(key, raw, ConfigOrigin.FLAG)));
        maxBackupsReplaced(values).ifPresent(warnings::add);
        return new RawConfig(values, envFile, warnings, envFileTz[0]);
    }

    /**
     * Why {@code envFile} could not be read, in words: for a symlink whose target does not exist, where it leads; for a
     * folder, that it is one.
     */
    private static String unreadable(Path envFile, IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException && Files.isSymbolicLink(envFile)) {
            try {
                return "a symlink to " + Files.readSymbolicLink(envFile) + ", which does not exist";
            } catch (IOException | UnsupportedOperationException ignored) {
                // gone or changed meanwhile: the reason as it came
            }
        }
        if (Files.isDirectory(envFile)) { // read as a file it says only "Is a directory"
            return "a folder, not a file: name the env file itself";
        }
        // in words ("no such file or directory"), not Java's exception class ("NoSuchFileException: <path>")
        return "cannot read (" + dev.archivist.ArchivistException.reasonAbout(envFile, e) + ")";
    }

    private static final List<ConfigKey> KEEP_RULES = List.of(ConfigKey.BACKUP_KEEP_LAST, ConfigKey.BACKUP_KEEP_HOURLY,
            ConfigKey.BACKUP_KEEP_DAILY, ConfigKey.BACKUP_KEEP_WEEKLY, ConfigKey.BACKUP_KEEP_MONTHLY,
            ConfigKey.BACKUP_KEEP_YEARLY, ConfigKey.BACKUP_KEEP_WITHIN);

    /**
     * A {@code MAX_BACKUPS} set in the {@code .env} file or the environment beside a {@code BACKUP_KEEP_*} rule, which
     * replaces it: rotation then kept far fewer backups than the {@code MAX_BACKUPS=30} carried over from the Python
     * tool's {@code .env} said, without a word. ({@code rotate --max-backups} says so itself.)
     */
    private static java.util.Optional<String> maxBackupsReplaced(Map<ConfigKey, ConfigValue> values) {
        ConfigValue max = values.get(ConfigKey.MAX_BACKUPS);
        if (max.origin() != ConfigOrigin.DOTENV && max.origin() != ConfigOrigin.ENVIRONMENT) {
            return java.util.Optional.empty();
        }
        return KEEP_RULES.stream().filter(key -> {
            String v = values.get(key).raw() == null ? "" : values.get(key).raw().strip();
            return !v.isEmpty() && !v.matches("[+-]?0+"); // 0 turns a rule off, as if unset
        }).findFirst().map(key -> "MAX_BACKUPS='" + Redactor.redactValue(ConfigKey.MAX_BACKUPS.name(), max.raw(),
                max.secrets()) + "' (" + max.origin().label() + ") has no effect: " + key.name() + " is set, and any"
                + " BACKUP_KEEP_* replaces MAX_BACKUPS (BACKUP_KEEP_LAST keeps the newest N beside the other rules)");
    }

    private static void put(Map<ConfigKey, ConfigValue> values, String name, String raw, ConfigOrigin origin,
                            Set<String> secrets) {
        for (ConfigKey key : ConfigKey.values()) {
            if (key.name().equals(name)) {
                values.put(key, new ConfigValue(key, raw, origin, secrets));
                return;
            }
        }
    }

    public ConfigValue get(ConfigKey key) {
        return values.get(key);
    }

    /** Where the value of {@code key} came from: {@code default}, {@code environment}, {@code .env} or {@code flag}. */
    public String sourceOf(ConfigKey key) {
        return values.get(key).origin().label();
    }

    /** The file named by {@code --env-file} that the value of {@code key} was read from; null for {@code ./.env} or none. */
    public String fileOf(ConfigKey key) {
        return values.get(key).origin() == ConfigOrigin.DOTENV && envFile != null && !envFile.toString().equals(".env")
                ? envFile.toString() : null;
    }

    /** {@link #sourceOf}, with the env file's path when it is not {@code ./.env}: {@code .env (conf/prod.env)}. */
    public String describeSource(ConfigKey key) {
        String file = fileOf(key);
        return file == null ? sourceOf(key) : sourceOf(key) + " (" + file + ")";
    }

    /** Variables that look like Archivist's but are none of them (a misspelt name is otherwise silently ignored). */
    public List<String> warnings() {
        return warnings;
    }

    public String raw(ConfigKey key) {
        return values.get(key).raw();
    }

    /** The value of {@code key} as it may be shown: {@link Redactor#redactValue}, with its {@link ConfigValue#secrets} masked. */
    public String shown(ConfigKey key) {
        ConfigValue v = values.get(key);
        return v.raw() == null ? "" : Redactor.redactValue(key.name(), v.raw(), v.secrets());
    }

    /**
     * {@code text} (a message, a path made of the values) as it may be shown: {@link Redactor#redact}, with the
     * {@link ConfigValue#secrets} of every value masked.
     */
    public String shownText(String text) {
        return Redactor.redact(text, secrets());
    }

    /** {@code value} (a path made of {@code key}'s value) as {@link #shown} shows {@code key}'s own. */
    public String shown(ConfigKey key, Object value) {
        return Redactor.redactValue(key.name(), String.valueOf(value), secrets());
    }

    /** The texts {@code .env} references took from secrets into these values ({@link ConfigValue#secrets}). */
    public Set<String> secrets() {
        Set<String> all = new java.util.HashSet<>();
        values.values().forEach(v -> all.addAll(v.secrets()));
        return all;
    }
}
