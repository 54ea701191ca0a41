package dev.archivist.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The raw values of every {@link ConfigKey}, layered: built-in defaults, then the {@code .env} file, then the process
 * environment (which wins over {@code .env}, as python-dotenv does), then command-line flags on top.
 */
public final class RawConfig {
    private final Map<ConfigKey, ConfigValue> values;

    private RawConfig(Map<ConfigKey, ConfigValue> values) {
        this.values = values;
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
        if (envFile != null && (envFileRequired || Files.exists(envFile))) {
            try {
                DotEnv.parse(Files.readAllLines(envFile), environment, problems).forEach((name, raw) -> put(values, name, raw, ConfigOrigin.DOTENV));
            } catch (IOException e) {
                problems.add("env file " + envFile + ": cannot read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
            }
        }
        environment.forEach((name, raw) -> put(values, name, raw, ConfigOrigin.ENVIRONMENT));
        flags.forEach((key, raw) -> values.put(key, new ConfigValue(key, raw, ConfigOrigin.FLAG)));
        return new RawConfig(values);
    }

    private static void put(Map<ConfigKey, ConfigValue> values, String name, String raw, ConfigOrigin origin) {
        for (ConfigKey key : ConfigKey.values()) {
            if (key.name().equals(name)) {
                values.put(key, new ConfigValue(key, raw, origin));
                return;
            }
        }
    }

    public ConfigValue get(ConfigKey key) {
        return values.get(key);
    }

    public String raw(ConfigKey key) {
        return values.get(key).raw();
    }
}
