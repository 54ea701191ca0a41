package dev.archivist.config;

import java.util.Set;

/**
 * One raw configuration value and its origin, before parsing; {@code secrets} are the texts in it that a
 * {@code .env} reference put there from a secret ({@code MAX_BACKUPS=${DB_PASSWORD}}), masked wherever it is shown.
 */
public record ConfigValue(ConfigKey key, String raw, ConfigOrigin origin, Set<String> secrets) {
    public ConfigValue {
        secrets = Set.copyOf(secrets);
    }

    public ConfigValue(ConfigKey key, String raw, ConfigOrigin origin) {
        this(key, raw, origin, Set.of());
    }
}
