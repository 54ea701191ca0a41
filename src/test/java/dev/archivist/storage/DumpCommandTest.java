package dev.archivist.storage;

import static dev.archivist.storage.StorageFixtures.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.archivist.testing.CliProcess;
import java.io.File;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code archivist dump}: one file of a storage backup, byte for byte, from an archive in several parts; a hard link
 * gives its file's content; what is no file is refused before any archive is read; content that does not match the
 * index fails, and with {@code --output} leaves no file.
 */
class DumpCommandTest {
    private static final String LONG_NAME = "Ünïcødé 😀 " + "n".repeat(120) + ".bin"; // over 100 bytes: a pax path

    @TempDir
    Path tmp;

    /**
     * {@code dump --output} stopped by SIGTERM (or Ctrl-C) while it writes deletes its temporary file as it exits: a
     * part of the file, as big as it had got, was left beside the name asked for ({@code .tmp-NAME.<pid>-1}).
     */
    @Test
    void aStoppedDumpLeavesNoPartOfTheFile() throws Exception {
        CliProcess cli = StorageFixtures.backedUpVideo(tmp, 11);
        Path into = Files.createDirectories(tmp.resolve("out"));

        CliProcess.Running dump = cli.start("dump", "latest", "video.raw", "--output", into.resolve("video.raw").toString());
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (dump.process().isAlive() && System.nanoTime() < deadline && isEmpty(into)) {
            Thread.sleep(1);
        }
        boolean signalled = dump.signal("TERM");
        CliProcess.Result r = dump.await(CliProcess.DEFAULT_TIMEOUT);

        assertThat(signalled).as("the dump was still running: %s", r.describe()).isTrue();
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(143);
        try (Stream<Path> left = Files.list(into)) {
            assertThat(left).as("a stopped dump leaves nothing").isEmpty();
        }
    }

    private static boolean isEmpty(Path dir) throws java.io.IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    @Test
    void aFileComesOutByteForByteFromAnArchiveInSeveralParts() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        byte[] big = new byte[7 * 1024 * 1024 + 123]; // 8 parts: reading the first file never reaches the last
        new Random(7).nextBytes(big);
        Files.createDirectories(storage.resolve("photos/2024"));
        Files.write(storage.resolve("photos/2024/big.raw"), big);
        Files.setLastModifiedTime(storage.resolve("photos/2024/big.raw"), // below the index's millisecond
                java.nio.file.attribute.FileTime.from(java.time.Instant.ofEpochSecond(1_700_000_000L, 123_456_789)));
        Files.writeString(storage.resolve("photos/" + LONG_NAME), "long name", StandardCharsets.UTF_8);
        Files.writeString(storage.resolve("a.txt"), "first name");
        Files.createLink(storage.resolve("z-link.txt"), storage.resolve("a.txt"));
        Files.createSymbolicLink(storage.resolve("shortcut"), Path.of("a.txt"));
        Files.writeString(storage.resolve("photos/new\nline\\.txt"), "odd name");
        Files.writeString(storage.resolve("nl\n"), "with a newline");
        Files.writeString(storage.resolve("nl\\n"), "with a backslash"); // shown by ls as nl\\n, the other as nl\n
        Files.writeString(storage.resolve("1960.txt"), "old");
        // (JDK 17 sets no time before 1970: touch does)
        StorageFixtures.sh("touch -m -d '1960-01-03 23:59:59.876543211 UTC' " + StorageFixtures.q(storage.resolve("1960.txt")));
        Files.writeString(storage.resolve("sticky.txt"), "sticky");
        Files.setAttribute(storage.resolve("sticky.txt"), "unix:mode", 01777);
        Files.writeString(storage.resolve("write-only.bin"), "private");
        Files.setPosixFilePermissions(storage.resolve("write-only.bin"), PosixFilePermissions.fromString("-w-------"));
        Path backups = tmp.resolve("backups");
        CliProcess cli = cli(storage, backups).env("BACKUP_MAX_SIZE_MB", "1").env("BACKUP_CHUNK_SIZE_MB", "1");
        CliProcess.Result backup = cli.run("backup", "storage", "--json", "--no-rotate");
        assertThat(backup.exitCode()).as(backup.describe()).isZero();
        JsonNode m = JSON.readTree(backup.stdout());
        assertThat(m.path("parts").size()).isGreaterThanOrEqualTo(3);
        String id = m.path("id").asText();

        assertThat(dump(cli, id, "photos/2024/big.raw")).isEqualTo(big);
        assertThat(new String(dump(cli, "latest", "/photos/" + LONG_NAME), StandardCharsets.UTF_8)).isEqualTo("long name");
        assertThat(new String(dump(cli, id, "./z-link.txt"), StandardCharsets.UTF_8)).isEqualTo("first name");

        assertThat(new String(dump(cli, id, "photos/new\\nline\\\\.txt"), StandardCharsets.UTF_8)) // as ls shows it
                .isEqualTo("odd name");
        assertThat(new String(dump(cli, id, storage.resolve("photos/new\nline\\.txt").toString()), // its live path
                StandardCharsets.UTF_8)).isEqualTo("odd name");

        assertThat(new String(dump(cli, id, "nl\\n"), StandardCharsets.UTF_8)).isEqualTo("with a newline");
        assertThat(new String(dump(cli, id, "nl\\\\n"), StandardCharsets.UTF_8)).isEqualTo("with a backslash");

