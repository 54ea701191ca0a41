package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.catalog.Manifest;
import dev.archivist.config.Compression;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 4 acceptance and SEED-SPEC defect 3 (tar slip): hand-made archives wrapped as backups with a correct manifest
 * and correct checksums are refused when an entry would land outside the staging folder; the message names the entry,
 * the exit code is 1, nothing appears outside staging, and the live folder (defect 2) is unchanged.
 */
class RestoreRefusesHostileArchivesTest {
    @TempDir
    Path dir;

    static Stream<Arguments> hostile() {
        return Stream.of(
                Arguments.of("dot-dot entry", "../escaped.txt", (Function<Path, ForgedBackup>) root -> new ForgedBackup()
                        .file("ok.txt", "fine").raw(ForgedBackup.entry("../escaped.txt", TarConstants.LF_NORMAL), "pwned")
                        .file("later.txt", "later")),
                Arguments.of("dot-dot inside a path", "docs/../../escaped.txt", (Function<Path, ForgedBackup>) root -> new ForgedBackup()
                        .dir("docs").raw(ForgedBackup.entry("docs/../../escaped.txt", TarConstants.LF_NORMAL), "pwned")),
                Arguments.of("absolute path", "absolute-escape.txt", (Function<Path, ForgedBackup>) root -> new ForgedBackup()
                        .file("ok.txt", "fine").raw(ForgedBackup.entry(root.resolve("absolute-escape.txt").toString(), TarConstants.LF_NORMAL), "pwned")),
                Arguments.of("symlink to a folder outside, then a file under it", "evil", (Function<Path, ForgedBackup>) root -> new ForgedBackup()
                        .file("ok.txt", "fine").raw(ForgedBackup.link("evil", TarConstants.LF_SYMLINK, "../outside"), null)
                        .raw(ForgedBackup.entry("evil/planted.txt", TarConstants.LF_NORMAL), "pwned")),
                Arguments.of("absolute symlink to a folder outside, then a file under it", "evil", (Function<Path, ForgedBackup>) root -> new ForgedBackup()
                        .raw(ForgedBackup.link("evil", TarConstants.LF_SYMLINK, root.resolve("outside").toString()), null)
                        .raw(ForgedBackup.entry("evil/planted.txt", TarConstants.LF_NORMAL), "pwned")),
                Arguments.of("symlink to a folder inside, then a file under it", "through/planted.txt",
                        (Function<Path, ForgedBackup>) root -> new ForgedBackup().dir("sub")
                        .raw(ForgedBackup.link("through", TarConstants.LF_SYMLINK, "sub"), null)
                        .raw(ForgedBackup.entry("through/planted.txt", TarConstants.LF_NORMAL), "pwned")),
                Arguments.of("a folder, then a symlink of the same name", "twice", (Function<Path, ForgedBackup>) root ->
                        new ForgedBackup().dir("twice").raw(ForgedBackup.link("twice", TarConstants.LF_SYMLINK, "/tmp"), null)),
                Arguments.of("hard link to a file outside", "hard", (Function<Path, ForgedBackup>) root -> new ForgedBackup()
                        .file("ok.txt", "fine").raw(ForgedBackup.link("hard", TarConstants.LF_LINK, "../outside/secret.txt"), null)),
                Arguments.of("hard link to an absolute file", "hard", (Function<Path, ForgedBackup>) root -> new ForgedBackup()
                        .raw(ForgedBackup.link("hard", TarConstants.LF_LINK, root.resolve("outside/secret.txt").toString()), null)),
                Arguments.of("character device", "null-device", (Function<Path, ForgedBackup>) root -> new ForgedBackup()
                        .file("ok.txt", "fine").raw(device("null-device", TarConstants.LF_CHR), null)),
                Arguments.of("block device", "disk", (Function<Path, ForgedBackup>) root -> new ForgedBackup()
                        .raw(device("disk", TarConstants.LF_BLK), null)),
                Arguments.of("fifo", "pipe", (Function<Path, ForgedBackup>) root -> new ForgedBackup()
                        .file("ok.txt", "fine").raw(device("pipe", TarConstants.LF_FIFO), null)));
    }

    private static TarArchiveEntry device(String name, byte type) {
        TarArchiveEntry e = new TarArchiveEntry(name, type, true);
        e.setMode(0100666);
        e.setDevMajor(1);
        e.setDevMinor(3);
        return e;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void refusedIntoLiveAndIntoTargetWithNothingWrittenOutside(String what, String named, Function<Path, ForgedBackup> archive) throws Exception {
        Fixture f = new Fixture(dir).storage(5, 0);
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "secret");
        for (Compression codec : new Compression[] {Compression.ZSTD, Compression.NONE}) {
            Manifest m = archive.apply(dir).writeTo(f.backups, codec, codec == Compression.NONE ? 1 : 2);
            Map<String, String> before = everythingButBackups();

            // verify says so first: a backup it calls clean is one a restore takes
            Fixture.Run verify = f.cli("verify", m.id());
            assertThat(verify.exitCode()).as(what + ": " + verify.describe()).isEqualTo(1);
            assertThat(verify.stdout()).as(what + ": " + verify.describe())
                    .contains("unsafe entry, a restore refuses the whole archive").contains(named);

            Fixture.Run live = f.cli("restore", "storage", m.id(), "--yes");
            assertThat(live.exitCode()).as(what + ": " + live.describe()).isEqualTo(1);
            assertThat(live.stderr()).as(what).contains(m.id()).contains(named);
            assertThat(everythingButBackups()).as(what + ": live folder and everything outside staging unchanged").isEqualTo(before);

            Path target = dir.resolve("target");
            Fixture.Run into = f.cli("restore", "storage", m.id(), "--target", target.toString());
            assertThat(into.exitCode()).as(what + ": " + into.describe()).isEqualTo(1);
            assertThat(into.stderr()).as(what).contains(named);
            assertThat(everythingButBackups()).as(what + ": nothing created, not even the target").isEqualTo(before);
            assertThat(Files.exists(target)).isFalse();
        }
        assertThat(Files.readString(outside.resolve("secret.txt"))).isEqualTo("secret");
    }

    /** The whole temporary folder except the backup directory: live storage, database, outside, any leftovers. */
    private Map<String, String> everythingButBackups() throws Exception {
        Map<String, String> all = new TreeMap<>(Fixture.tree(dir));
        all.keySet().removeIf(k -> k.equals("backups") || k.startsWith("backups/"));
        return all;
    }
}
