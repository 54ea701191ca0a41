package dev.archivist.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Random storage trees for round-trip properties: names with spaces, Unicode, shell characters, newlines and up to
 * 255 bytes; empty, block-sized, incompressible and over-1-MiB files in assorted modes; folders in assorted modes;
 * symlinks inside, absolute, dangling and over 100 bytes; hard links; mtimes before 1970, past the ustar header's
 * 11 octal digits, and with nanoseconds. Deterministic for a given {@link Random}.
 */
public final class RandomTrees {
    private static final String[] NAME_PIECES = {"a", "Z", "7", " ", "-", "_", ".", "é", "日本", "😀", "$x", "'q'",
            "\"", "*", "?", "[b]", "\\", "\n", "~", "#", "%", "&", ";", "long-" + "n".repeat(60)};
    private static final String[] FILE_MODES = {"rw-r--r--", "rw-------", "rwxr-xr-x", "r--r--r--", "rwx------",
            "rw-r-----"};
    private static final String[] DIR_MODES = {"rwxr-xr-x", "rwx------", "rwxr-x---"};

    private RandomTrees() {
    }

    /** Up to ~40 entries in up to four levels; mtimes set last, deepest first, so folders keep theirs. */
    public static void build(Path root, Path outside, Random rnd) throws IOException, InterruptedException {
        Files.createDirectories(root);
        Files.writeString(outside, "outside");
        List<Path> dirs = new ArrayList<>(List.of(root));
        List<Path> files = new ArrayList<>();
        List<Path> all = new ArrayList<>();
        int entries = 1 + rnd.nextInt(40);
        for (int i = 0; i < entries; i++) {
            Path parent = dirs.get(rnd.nextInt(dirs.size()));
            Path p = parent.resolve(name(rnd));
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) || root.relativize(p).getNameCount() > 4
                    || dev.archivist.source.BackslashPaths.escape(root.relativize(p).toString()) != null) {
                continue; // (a path out of its folder where backslashes separate folders is not stored by design)
            }
            int kind = rnd.nextInt(10);
            if (kind < 5) {
                Files.write(p, content(rnd));
                files.add(p);
            } else if (kind < 7) {
                Files.createDirectory(p);
                dirs.add(p);
            } else if (kind < 9) {
                Files.createSymbolicLink(p, symlinkTarget(rnd, parent, files, outside));
            } else if (!files.isEmpty()) {
                Files.createLink(p, files.get(rnd.nextInt(files.size())));
            } else {
                continue;
            }
            all.add(p);
        }
        for (Path f : files) {
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(FILE_MODES[rnd.nextInt(FILE_MODES.length)]));
        }
        all.add(root);
        all.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        for (Path p : all) {
            if (Files.isSymbolicLink(p)) {
                continue; // a link's own time is not compared (Trees.describe leaves it out)
            }
            if (Files.isDirectory(p) && !p.equals(root)) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(DIR_MODES[rnd.nextInt(DIR_MODES.length)]));
            }
            setMtime(p, mtime(rnd));
        }
    }

    /** 1-255 bytes of UTF-8, never "." or "..", no slash or NUL. */
    private static String name(Random rnd) {
        StringBuilder sb = new StringBuilder();
        int pieces = 1 + rnd.nextInt(rnd.nextInt(10) == 0 ? 12 : 4);
        for (int i = 0; i < pieces; i++) {
            String piece = NAME_PIECES[rnd.nextInt(NAME_PIECES.length)];
            if ((sb + piece).getBytes(StandardCharsets.UTF_8).length > 255) {
                break;
            }
            sb.append(piece);
        }
        String n = sb.toString();
        return n.isEmpty() || n.equals(".") || n.equals("..") ? "n" + n : n;
    }

    private static byte[] content(Random rnd) {
        int size = switch (rnd.nextInt(10)) {
            case 0 -> 0;
            case 1 -> 512 * (1 + rnd.nextInt(4)); // ends on a tar block
            case 2 -> (1 << 20) + rnd.nextInt(300_000); // the large-file path
            case 3, 4, 5 -> rnd.nextInt(200_000);
            default -> rnd.nextInt(4096);
        };
        byte[] b = new byte[size];
        if (rnd.nextBoolean()) {
            rnd.nextBytes(b); // incompressible
        } else {
            for (int i = 0; i < size; i++) {
                b[i] = (byte) ('a' + (i * 7 + i / 100) % 26);
            }
        }
        return b;
    }

    private static Path symlinkTarget(Random rnd, Path parent, List<Path> files, Path outside) {
        return switch (rnd.nextInt(4)) {
            case 0 -> files.isEmpty() ? Path.of("nothing-yet") : parent.relativize(files.get(rnd.nextInt(files.size())));
            case 1 -> outside;
            case 2 -> Path.of("../dangling " + name(rnd).replace("\n", " "));
            default -> Path.of("t".repeat(90) + "/" + name(rnd)); // over 100 bytes now and then: a pax linkpath
        };
    }

    /** JDK 17 clamps times before 1970 to the epoch; GNU touch sets them exactly. */
    private static void setMtime(Path p, FileTime t) throws IOException, InterruptedException {
        Instant i = t.toInstant();
        if (!i.isBefore(Instant.EPOCH)) {
            Files.setLastModifiedTime(p, t);
            return;
        }
        String seconds = java.math.BigDecimal.valueOf(i.getEpochSecond())
                .add(java.math.BigDecimal.valueOf(i.getNano(), 9)).toPlainString();
        Trees.sh("touch -m -d @" + seconds + " -- " + Trees.q(p));
        if (!Files.getLastModifiedTime(p).equals(t)) {
            throw new IOException("touch did not set " + t + " on " + p);
        }
    }

    private static FileTime mtime(Random rnd) {
        long seconds = switch (rnd.nextInt(6)) {
            case 0 -> -rnd.nextInt(1_000_000_000); // before 1970
            case 1 -> 8_589_934_592L + rnd.nextInt(1_000_000); // past the 11 octal digits of a ustar header
            default -> 1_000_000_000L + rnd.nextInt(800_000_000);
        };
        int nanos = rnd.nextBoolean() ? 0 : rnd.nextInt(1_000_000_000);
        return FileTime.from(Instant.ofEpochSecond(seconds, nanos));
    }
}
