package dev.archivist.storage;

import static dev.archivist.storage.StorageFixtures.JSON;
import static dev.archivist.storage.StorageFixtures.q;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.archivist.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3, progress: a storage backup long enough to report progress shows it (bytes, files, rate) on a terminal, and
 * never when stdout or stderr is not a terminal or with {@code --json}, whose stdout stays pure JSON. The terminal is
 * a pseudo-terminal from util-linux {@code script}.
 */
@Tag("system")
class ProgressOutputTest {
    @TempDir
    Path tmp;
    Path storage;

    @BeforeEach
    void aStorageThatTakesOverASecond() throws Exception {
        storage = Files.createDirectories(tmp.resolve("storage"));
        Random rnd = new Random(7);
        byte[] b = new byte[1 << 20];
        for (int i = 0; i < 48; i++) {
            rnd.nextBytes(b);
            Files.write(Files.createDirectories(storage.resolve("d" + i % 4)).resolve("f" + i + ".bin"), b);
        }
    }

    private Map<String, String> env(String backups) {
        // 48 MiB of random data through gzip -9 takes seconds: progress is drawn several times
        return Map.of("STORAGE_PATH", storage.toString(), "BACKUP_DIR", tmp.resolve(backups).toString(),
                "JSON_LOGS", "false", "BACKUP_COMPRESSION", "gz", "BACKUP_COMPRESSION_LEVEL", "9");
    }

    @Test
    void noProgressWhenOutputIsNotATerminal() throws Exception {
        CliProcess.Result r = new CliProcess(tmp).env(env("b1")).run("backup", "storage", "--no-rotate");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.stdout()).startsWith("created storage_backup_").contains("48 files");
        assertThat(r.stderr()).doesNotContain("\r").doesNotContain("B/s");
        assertThat(r.stdout()).doesNotContain("\r").doesNotContain("B/s");

