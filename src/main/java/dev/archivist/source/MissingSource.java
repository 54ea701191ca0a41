package dev.archivist.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** How a source that is not there is named: a dangling symlink is said to be one, with where it leads. */
public final class MissingSource {
    private MissingSource() {
    }

    /**
     * {@code "does not exist"}, or for a symlink whose target is missing (a volume not mounted, a release folder
     * removed) {@code "is a symlink to TARGET, which does not exist"}, or cannot be followed (a loop): the path itself
     * is there, so "does not exist" sent operators looking in the wrong place.
     */
    public static String describe(Path source) {
        if (Files.isSymbolicLink(source)) {
            try {
                Path target = Files.readSymbolicLink(source);
                Path resolved = source.toAbsolutePath().getParent().resolve(target);
                // the target is there but cannot be followed: a loop of links, a broken link further on, a folder
                // on the way that cannot be entered
                return "is a symlink to " + target + (Files.exists(resolved, LinkOption.NOFOLLOW_LINKS)
                        ? ", which cannot be followed (a loop of links, a broken link further on, or no permission)"
                        : ", which does not exist");
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                return "is a symlink that leads nowhere";
            }
        }
        return "does not exist";
    }
}
