package dev.archivist.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.archivist.testing.CliProcess;
import dev.archivist.testing.TestDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash-safety order of a backup, read from the system calls of the real CLI (strace): every file of a backup
 * (database file, each part, the index, the manifest) is written under a {@code .tmp-} name, fsynced, renamed to its
 * name, and its folder fsynced; the manifest, the commit point, is renamed after every other file of its backup and
 * after the fsync of the folder that made their names durable, and a full backup's manifest after its components'.
 * No kill test can see a missing fsync (SIGKILL leaves the page cache to be written), nor a manifest committed before
 * the data's names were flushed: after a power cut, such a backup would be listed with its parts empty or missing.
 */
@Tag("system")
class DurableCommitOrderTest {
    /** A system call as strace -f -y prints it: pid, name, arguments, result (an unfinished call joined to its end). */
    private static final Pattern CALL = Pattern.compile("^(\\d+) +(fsync|fdatasync|rename|renameat|renameat2)\\((.*)\\) += (-?\\d+).*$");
    private static final Pattern QUOTED = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern RESUMED = Pattern.compile("^\\d+ +<\\.\\.\\. \\w+ resumed>(.*)$");
    private static final Pattern FD_PATH = Pattern.compile("^\\d+<(.*)>$");

    @TempDir
    Path dir;

    /**
     * A flush ({@code path}: what the descriptor led to) or a rename, with the lines of the trace where it began and
     * ended (other threads' calls may come between).
     */
    private record Call(int start, int end, boolean rename, String path, String to) {
    }

    @Test
    void everyFileOfAFullBackupIsFsyncedAndRenamedBeforeItsManifestAndTheManifestLast() throws Exception {
        assumeTrue(TestDb.onPath("strace"), "strace is needed to read the order of the system calls");
        Path db = TestDb.create(dir.resolve("app.db"), TestDb.Mode.WAL, 200, 100);
        Path storage = Files.createDirectories(dir.resolve("storage"));
        FaultFixture.incompressibleFiles(storage, 3, 700_000); // 2.1 MB: three 1 MiB parts
        Path backups = dir.resolve("backups");
        CliProcess cli = new CliProcess(dir).env(Map.of("DATABASE_URL", db.toString(), "STORAGE_PATH", storage.toString(),
                "BACKUP_DIR", backups.toString(), "BACKUP_MAX_SIZE_MB", "1", "BACKUP_CHUNK_SIZE_MB", "1",
                "JSON_LOGS", "false"));
        Path trace = dir.resolve("trace.txt");
        List<String> strace = List.of("strace", "-f", "-qq", "-y", "-s", "4096", "-o", trace.toString(),
                "-e", "trace=fsync,fdatasync,rename,renameat,renameat2");
        CliProcess.Result r = cli.startWrapped(strace, "backup", "full", "--no-rotate").await(Duration.ofMinutes(2));
        assertThat(r.exitCode()).as(r.describe()).isZero();
        List<Call> calls = calls(Files.readAllLines(trace));

        Map<String, Call> manifests = new HashMap<>();
        for (String type : List.of("database", "storage", "full")) {
            Path folder = backups.resolve(type);
            List<String> names = TestDb.files(folder).stream().filter(n -> !n.startsWith(".")).toList();
            List<String> manifestNames = names.stream().filter(n -> n.endsWith(".json")).toList();
            assertThat(manifestNames).as("one manifest in %s: %s", folder, names).hasSize(1);
            Call manifest = renameTo(calls, folder.resolve(manifestNames.get(0)));
            manifests.put(type, manifest);
            assertThat(flushAfter(calls, folder, manifest.end(), Integer.MAX_VALUE))
                    .as("the folder %s is fsynced after the manifest's rename", folder).isTrue();
            for (String name : names) {
                Call renamed = renameTo(calls, folder.resolve(name));
                assertThat(calls.stream().anyMatch(c -> !c.rename() && c.path().equals(renamed.path()) && c.end() < renamed.start()))
                        .as("%s is fsynced under its temporary name %s before its rename", name, renamed.path()).isTrue();
                if (renamed != manifest) {
                    assertThat(renamed.end()).as("%s is renamed before the manifest %s", name, manifestNames.get(0))
                            .isLessThan(manifest.start());
                    assertThat(flushAfter(calls, folder, renamed.end(), manifest.start()))
                            .as("the folder %s is fsynced after the rename of %s and before the manifest's", folder, name)
                            .isTrue();
                }
            }
        }
        Call full = manifests.get("full");
        for (String component : List.of("database", "storage")) {
            Call m = manifests.get(component);
            assertThat(flushAfter(calls, backups.resolve(component), m.end(), full.start()))
                    .as("the %s component's manifest is renamed and its folder fsynced before the full manifest", component)
                    .isTrue();
        }
    }

    /** The last rename whose new name is {@code target}; it must come from a temporary name in the same folder. */
    private static Call renameTo(List<Call> calls, Path target) {
        Call found = null;
        for (Call c : calls) {
            if (c.rename() && c.to().equals(target.toString())) {
                found = c;
            }
        }
        assertThat(found).as("%s was made by a rename (written under a temporary name first)", target).isNotNull();
        Path from = Path.of(found.path());
        assertThat(from.getParent()).as("the temporary file of %s", target).isEqualTo(target.getParent());
        assertThat(from.getFileName().toString()).as("the temporary file of %s", target).startsWith(".tmp-");
        return found;
    }

    /** Whether {@code folder} was fsynced wholly between the lines {@code from} and {@code to} of the trace. */
    private static boolean flushAfter(List<Call> calls, Path folder, int from, int to) {
        return calls.stream().anyMatch(c -> !c.rename() && c.path().equals(folder.toString()) && c.start() > from && c.end() < to);
    }

    /** The successful calls of the trace, in the order they ended. */
    private static List<Call> calls(List<String> lines) {
        Map<String, String> unfinished = new HashMap<>();
        Map<String, Integer> began = new HashMap<>();
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String pid = line.split(" ", 2)[0];
            int cut = line.indexOf(" <unfinished ...>");
            if (cut >= 0) {
                unfinished.put(pid, line.substring(0, cut));
                began.put(pid, i);
                continue;
            }
            int start = i;
            Matcher resumed = RESUMED.matcher(line);
            if (resumed.matches()) {
                String first = unfinished.remove(pid);
                if (first == null) {
                    continue;
                }
                line = first + resumed.group(1);
                start = began.remove(pid);
            }
            Matcher m = CALL.matcher(line);
            if (!m.matches() || !m.group(4).equals("0")) {
                continue;
            }
            String args = m.group(3);
            if (m.group(2).startsWith("rename")) {
                Matcher q = QUOTED.matcher(args);
                List<String> paths = new ArrayList<>();
                while (q.find()) {
                    paths.add(q.group(1));
                }
                assertThat(paths).as("the paths of %s", line).hasSize(2);
                calls.add(new Call(start, i, true, paths.get(0), paths.get(1)));
            } else {
                Matcher fd = FD_PATH.matcher(args.trim());
                if (fd.matches()) {
                    calls.add(new Call(start, i, false, fd.group(1), null));
                }
            }
        }
        return calls;
    }
}
