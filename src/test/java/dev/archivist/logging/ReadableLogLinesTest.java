package dev.archivist.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.testing.CliProcess;
import dev.archivist.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readable log lines ({@code JSON_LOGS=false}) keep one event on one line: a file name holding a newline cannot forge
 * a line that reads as another event, nor an escape sequence drive the terminal of whoever reads the log.
 */
class ReadableLogLinesTest {
    @TempDir
    Path dir;

    @Test
    void aFileNameWithANewlineAndAnEscapeSequenceStaysOnTheLineThatNamesIt() throws Exception {
        Path storage = dir.resolve("storage");
        Files.createDirectories(storage);
        Files.writeString(storage.resolve("a.txt"), "some content");
        String forged = "evil\n2026-01-01T00:00:00.000Z ERROR Forged: \u001b[31mall backups deleted";
        Trees.sh("mkfifo " + Trees.q(storage.resolve(forged))); // a FIFO is skipped, and named in a WARN line

        CliProcess.Result r = new CliProcess(dir).env(Map.of(
                "DATABASE_URL", dir.resolve("app.db").toString(),
                "STORAGE_PATH", storage.toString(),
                "BACKUP_DIR", dir.resolve("backups").toString(),
                "JSON_LOGS", "false")).run("backup", "storage");

        assertThat(r.exitCode()).as(r.describe()).isEqualTo(0);
        assertThat(r.stderr()).as(r.describe())
                .contains("WARN ")
                .contains("evil\\n2026-01-01T00:00:00.000Z ERROR Forged: \\033[31mall backups deleted");
        assertThat(r.stderr().lines()).as(r.describe())
                .noneMatch(line -> line.startsWith("2026-01-01"))
                .noneMatch(line -> line.contains("\u001b"));
    }
}