        Path writeOnly = tmp.resolve("write-only.out"); // as a user the recorded mode (0200) does not let read
        CliProcess.Result unprivileged = StorageFixtures.runWithoutPermissionBypass(tmp, Map.of("STORAGE_PATH",
                storage.toString(), "BACKUP_DIR", backups.toString(), "DATABASE_URL", "sqlite:///" + tmp.resolve("app.db")),
                "-dac_override,-dac_read_search", "dump", id, "write-only.bin", "--output", writeOnly.toString());
        assertThat(unprivileged.exitCode()).as(unprivileged.describe()).isZero();
        assertThat(Files.getPosixFilePermissions(writeOnly)).isEqualTo(PosixFilePermissions.fromString("-w-------"));
        assertThat(Files.readString(writeOnly)).isEqualTo("private");

        Path out = tmp.resolve("restored.raw");
        CliProcess.Result toFile = cli.run("dump", id, "photos/2024/big.raw", "--output", out.toString());
        assertThat(toFile.exitCode()).as(toFile.describe()).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(big);
        assertThat(Files.getLastModifiedTime(out)).as("to the nanosecond, as tar -xp")
                .isEqualTo(Files.getLastModifiedTime(storage.resolve("photos/2024/big.raw")));
        assertThat(toFile.stderr()).contains("photos/2024/big.raw from " + id).contains("content checked");
        Path old = tmp.resolve("1960.out");
        CliProcess.Result oldFile = cli.run("dump", id, "1960.txt", "--output", old.toString());
        assertThat(oldFile.exitCode()).as(oldFile.describe()).isZero();
        assertThat(Files.getLastModifiedTime(old).toInstant()).as("before 1970, as restore sets it")
                .isEqualTo(java.time.Instant.parse("1960-01-03T23:59:59.876543211Z"));
        Path sticky = tmp.resolve("sticky.out");
        CliProcess.Result stickyFile = cli.run("dump", id, "sticky.txt", "--output", sticky.toString());
        assertThat(stickyFile.exitCode()).as(stickyFile.describe()).isZero();
        assertThat((Integer) Files.getAttribute(sticky, "unix:mode") & 07777).as("the sticky bit kept, as restore keeps it")
                .isEqualTo(01777);
        CliProcess.Result again = cli.run("dump", id, "a.txt", "--output", out.toString());
        assertThat(again.exitCode()).as(again.describe()).isEqualTo(2);
        assertThat(Files.readAllBytes(out)).as("never written over").isEqualTo(big);

        for (String[] refused : new String[][] {{"photos/", "is a folder"}, {"shortcut", "is a symlink to 'a.txt'"},
                {"photos/nope.jpg", "no file photos/nope.jpg in " + id}}) {
            CliProcess.Result r = cli.run("dump", id, refused[0], "--output", tmp.resolve("x").toString());
            assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
            assertThat(r.stderr()).contains(refused[1]);
            assertThat(tmp.resolve("x")).doesNotExist();
        }

        JsonNode parts = m.path("parts");
        Files.delete(backups.resolve("storage").resolve(parts.get(parts.size() - 1).path("path").asText()));
        assertThat(new String(dump(cli, id, "a.txt"), StandardCharsets.UTF_8)).as("held by the first part")
                .isEqualTo("first name");
        CliProcess.Result lost = cli.run("dump", id, "photos/2024/big.raw", "--output", tmp.resolve("y").toString());
        assertThat(lost.exitCode()).as(lost.describe()).isEqualTo(1);
        assertThat(lost.stderr()).contains("cannot read the archive of " + id).contains("archive part missing");
        assertThat(tmp.resolve("y")).doesNotExist();
    }

    @Test
    void contentThatDoesNotMatchTheIndexFailsAndLeavesNoOutputFile() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        byte[] text = "0123456789".repeat(10_000).getBytes(StandardCharsets.US_ASCII);
        Files.write(storage.resolve("doc.txt"), text);
        Path backups = tmp.resolve("backups");
        CliProcess cli = cli(storage, backups).env("BACKUP_COMPRESSION", "none");
        CliProcess.Result backup = cli.run("backup", "storage", "--json", "--no-rotate");
        JsonNode m = JSON.readTree(backup.stdout());
        String id = m.path("id").asText();
        Path part = backups.resolve("storage").resolve(m.path("parts").get(0).path("path").asText());
        try (RandomAccessFile f = new RandomAccessFile(part.toFile(), "rw")) { // a content byte of the only file
            f.seek(1536 + 5000);
            int b = f.read();
            f.seek(1536 + 5000);
            f.write(b ^ 1);
        }

        Path out = tmp.resolve("doc-out.txt");
        CliProcess.Result toFile = cli.run("dump", id, "doc.txt", "--output", out.toString());
        assertThat(toFile.exitCode()).as(toFile.describe()).isEqualTo(1);
        assertThat(toFile.stderr()).contains("the content of doc.txt in " + id + " does not match its index");
        assertThat(out).doesNotExist();
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("doc-out.txt"));
        }
        Path stdout = tmp.resolve("stdout.bin");
        Path stderr = tmp.resolve("stderr.txt");
        Process p = cli.start(stdout.toFile(), stderr.toFile(), "dump", id, "doc.txt");
        assertThat(p.waitFor()).isEqualTo(1);
        assertThat(Files.readString(stderr)).contains("does not match its index");
    }

    /** The bytes {@code archivist dump} writes on stdout (exit 0 required). */
    private byte[] dump(CliProcess cli, String backup, String path) throws Exception {
        File out = tmp.resolve("dump.out").toFile();
        File err = tmp.resolve("dump.err").toFile();
        Process p = cli.start(out, err, "dump", backup, path);
        assertThat(p.waitFor()).as(Files.readString(err.toPath())).isZero();
        return Files.readAllBytes(out.toPath());
    }

    private CliProcess cli(Path storage, Path backups) {
        return StorageFixtures.cli(tmp, storage, backups);
    }
}
