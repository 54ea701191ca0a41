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
     * is there, so "does not exist" sent operators looking in the wrong place; behind a folder that may not be
     * entered, {@code "cannot be reached: permission denied on the folder F"}.
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
        try {
            Files.readAttributes(source, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.AccessDeniedException e) {
            // a folder on its way may not be entered: the file may well be there
            Path abs = source.toAbsolutePath().normalize();
            for (int i = 1; i < abs.getNameCount(); i++) {
                Path folder = abs.getRoot().resolve(abs.subpath(0, i));
                if (Files.isDirectory(folder) && !Files.isExecutable(folder)) {
                    return "cannot be reached: permission denied on the folder " + folder;
                }
            }
            return "cannot be reached: permission denied";
        } catch (IOException | SecurityException e) {
            // not there: as said below
        }
        return "does not exist";
    }
}
