package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.catalog.Manifest;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code restore storage --path GLOB}: a glob naming a folder restores the folder with everything in it, as
 * {@code tar -x documents} and {@code restic restore --include /documents} do. It restored an empty folder, with exit
 * 0 and "extracted 0 files", and {@code --path documents/} restored nothing at all. A glob that matches nothing fails
 * the restore, as GNU tar's "Not found in archive" does: it gave an empty folder and exit 0, so a typo looked like a
 * successful restore.
 */
class RestorePathSelectionTest {
    @TempDir
    Path dir;

    private Fixture f;
    private Manifest backup;
    private Map<String, String> tree;

    @BeforeEach
    void backUp() throws Exception {
        f = new Fixture(dir).storage(11, 20_000);
        tree = Fixture.tree(f.storage);
        backup = f.service().backupStorage(false, null);
    }

    @Test
    void aFolderNamedByPathComesBackWithEverythingInIt() throws Exception {
        for (String glob : new String[] {"documents", "documents/", "doc*", f.storage.resolve("documents").toString()}) {
            Path target = dir.resolve("restored-" + glob.replace('/', '_').replace('*', '_'));
            Fixture.Run r = f.cli("restore", "storage", backup.id(), "--target", target.toString(), "--path", glob);
            assertThat(r.exitCode()).as(glob + ": " + r.describe()).isZero();
            assertThat(Fixture.tree(target)).as(glob).isEqualTo(subtree(p -> p.equals("documents") || p.startsWith("documents/")));
        }
    }

    @Test
    void aDeeperFolderComesBackInsideItsParentsAndFileGlobsStillSelectFiles() throws Exception {
        Path target = dir.resolve("deep");
        Fixture.Run r = f.cli("restore", "storage", backup.id(), "--target", target.toString(),
                "--path", "photos/2024", "--path", "*.txt");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        Map<String, String> got = Fixture.tree(target);
        got.keySet().removeIf(k -> k.equals("photos")); // created as the parent of what was asked for
        assertThat(got).isEqualTo(subtree(p -> p.startsWith("photos/2024") || (!p.contains("/") && p.endsWith(".txt"))));
        assertThat(got).containsKey("photos/2024/summer");
    }

