package dev.archivist.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.testing.CliProcess;
import dev.archivist.testing.TestDb;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command whose output cannot be written (stdout on a full disk) fails with exit 1 and says so, as GNU tools do:
 * {@code archivist list --json > report.json} on a full disk must not leave a script an empty file and exit 0. A
 * backup that was written keeps exit 0 and is said to have succeeded.
 */
@Tag("system")
class OutputWriteFailureTest {
    @TempDir
    Path dir;

    @Test
    void outputOnAFullDiskIsAFailureNotASilentSuccessExceptForWorkThatWasDone() throws Exception {
        CliProcess cli = withADatabaseBackup();

        for (String[] args : new String[][] {{"list", "--json"}, {"stats"}, {"list"}}) {
            Path err = dir.resolve("err.txt");
            Process p = cli.start(new File("/dev/full"), err.toFile(), args);
            assertThat(p.waitFor()).as(String.join(" ", args) + " > /dev/full").isEqualTo(1);
            assertThat(Files.readString(err)).contains("archivist: the output could not be written (closed pipe or full disk)");
        }
        Path err = dir.resolve("backup.err");
        Process backup = cli.start(new File("/dev/full"), err.toFile(), "backup", "database", "--no-rotate", "--json");
        assertThat(backup.waitFor()).as("a backup that was written is no failure for want of its report").isZero();
        assertThat(Files.readString(err)).contains("the output could not be written (closed pipe or full disk); the "
                + "backup itself succeeded");
        assertThat(cli.run("list", "--type", "database").stdout().lines().filter(l -> l.startsWith("db_backup_")))
                .hasSize(2);

        CliProcess.Result ok = cli.run("list");
        assertThat(ok.exitCode()).as(ok.describe()).isZero();
        assertThat(ok.stderr()).doesNotContain("could not be written");
    }

    /**
     * {@code archivist ls latest | head}: once the reader has gone, a command run for its output stops and says
     * nothing, with 141 (128 + SIGPIPE) as a C tool ended by the signal; a backup keeps exit 0 and says it was taken.
     */
    @Test
    void aClosedPipeEndsAListingQuietlyWithTheSigpipeCode() throws Exception {
        Path storage = Files.createDirectories(dir.resolve("storage"));
        for (int i = 0; i < 3_000; i++) { // a listing longer than a pipe's buffer (~160 KB), checked only at its end
            Files.writeString(storage.resolve("file-" + i + ".txt"), "content " + i);
        }
        CliProcess cli = new CliProcess(dir).env("STORAGE_PATH", storage.toString())
                .env("BACKUP_DIR", dir.resolve("backups").toString());
        assertThat(cli.run("backup", "storage", "--no-rotate").exitCode()).isZero();

        Path err = dir.resolve("err.txt");
        for (String[] args : new String[][] {{"ls", "latest"}, {"ls", "latest", "--json"}, {"list"},
                {"dump", "latest", "file-1.txt"}}) {
            Process p = closedPipe(cli, err, args);
            assertThat(p.waitFor()).as(String.join(" ", args) + " | (closed)").isEqualTo(141);
            assertThat(Files.readString(err)).as(String.join(" ", args)).doesNotContain("could not be written")
                    .doesNotContain("Exception").doesNotContain("3000 files"); // no totals of a listing cut short
        }
        Process backup = closedPipe(cli, err, "backup", "storage", "--no-rotate");
        assertThat(backup.waitFor()).as("a backup that was written is no failure for want of its report").isZero();
        assertThat(Files.readString(err)).contains("the backup itself succeeded");
        assertThat(cli.run("list").stdout().lines().filter(l -> l.startsWith("storage_backup_"))).hasSize(2);
    }

    /**
     * A dry run changes nothing: its preview is what it is run for, so losing it fails as a listing does (exit 1 on a
     * full disk, 141 on a closed pipe), and it never says that a backup or a rotation "itself succeeded".
     */
    @Test
    void aDryRunWhoseOutputIsLostFailsAndClaimsNoSuccess() throws Exception {
        CliProcess cli = withADatabaseBackup();
        Path err = dir.resolve("err.txt");
        for (String[] args : new String[][] {{"backup", "database", "--dry-run"}, {"backup", "database", "--dry-run", "--json"},
                {"rotate", "--dry-run"}, {"rotate", "--dry-run=true", "--json"}}) {
            Process p = cli.start(new File("/dev/full"), err.toFile(), args);
            assertThat(p.waitFor()).as(String.join(" ", args) + " > /dev/full").isEqualTo(1);
            assertThat(Files.readString(err)).as(String.join(" ", args))
                    .contains("archivist: the output could not be written (closed pipe or full disk)")
                    .doesNotContain("itself succeeded");
            Process piped = closedPipe(cli, err, args);
            assertThat(piped.waitFor()).as(String.join(" ", args) + " | (closed)").isEqualTo(141);
            assertThat(Files.readString(err)).as(String.join(" ", args)).doesNotContain("itself succeeded");
        }
        assertThat(cli.run("list", "--type", "database").stdout().lines().filter(l -> l.startsWith("db_backup_")))
                .as("a dry run takes no backup").hasSize(1);
    }

    /** Starts the command with stdout a pipe whose reading end is closed before the command writes anything. */
    private static Process closedPipe(CliProcess cli, Path err, String... args) throws Exception {
        Process p = cli.builder(cli.command(args)).redirectError(err.toFile()).start();
        p.getInputStream().close();
        return p;
    }

    /** The CLI of an application with a small database, backed up once. */
    private CliProcess withADatabaseBackup() throws Exception {
        TestDb.create(dir.resolve("app.db"), TestDb.Mode.WAL, 10, 100);
        CliProcess cli = new CliProcess(dir).env("DATABASE_URL", "sqlite:///" + dir.resolve("app.db"))
                .env("BACKUP_DIR", dir.resolve("backups").toString()).env("STORAGE_PATH", dir.toString());
        assertThat(cli.run("backup", "database", "--no-rotate").exitCode()).isZero();
        return cli;
    }
}
