package dev.archivist.config;

/** Where an effective configuration value came from. */
public enum ConfigOrigin {
    DEFAULT("default"), ENVIRONMENT("environment"), DOTENV(".env"), FLAG("flag");

    private final String label;

    ConfigOrigin(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
