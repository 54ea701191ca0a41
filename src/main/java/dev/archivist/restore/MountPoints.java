package dev.archivist.restore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The mount points of this process's mount namespace, from {@code /proc/self/mountinfo} (Linux). A folder that is a
 * mount point cannot be renamed ({@code EBUSY}), and one that holds mount points would carry them along with it. Read
 * by hand: the JDK's file stores give the mount a path is on, not the mounts inside a folder.
 */
public final class MountPoints {
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");
    private static final int MOUNT_POINT_FIELD = 4;

    private MountPoints() {
    }

    /** The mount points that are {@code folder} (a real path) or lie inside it; none where mountinfo cannot be read. */
    public static List<Path> atOrUnder(Path folder) {
        return atOrUnder(folder, MOUNTINFO);
    }

    /** As {@link #atOrUnder(Path)}, from the given mountinfo file. */
    static List<Path> atOrUnder(Path folder, Path mountinfo) {
        List<Path> found = new ArrayList<>();
        for (Path mount : read(mountinfo)) {
            if (mount.startsWith(folder)) {
                found.add(mount);
            }
        }
        return found;
    }

    /** Every mount point listed in {@code mountinfo}; none when it cannot be read. */
    static List<Path> read(Path mountinfo) {
        List<String> lines;
        try {
            // ISO-8859-1 keeps each byte as one char: the octal escapes are undone on bytes, then decoded as UTF-8
            lines = Files.readAllLines(mountinfo, StandardCharsets.ISO_8859_1);
        } catch (IOException | UnsupportedOperationException e) {
            return List.of();
        }
        List<Path> mounts = new ArrayList<>();
        for (String line : lines) {
            String[] fields = line.split(" ");
            if (fields.length > MOUNT_POINT_FIELD) {
                mounts.add(Path.of(unescape(fields[MOUNT_POINT_FIELD])));
            }
        }
        return mounts;
    }

    /** Undoes the kernel's octal escapes ({@code \040} for a space, {@code \011}, {@code \012}, {@code \134}). */
    static String unescape(String field) {
        byte[] out = new byte[field.length()];
        int n = 0;
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1)) {
                out[n++] = (byte) Integer.parseInt(field.substring(i + 1, i + 4), 8);
                i += 3;
            } else {
                out[n++] = (byte) c;
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    private static boolean isOctal(String s, int from) {
        for (int i = from; i < from + 3; i++) {
            if (i >= s.length() || s.charAt(i) < '0' || s.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }
}