        CliProcess.Result j = new CliProcess(tmp).env(env("b2")).run("backup", "storage", "--json", "--no-rotate");
        assertThat(j.exitCode()).as(j.describe()).isZero();
        JsonNode m = JSON.readTree(j.stdout()); // strict: nothing before or after the document
        assertThat(m.path("file_count").asLong()).isEqualTo(48);
        assertThat(j.stdout().trim()).startsWith("{").endsWith("}");
        assertThat(j.stderr()).doesNotContain("\r").doesNotContain("B/s");
    }

    @Test
    void progressOnATerminalButNeverInJsonModeOrIntoARedirectedStderr() throws Exception {
        assumeTrue(StorageFixtures.hasCommand("script"), "util-linux script is needed for a pseudo-terminal");

        // stdin, stdout and stderr on the terminal: progress lines, redrawn in place
        CliProcess.Result t = inTerminal("", "b1", "backup", "storage", "--no-rotate");
        assertThat(t.exitCode()).as(t.describe()).isZero();
        assertThat(t.stdout()).containsPattern("\\r  [0-9.]+ [KMG]B read, [0-9,]+ files, [0-9.]+ [KMG]B/s")
                .contains("created storage_backup_");
        // the progress line is ended before anything else is printed: the log line and the result start afresh
        String lastProgress = t.stdout().substring(t.stdout().lastIndexOf("\r  "));
        String firstLine = lastProgress.substring(0, lastProgress.indexOf('\n'));
        assertThat(firstLine).contains("48 files").doesNotContain("written").doesNotContain("created");

        // stdin from elsewhere (cron-like redirection, a here-document): stdout and stderr decide, not stdin
        CliProcess.Result n = inTerminal(" </dev/null", "b5", "backup", "storage", "--no-rotate");
        assertThat(n.exitCode()).as(n.describe()).isZero();
        assertThat(n.stdout()).containsPattern("\\r  [0-9.]+ [KMG]B read, [0-9,]+ files");

        // --json on a terminal: stdout is exactly the manifest
        CliProcess.Result j = inTerminal(" 2>/dev/null", "b2", "backup", "storage", "--json", "--no-rotate");
        assertThat(j.exitCode()).as(j.describe()).isZero();
        String stdout = j.stdout().replace("\r\n", "\n"); // the terminal turns \n into \r\n
        assertThat(stdout).doesNotContain("\r").doesNotContain("B/s");
        assertThat(JSON.readTree(stdout).path("file_count").asLong()).isEqualTo(48);

        // stdout on the terminal, stderr into a file: the file gets no progress
        Path err = tmp.resolve("stderr.txt");
        CliProcess.Result f = inTerminal(" 2>" + q(err), "b3", "backup", "storage", "--no-rotate");
        assertThat(f.exitCode()).as(f.describe()).isZero();
        assertThat(f.stdout()).contains("created storage_backup_").doesNotContain("B/s");
        assertThat(Files.readString(err)).doesNotContain("\r").doesNotContain("B/s");
    }

    /**
     * One large file: the figures move while it is read (not only between files), and the compressed bytes stored are
     * shown; the timer draws them, so the line never freezes while work goes on.
     */
    @Test
    void progressMovesWithinOneLargeFile() throws Exception {
        assumeTrue(StorageFixtures.hasCommand("script"), "util-linux script is needed for a pseudo-terminal");
        try (var files = Files.walk(storage)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.delete(f);
            }
        }
        Random rnd = new Random(11);
        byte[] b = new byte[48 << 20];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) ('a' + rnd.nextInt(26)); // compressible, so gzip -9 works on it for seconds
        }
        Files.write(storage.resolve("log.txt"), b);

        // gzip -9 runs a worker per processor, ~20 MB/s each: the file lasts 2-3 s on one, but on a machine of 8 or
        // more processors it would be read within the two periods of the timer this test needs. One, on any machine
        Map<String, String> oneProcessor = new java.util.HashMap<>(env("b4"));
        oneProcessor.put("JAVA_TOOL_OPTIONS", "-XX:ActiveProcessorCount=1");
        CliProcess.Result t = inTerminal(oneProcessor, "", "", "backup", "storage", "--no-rotate");
        assertThat(t.exitCode()).as(t.describe()).isZero();
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("\\r  ([0-9.]+) ([KMG])B read, ([0-9,]+) files, [0-9.]+ [KMG]B/s, [0-9.]+ [KMG]?B stored")
                .matcher(t.stdout());
        List<String> duringTheFile = new java.util.ArrayList<>();
        while (m.find()) {
            if (m.group(3).equals("0")) {
                duringTheFile.add(m.group(1) + m.group(2));
            }
        }
        assertThat(duringTheFile).as(t.stdout()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(duringTheFile.stream().distinct().count()).as("bytes read grow while the file is read").isGreaterThan(1);
        assertThat(t.stdout()).containsPattern("\\r  [0-9.]+ MB read, 1 file, .* stored");
    }

    /**
     * The database copy has a line of its own, before the archive's in a full backup (the database part of a full
     * backup used to show nothing, for many seconds with a large database and a slow codec).
     */
    @Test
    void aDatabaseCopyShowsItsOwnProgressThenTheArchiveItsOwn() throws Exception {
        Map<String, String> env = withBigDatabase("b6");
        // 24 MiB of random pages through gzip -9: over a second of copying

        CliProcess.Result d = inTerminal(env, "", "", "backup", "database", "--no-rotate");
        assertThat(d.exitCode()).as(d.describe()).isZero();
        assertThat(d.stdout()).containsPattern("\\r  database: [0-9.]+ [KMG]?B read, [0-9.]+ [KMG]?B/s")
                .contains("created db_backup_");

        CliProcess.Result f = inTerminal(env, "", "", "backup", "full", "--no-rotate");
        assertThat(f.exitCode()).as(f.describe()).isZero();
        int database = f.stdout().indexOf("\r  database: ");
        int archive = f.stdout().indexOf(" files, ");
        assertThat(database).as(f.stdout()).isNotNegative();
        assertThat(archive).as("the archive's line comes after the database's: " + f.stdout()).isGreaterThan(database);
        // the database's line was ended before the archive's began
        assertThat(f.stdout().substring(database, archive)).contains("\n");
    }

    /**
     * A full backup whose database part fails before copying anything (the database is missing) still takes the storage
     * part, and shows its figures: the database part's end used to end the figures for the whole backup.
     */
    @Test
    void aFullBackupWhoseDatabasePartFailedShowsTheStoragePartsProgress() throws Exception {
        assumeTrue(StorageFixtures.hasCommand("script"), "util-linux script is needed for a pseudo-terminal");
        Map<String, String> env = new java.util.HashMap<>(env("b10"));
        env.put("DATABASE_URL", "sqlite:///" + tmp.resolve("missing.db"));

        CliProcess.Result f = inTerminal(env, "", "", "backup", "full", "--no-rotate");
        assertThat(f.exitCode()).as(f.describe()).isEqualTo(1);
        assertThat(f.stdout()).contains("was kept as an ordinary backup")
                .containsPattern("\\r  [0-9.]+ [KMG]B read, [0-9,]+ files, [0-9.]+ [KMG]B/s");
    }

    /**
     * A terminal narrower than the line of figures (a split pane, say) gets each redraw cut to its width, one column
     * spare: a carriage return goes back to the start of the last row only, so a line that wrapped left its first rows
     * on the screen at every redraw, a screenful of stale figures.
     */
    @Test
    void aNarrowTerminalGetsLinesThatFitItsWidth() throws Exception {
        assumeTrue(StorageFixtures.hasCommand("script"), "util-linux script is needed for a pseudo-terminal");
        CliProcess.Result t = inTerminal(env("b7"), "stty cols 30; ", "", "backup", "storage", "--no-rotate");
        assertThat(t.exitCode()).as(t.describe()).isZero();
        // a draw is what follows a carriage return up to the next one; the terminal ends each line with "\r\n"
        List<String> draws = java.util.Arrays.stream(t.stdout().split("\r"))
                .filter(s -> !s.isEmpty() && !s.startsWith("\n")).toList();
        assertThat(draws).as(t.stdout()).isNotEmpty().allSatisfy(d -> assertThat(d).startsWith("  ").contains(" read"));
        assertThat(draws).as("every redraw fits in 29 columns").allSatisfy(d -> assertThat(d.length()).isLessThan(30));
        assertThat(t.stdout()).contains("created storage_backup_");
    }

    /**
     * A log line written while the figures are drawn (LOG_LEVEL=DEBUG: the copy, the check and the compression each
     * say when they end) starts on a line of its own: the figures are cleared first and drawn again after it. They
     * used to run on into it ("database: 47.6 MB read, 118.1 MB/s   2026-… DEBUG FollowedSnapshot: …").
     */
    @Test
    void aLogLineWrittenDuringProgressStartsOnALineOfItsOwn() throws Exception {
        Map<String, String> env = withBigDatabase("b8");
        env.put("LOG_LEVEL", "DEBUG");

        CliProcess.Result d = inTerminal(env, "", "", "backup", "database", "--no-rotate");
        assertThat(d.exitCode()).as(d.describe()).isZero();
        assertThat(d.stdout()).containsPattern("\\r  database: [0-9.]+ [KMG]?B read").contains(" DEBUG ");
        java.util.regex.Matcher logLine = java.util.regex.Pattern
                .compile("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z (DEBUG|INFO) ").matcher(d.stdout());
        while (logLine.find()) {
            assertThat(logLine.start() == 0 ? '\n' : d.stdout().charAt(logLine.start() - 1))
                    .as("what precedes the log line at %d: %s", logLine.start(), d.stdout()).isIn('\n', '\r');
        }
    }

    /**
     * A backup that fails mid-way (a file-size limit: writes fail with EFBIG, as on a full disk) ends its line of figures
     * saying so, not with the bytes "stored" that went with its temporary files, and the error starts on a line of its
     * own. xz is slow enough that the figures are drawn before the limit is reached.
     */
    @Test
    void aFailedBackupEndsItsLineWithoutClaimingBytesStored() throws Exception {
        assumeTrue(StorageFixtures.hasCommand("script"), "util-linux script is needed for a pseudo-terminal");
        Map<String, String> env = new java.util.HashMap<>(env("b9"));
        env.put("BACKUP_COMPRESSION", "xz");
        env.put("BACKUP_COMPRESSION_LEVEL", "1");

        CliProcess.Result t = inTerminal(env, "ulimit -f 2048; ", "", "backup", "storage", "--no-rotate");
        assertThat(t.exitCode()).as(t.describe()).isEqualTo(1);
        int error = t.stdout().indexOf("archivist: storage backup of ");
        assertThat(error).as(t.stdout()).isPositive();
        assertThat(t.stdout().charAt(error - 1)).as("the error starts on a line of its own: " + t.stdout()).isEqualTo('\n');
        String beforeError = t.stdout().substring(0, error);
        String lastDraw = beforeError.substring(beforeError.lastIndexOf("\r  "));
        assertThat(lastDraw).as(t.stdout()).contains(" read, ").contains("failed: nothing kept").doesNotContain("stored");
        try (var kept = Files.list(tmp.resolve("b9").resolve("storage"))) {
            assertThat(kept.toList()).as("nothing kept").isEmpty();
        }
    }

    /** Runs the CLI inside {@code script} (a pseudo-terminal); {@code redirect} is appended to the shell command. */
    private CliProcess.Result inTerminal(String redirect, String backups, String... args) throws Exception {
        return inTerminal(env(backups), "", redirect, args);
    }

    /** As above with {@code env}; {@code before} runs first in the terminal's shell ({@code stty cols 30; }). */
    private CliProcess.Result inTerminal(Map<String, String> env, String before, String redirect, String... args)
            throws Exception {
        return StorageFixtures.runWrapped(tmp, env, cmd -> List.of("script", "-qec",
                before + cmd.stream().map(StorageFixtures::q).collect(Collectors.joining(" ")) + redirect, "/dev/null"),
                args);
    }

    /**
     * {@link #env} with a 48 MiB WAL database as {@code DATABASE_URL} (long enough to copy that its progress is drawn);
     * skipped without {@code script} or {@code sqlite3}.
     */
    private Map<String, String> withBigDatabase(String backups) throws Exception {
        assumeTrue(StorageFixtures.hasCommand("script"), "util-linux script is needed for a pseudo-terminal");
        assumeTrue(StorageFixtures.hasCommand("sqlite3"), "sqlite3 builds the database quickly");
        Path db = dev.archivist.testing.TestDb.createBig(tmp.resolve("app.db"), dev.archivist.testing.TestDb.Mode.WAL,
                48);
        Map<String, String> env = new java.util.HashMap<>(env(backups));
        env.put("DATABASE_URL", "sqlite:///" + db);
        return env;
    }
}
