package dev.archivist.storage;

import static dev.archivist.storage.StorageFixtures.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.archivist.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code archivist diff}: the changes between two storage backups from their indexes, merged in the walk's order
 * (names that sort differently as strings and as path components, and above the BMP, are in the tree on purpose).
 */
class DiffCommandTest {
    /** Names whose order as whole strings differs from the walk's: "a b" sorts before "a/…" as a string, after as a folder. */
    private static final List<String> TRICKY = List.of("a b.txt", "a/b.txt", "a/b c.txt", "ab.txt", "\uFF21.txt", "😀.txt");

    @TempDir
    Path tmp;

    @Test
    void everyKindOfChangeIsListedOnceAndTheReverseDiffMirrorsIt() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        for (String name : TRICKY) {
            write(storage.resolve(name), "same " + name);
        }
        write(storage.resolve("keep.txt"), "keep");
        write(storage.resolve("change.txt"), "aaaa");
        write(storage.resolve("gone.txt"), "gone gone");
        write(storage.resolve("dir/sub/x.txt"), "x");
        Files.createSymbolicLink(storage.resolve("link"), Path.of("keep.txt"));
        Path backups = tmp.resolve("backups");
        String first = backup(storage, backups);

        write(storage.resolve("change.txt"), "bbbb"); // same size, other content
        Files.delete(storage.resolve("gone.txt"));
        write(storage.resolve("new.txt"), "new!!");
        Files.delete(storage.resolve("link"));
        Files.createSymbolicLink(storage.resolve("link"), Path.of("change.txt"));
        Files.setPosixFilePermissions(storage.resolve("keep.txt"), PosixFilePermissions.fromString("rw-------"));
        Files.delete(storage.resolve("dir/sub/x.txt"));
        Files.delete(storage.resolve("dir/sub"));
        write(storage.resolve("dir/sub"), "now a file");
        Files.createLink(storage.resolve("keep2.txt"), storage.resolve("keep.txt"));
        Files.createLink(storage.resolve("aa.txt"), storage.resolve("keep.txt")); // now stored first: keep.txt a link
        String second = backup(storage, backups);

        CliProcess.Result diff = cli(storage, backups).run("diff", first, second);
        assertThat(diff.exitCode()).as(diff.describe()).isZero();
        List<String> expected = List.of(
                "+    aa.txt",
                "M    change.txt",
                "T    dir/sub",
                "-    dir/sub/x.txt",
                "-    gone.txt",
                "+    keep2.txt",
                "M    link",
                "+    new.txt");
        assertThat(diff.stdout().lines().toList()).containsExactlyElementsOf(expected);
        assertThat(diff.stderr()).contains("archivist: from " + first).contains(" to " + second)
                .contains("3 added (13 B), 2 removed (10 B), 2 modified, 1 of another type");

        CliProcess.Result withMetadata = cli(storage, backups).run("diff", first, "latest", "--metadata");
        assertThat(withMetadata.stdout().lines().toList()).containsAll(expected).contains("U    keep.txt");

        CliProcess.Result reverse = cli(storage, backups).run("diff", second, first, "--json");
        assertThat(reverse.exitCode()).as(reverse.describe()).isZero();
        assertThat(reverse.stderr()).contains("note: FROM " + second + " is newer than TO " + first);
        assertThat(diff.stderr()).doesNotContain("is newer than");
        JsonNode doc = JSON.readTree(reverse.stdout());
        assertThat(doc.path("from").path("id").asText()).isEqualTo(second);
        List<String> mirrored = new ArrayList<>();
        for (JsonNode c : doc.path("changes")) {
            String mark = switch (c.path("change").asText()) {
                case "added" -> "-";
                case "removed" -> "+";
                case "modified" -> "M";
                case "type_changed" -> "T";
                default -> "?";
            };
            mirrored.add(mark + "    " + c.path("path").asText());
        }
        assertThat(mirrored).containsExactlyElementsOf(expected);
        assertThat(doc.path("added").asLong()).isEqualTo(2);
        assertThat(doc.path("added_bytes").asLong()).isEqualTo(10);
        assertThat(doc.path("removed_bytes").asLong()).isEqualTo(13);
        assertThat(doc.path("changes").get(1).path("before").path("sha256").asText())
                .isNotEqualTo(doc.path("changes").get(1).path("after").path("sha256").asText());

        CliProcess.Result same = cli(storage, backups).run("diff", second, second);
        assertThat(same.exitCode()).as(same.describe()).isZero();
        assertThat(same.stdout()).isEmpty();
        assertThat(same.stderr()).contains("0 added (0 B), 0 removed (0 B), 0 modified, 0 of another type");
    }

    @Test
    void anUnknownBackupOrADatabaseBackupIsAnError() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("storage"));
        write(storage.resolve("a.txt"), "a");
        Path backups = tmp.resolve("backups");
        String id = backup(storage, backups);

        CliProcess.Result unknown = cli(storage, backups).run("diff", id, "storage_backup_20200101T000000.000Z", "--json");
        assertThat(unknown.exitCode()).as(unknown.describe()).isEqualTo(1);
        assertThat(JSON.readTree(unknown.stdout()).path("error").asText()).contains("no backup");

        CliProcess.Result usage = cli(storage, backups).run("diff", id);
        assertThat(usage.exitCode()).as(usage.describe()).isEqualTo(2);
    }

    private String backup(Path storage, Path backups) throws Exception {
        CliProcess.Result r = cli(storage, backups).run("backup", "storage", "--json", "--no-rotate");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        return JSON.readTree(r.stdout()).path("id").asText();
    }

    private static void write(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private CliProcess cli(Path storage, Path backups) {
        return StorageFixtures.cli(tmp, storage, backups);
    }
}
