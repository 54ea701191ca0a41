package dev.archivist.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** How a source that is not there is named: a dangling symlink is said to be one, with where it leads. */
public final class MissingSource {
    private MissingSource() {
    }

    /**
     * {@code "does not exist"}, or for a symlink whose target is missing (a volume not mounted, a release folder
     * removed) {@code "is a symlink to TARGET, which does not exist"}: the path itself is there, so "does not exist"
     * sent operators looking in the wrong place.
     */
    public static String describe(Path source) {
        if (Files.isSymbolicLink(source)) {
            try {
                return "is a symlink to " + Files.readSymbolicLink(source) + ", which does not exist";
            } catch (IOException | UnsupportedOperationException e) {
                return "is a symlink that leads nowhere";
            }
        }
        return "does not exist";
    }
}
