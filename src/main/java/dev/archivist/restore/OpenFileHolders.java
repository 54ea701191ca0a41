package dev.archivist.restore;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The other processes that hold a file open, as {@code fuser} finds them: every {@code /proc/<pid>/fd/<n>} is
 * stat'ed through its link and compared with the files' device and inode. Only processes whose descriptors this user
 * may list are seen (its own user's; all of them as root); where there is no {@code /proc}, none are.
 *
 * <p>Written here rather than taken from a library: Java offers no way to list another process's open files, and
 * running {@code fuser} or {@code lsof} would make restore depend on tools a slim container may not have.
 */
public final class OpenFileHolders {
    private OpenFileHolders() {
    }

    /** The processes other than this one holding any of {@code files} open, as "pid (command)"; empty when none. */
    public static List<String> of(List<Path> files) {
        Set<Object> keys = new HashSet<>();
        for (Path f : files) {
            try {
                keys.add(Files.readAttributes(f, BasicFileAttributes.class).fileKey());
            } catch (IOException absent) {
                // not there: nobody holds it
            }
        }
        keys.remove(null);
        List<String> holders = new ArrayList<>();
        if (keys.isEmpty()) {
            return holders;
        }
        String self = Long.toString(ProcessHandle.current().pid());
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path process : processes) {
                if (!process.getFileName().toString().equals(self) && holdsAny(process, keys)) {
                    holders.add(process.getFileName() + " (" + command(process) + ")");
                }
            }
        } catch (IOException | RuntimeException noProc) {
            // no /proc (not Linux): the holders cannot be known
        }
        return holders;
    }

    private static boolean holdsAny(Path process, Set<Object> keys) {
        try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(process.resolve("fd"))) {
            for (Path fd : descriptors) {
                try { // stat through the link: the open file itself, even one already deleted
                    if (keys.contains(Files.readAttributes(fd, BasicFileAttributes.class).fileKey())) {
                        return true;
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor was closed since the listing
                }
            }
        } catch (IOException | RuntimeException notListable) {
            return false; // ended meanwhile, or another user's process: not ours to see
        }
        return false;
    }

    private static String command(Path process) {
        try {
            return Files.readString(process.resolve("comm")).strip();
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }
}