    @Test
    void aGlobThatMatchesNothingFailsTheRestoreNamingItAndWritesNothing() throws Exception {
        Path target = dir.resolve("typo");
        Fixture.Run r = f.cli("restore", "storage", backup.id(), "--target", target.toString(),
                "--path", "documents", "--path", "documnets/**");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        assertThat(r.stderr()).contains("'documnets/**'").doesNotContain("'documents'");
        assertThat(target).doesNotExist();
        try (var beside = java.nio.file.Files.list(dir)) {
            assertThat(beside.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".archivist-restore-"));
        }
    }

    /**
     * The per-file index tells at once that a glob matches nothing: the restore is refused before the archive is read
     * (a typo in --path read a whole archive of many gigabytes before saying so). Here the archive is damaged behind
     * intact checksums, so reading it would refuse the restore as damaged and record that as its last verify.
     */
    @Test
    void aGlobThatMatchesNothingIsRefusedFromTheIndexBeforeTheArchiveIsRead() throws Exception {
        ForgedBackup.damageKeepingChecksums(f.backups, backup);
        Path target = dir.resolve("typo");
        Fixture.Run r = f.cli("restore", "storage", backup.id(), "--target", target.toString(), "--path", "documnets");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        assertThat(r.stderr()).contains("nothing in the backup matches --path 'documnets'")
                .doesNotContain("does not decompress");
        assertThat(target).doesNotExist();
        assertThat(f.cli("list").stdout()).as("no verify recorded").doesNotContain("FAILED");
    }

    /** {@code **} of a --path glob stopped at a line break in a name: such files were left out, with exit 0. */
    @Test
    void aDoubleStarSelectsNamesWithLineBreaks() throws Exception {
        Manifest withCache = backUpWith("cache/new\nline.txt", "cache/d\nir/inner\u2028x.txt", "cache/plain.txt");
        Path target = dir.resolve("cache-only");
        Fixture.Run r = f.cli("restore", "storage", withCache.id(), "--target", target.toString(), "--path", "cache/**");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(target.resolve("cache/new\nline.txt")).hasContent("1\n");
        assertThat(target.resolve("cache/d\nir/inner\u2028x.txt")).hasContent("2\n");
        assertThat(target.resolve("cache/plain.txt")).hasContent("3\n");
    }

    /** A name copied from {@code ls}, which escapes it as GNU tar does, selects that entry, as {@code dump} takes it. */
    @Test
    void aNameAsLsShowsItSelectsThatEntry() throws Exception {
        Manifest m = backUpWith("odd/new\nline.txt", "odd/back\\slash.txt", "odd/newnline.txt");
        Fixture.Run ls = f.cli("ls", m.id(), "--path", "odd/**");
        assertThat(ls.stdout()).as(ls.describe()).contains("odd/new\\nline.txt").contains("odd/back\\\\slash.txt");

        Path target = dir.resolve("as-shown");
        Fixture.Run r = f.cli("restore", "storage", m.id(), "--target", target.toString(),
                "--path", "odd/new\\nline.txt", "--path", "odd/back\\\\slash.txt");

        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(target.resolve("odd/new\nline.txt")).hasContent("1\n");
        assertThat(target.resolve("odd/back\\slash.txt")).hasContent("2\n");
        // read as a glob too, as before: \n is an escaped n
        assertThat(target.resolve("odd/newnline.txt")).hasContent("3\n");
    }

    private Map<String, String> subtree(Predicate<String> keep) {
        Map<String, String> out = new TreeMap<>();
        tree.forEach((k, v) -> {
            if (keep.test(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** A glob that cannot be parsed is a usage error naming --path, in one line (the JDK's message spans three). */
    @Test
    void aBrokenGlobIsAUsageErrorNamingPath() throws Exception {
        Path target = dir.resolve("broken");
        Fixture.Run r = f.cli("restore", "storage", backup.id(), "--target", target.toString(), "--path", "[");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
        assertThat(r.stderr()).contains("--path '[': bad glob: Missing ']'").doesNotContain("^");
        assertThat(target).doesNotExist();
    }

    /**
     * A glob with a {@code ..} folder can match nothing (entries are paths inside the storage folder): a usage error
     * naming it, as in {@code BACKUP_STORAGE_EXCLUDE}, where it was "nothing in the backup matches" (exit 1).
     */
    @Test
    void aGlobWithAParentFolderIsAUsageErrorNamingIt() throws Exception {
        Path target = dir.resolve("parent");
        for (String glob : new String[] {"../x", "documents/../a.txt"}) {
            Fixture.Run r = f.cli("restore", "storage", backup.id(), "--target", target.toString(), "--path", glob);
            assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
            assertThat(r.stderr()).contains("--path '" + glob + "': '..' never matches");
            assertThat(target).doesNotExist();
        }
        Fixture.Run ls = f.cli("ls", backup.id(), "--path", "../x");
        assertThat(ls.exitCode()).as(ls.describe()).isEqualTo(2);
    }

    /** --path without --target is a usage error (exit 2), told before the confirmation that has no terminal here. */
    @Test
    void pathWithoutTargetIsAUsageErrorBeforeAnyConfirmation() throws Exception {
        Map<String, String> before = Fixture.tree(f.storage);
        Fixture.Run r = f.cli("restore", "storage", backup.id(), "--path", "photos");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
        assertThat(r.stderr()).contains("--path").contains("--target").doesNotContain("terminal");
        assertThat(Fixture.tree(f.storage)).isEqualTo(before);
    }

    /** As in excludes, a {@code **}{@code /} stands for zero or more folders: top-level files match {@code **}{@code /*.txt}. */
    @Test
    void doubleStarSlashAlsoMatchesNoFolderAsInExcludes() throws Exception {
        java.nio.file.Files.writeString(f.storage.resolve("top.txt"), "top");
        Manifest again = f.service().backupStorage(false, null);
        Map<String, String> all = Fixture.tree(f.storage);
        Path target = dir.resolve("txt");
        Fixture.Run r = f.cli("restore", "storage", again.id(), "--target", target.toString(), "--path", "**/*.txt");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        Map<String, String> got = Fixture.tree(target);
        assertThat(got).containsKey("top.txt");
        assertThat(got.keySet().stream().filter(k -> k.endsWith(".txt")).toList())
                .containsExactlyInAnyOrderElementsOf(all.keySet().stream().filter(k -> k.endsWith(".txt")).toList());
        Path documents = dir.resolve("documents-txt");
        Fixture.Run d = f.cli("restore", "storage", again.id(), "--target", documents.toString(), "--path", "documents/**/*.txt");
        assertThat(d.exitCode()).as(d.describe()).isZero();
        assertThat(Fixture.tree(documents).keySet().stream().filter(k -> k.endsWith(".txt")).toList())
                .containsExactlyInAnyOrderElementsOf(all.keySet().stream()
                        .filter(k -> k.startsWith("documents/") && k.endsWith(".txt")).toList());
    }

    /** Adds files to the storage folder, the n-th (from 1) holding its number and a line break, and backs it up. */
    private Manifest backUpWith(String... paths) throws Exception {
        for (int i = 0; i < paths.length; i++) {
            Path file = f.storage.resolve(paths[i]);
            java.nio.file.Files.createDirectories(file.getParent());
            java.nio.file.Files.writeString(file, (i + 1) + "\n");
        }
        return f.service().backupStorage(false, null);
    }
}
