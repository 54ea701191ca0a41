package dev.archivist.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A normal tree, written the way a real archiver writes it (UTF-8 names, PAX or GNU long names), comes back intact. */
class SafeExtractorRoundTripTest {
    private static final long T1 = 1_600_000_000_000L;
    private static final long T2 = 1_650_000_000_000L;
    private static final String LONG_NAME = "long/" + "n".repeat(200) + ".txt";
    private static final String UNICODE_NAME = "ünïcödé/" + "日本語".repeat(20) + "/" + "é".repeat(100) + ".txt";

    @TempDir
    Path temp;

    @ParameterizedTest
    @ValueSource(ints = {TarArchiveOutputStream.LONGFILE_POSIX, TarArchiveOutputStream.LONGFILE_GNU})
    void normalTreeRoundTrips(int longFileMode) throws Exception {
        byte[] big = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(big);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes, "UTF-8")) {
            out.setLongFileMode(longFileMode);
            dir(out, "./", 0755, T1);
            dir(out, "./docs/", 0750, T1);
            file(out, "./docs/readme.txt", "hello\n".getBytes(StandardCharsets.UTF_8), 0600, T2);
            file(out, "./docs/empty.txt", new byte[0], 0644, T1);
            file(out, "./docs/run.sh", "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8), 04755, T2);
            dir(out, "./empty-dir/", 0700, T2);
            dir(out, "./a/", 0755, T1);
            dir(out, "./a/b/", 0755, T1);
            file(out, "./a/b/big.bin", big, 0644, T1);
            link(out, "./a/b/readme-link", TarConstants.LF_SYMLINK, "../../docs/readme.txt", T2);
            link(out, "./docs/latest", TarConstants.LF_SYMLINK, "readme.txt", T1);
            link(out, "./docs/copy.txt", TarConstants.LF_LINK, "./docs/readme.txt", T1);
            file(out, LONG_NAME, "long".getBytes(StandardCharsets.UTF_8), 0644, T1);
            file(out, UNICODE_NAME, "unicode".getBytes(StandardCharsets.UTF_8), 0644, T1);
        }
        Path staging = Files.createDirectory(temp.resolve("staging"));

        ExtractionResult result = new SafeExtractor().extract(new ByteArrayInputStream(bytes.toByteArray()), staging, p -> true);

        Map<String, ExtractedEntry> byPath = result.entries().stream()
                .collect(Collectors.toMap(ExtractedEntry::path, Function.identity()));
        assertThat(byPath.keySet()).containsExactlyInAnyOrder("docs", "docs/readme.txt", "docs/empty.txt", "docs/run.sh",
                "empty-dir", "a", "a/b", "a/b/big.bin", "a/b/readme-link", "docs/latest", "docs/copy.txt",
                LONG_NAME, UNICODE_NAME); // parents without a dir entry ("long", "ünïcödé", ...) are created, not listed

        assertFile(staging, byPath, "docs/readme.txt", "hello\n".getBytes(StandardCharsets.UTF_8), "rw-------", T2);
        assertFile(staging, byPath, "docs/empty.txt", new byte[0], "rw-r--r--", T1);
        assertFile(staging, byPath, "docs/run.sh", "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8), "rwxr-xr-x", T2);
        assertFile(staging, byPath, "a/b/big.bin", big, "rw-r--r--", T1);
        // a hard link is another name of its target, as GNU tar extracts it: the target's mode and time, not its header's
        assertFile(staging, byPath, "docs/copy.txt", "hello\n".getBytes(StandardCharsets.UTF_8), "rw-------", T2);
        assertFile(staging, byPath, LONG_NAME, "long".getBytes(StandardCharsets.UTF_8), "rw-r--r--", T1);
        assertFile(staging, byPath, UNICODE_NAME, "unicode".getBytes(StandardCharsets.UTF_8), "rw-r--r--", T1);
        assertThat(Files.isSameFile(staging.resolve("docs/copy.txt"), staging.resolve("docs/readme.txt"))).isTrue();

        assertThat(byPath.get("docs/run.sh").mode()).isEqualTo(0755);
        assertDir(staging, "docs", "rwxr-x---", T1);
        assertDir(staging, "empty-dir", "rwx------", T2);
        assertDir(staging, "a/b", "rwxr-xr-x", T1);
        assertThat(staging.resolve("empty-dir")).isEmptyDirectory();

        assertSymlink(staging, byPath, "a/b/readme-link", "../../docs/readme.txt", T2);
        assertSymlink(staging, byPath, "docs/latest", "readme.txt", T1);
        assertThat(Files.readString(staging.resolve("a/b/readme-link"))).isEqualTo("hello\n");

        assertThat(result.bytesWritten()).as("the link's content is not written twice").isEqualTo(6 + 0 + 10 + big.length + 4 + 7);
        try (var walk = Files.walk(staging)) {
            assertThat(walk.count()).isEqualTo(byPath.size() + 3 + 1);
        }
    }

    private static void assertFile(Path staging, Map<String, ExtractedEntry> byPath, String path, byte[] content,
                                   String perms, long mtime) throws Exception {
        Path file = staging.resolve(path);
        assertThat(Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)).as(path).isTrue();
        assertThat(Files.readAllBytes(file)).as(path).isEqualTo(content);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(path).isEqualTo(perms);
        assertThat(Files.getLastModifiedTime(file).toMillis()).as(path).isEqualTo(mtime);
        ExtractedEntry entry = byPath.get(path);
        assertThat(entry.type()).isEqualTo(ExtractedEntry.FILE);
        assertThat(entry.size()).isEqualTo(content.length);
        assertThat(entry.sha256()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
        assertThat(entry.mtimeMillis()).isEqualTo(mtime);
    }

    private static void assertDir(Path staging, String path, String perms, long mtime) throws IOException {
        Path dir = staging.resolve(path);
        assertThat(Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)).as(path).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).as(path).isEqualTo(perms);
        assertThat(Files.getLastModifiedTime(dir).toMillis()).as(path).isEqualTo(mtime);
    }

    private static void assertSymlink(Path staging, Map<String, ExtractedEntry> byPath, String path, String target,
                                      long mtime) throws IOException {
        Path link = staging.resolve(path);
        assertThat(Files.isSymbolicLink(link)).as(path).isTrue();
        assertThat(Files.readSymbolicLink(link).toString()).isEqualTo(target);
        assertThat(Files.getLastModifiedTime(link, LinkOption.NOFOLLOW_LINKS).toMillis()).as(path).isEqualTo(mtime);
        assertThat(byPath.get(path).type()).isEqualTo(ExtractedEntry.SYMLINK);
        assertThat(byPath.get(path).linkTarget()).isEqualTo(target);
    }

    private static void dir(TarArchiveOutputStream out, String name, int mode, long mtime) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_DIR);
        entry.setMode(mode);
        entry.setModTime(mtime);
        out.putArchiveEntry(entry);
        out.closeArchiveEntry();
    }

    private static void file(TarArchiveOutputStream out, String name, byte[] content, int mode, long mtime) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setMode(mode);
        entry.setModTime(mtime);
        entry.setSize(content.length);
        out.putArchiveEntry(entry);
        out.write(content);
        out.closeArchiveEntry();
    }

    private static void link(TarArchiveOutputStream out, String name, byte type, String target, long mtime) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name, type);
        entry.setLinkName(target);
        entry.setModTime(mtime);
        out.putArchiveEntry(entry);
        out.closeArchiveEntry();
    }
}
