package dev.archivist.config;

/** One raw configuration value and its origin, before parsing. */
public record ConfigValue(ConfigKey key, String raw, ConfigOrigin origin) {
}
