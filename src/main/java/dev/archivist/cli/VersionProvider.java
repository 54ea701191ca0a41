package dev.archivist.cli;

import dev.archivist.Version;
import picocli.CommandLine.IVersionProvider;

/** {@code archivist --version}. */
public final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"archivist " + Version.get()};
    }
}
