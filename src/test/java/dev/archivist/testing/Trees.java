package dev.archivist.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.archive.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Tree fixtures shared by the archive and storage tests: fixed mtimes, a comparable description, hashes, shell. */
public final class Trees {
    private Trees() {
    }

    /** Writes the file {@code rel} under {@code root}, its own path as its content, making its folders. */
    public static Path file(Path root, String rel) throws IOException {
        Path f = root.resolve(rel);
        Files.createDirectories(f.getParent());
        return Files.writeString(f, rel);
    }

    /** Sets every entry's mtime (children first, so directory times stick). */
    public static void setMtimes(Path root, long epochSeconds) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            List<Path> all = new ArrayList<>(s.toList());
            all.sort(Comparator.comparingInt(Path::getNameCount).reversed());
            long t = epochSeconds;
            for (Path p : all) {
                if (!Files.isSymbolicLink(p) && !p.equals(root)) {
                    Files.setLastModifiedTime(p, FileTime.fromMillis(t * 1000 + 123));
                }
                t += 7;
            }
        }
    }

    /**
     * rel path → "type mode mtime(ns) sha|target" for every directory, regular file and symlink below root (links are
     * not followed; other types are left out).
     */
    public static TreeMap<String, String> describe(Path root) throws IOException {
        TreeMap<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (p.equals(root)) {
                    continue;
                }
                String rel = root.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    m.put(rel, "link -> " + Files.readSymbolicLink(p));
                    continue;
                }
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
                long mtime = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).to(TimeUnit.NANOSECONDS);
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    m.put(rel, "dir " + mode + " " + mtime);
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    m.put(rel, "file " + mode + " " + mtime + " " + sha256(p));
                }
            }
        }
        return m;
    }

    /** {@link #describe} without the entries {@code keep} rejects. */
    public static TreeMap<String, String> describe(Path root, java.util.function.Predicate<String> keep) throws IOException {
        TreeMap<String, String> m = describe(root);
        m.keySet().removeIf(k -> !keep.test(k));
        return m;
    }

    public static String sha256(byte[] data) {
        return Sha256.of(data);
    }

    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = Sha256.digest();
            byte[] buf = new byte[1 << 16];
            for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                md.update(buf, 0, n);
            }
            return Sha256.hex(md.digest());
        }
    }

    /** Runs {@code bash -c script}; asserts exit 0; returns stdout and stderr. */
    public static String sh(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(out);
        }
        int rc = p.waitFor();
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(rc).as("exit code of %s\n%s", script, text).isZero();
        return text;
    }

    public static String q(Object p) {
        return "'" + p.toString().replace("'", "'\\''") + "'";
    }
}
