package dev.archivist.cli;

import dev.archivist.Version;
import picocli.CommandLine.IVersionProvider;

/** {@code archivist --version}, and with {@code --json} the same as one JSON object. */
public final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"archivist " + Version.get()};
    }

    /** What {@link #getVersion} says, as {@code archivist --version --json} prints it: {@code {"version": "…"}}. */
    static java.util.Map<String, String> json() {
        return java.util.Map.of("version", Version.get());
    }
}
