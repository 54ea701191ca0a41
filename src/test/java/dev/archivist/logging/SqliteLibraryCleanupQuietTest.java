package dev.archivist.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.testing.CliProcess;
import dev.archivist.testing.TestDb;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteJDBCLoader;

/**
 * sqlite-jdbc, where it extracts its native library at each start (no pre-extracted one: an embedding application, a
 * JRE without the jar tool, a read-only install), first deletes the libraries other processes extracted and left
 * without their lock file. Two archivist processes starting and ending at once (the daemon's job and a cron command)
 * race on that: the one whose delete failed logged an ERROR with a stack trace in the middle of a backup that
 * succeeded. It is another process's temporary file: nothing of ours failed, and nothing is printed.
 */
class SqliteLibraryCleanupQuietTest {
    @TempDir
    Path dir;

    @Test
    void aForeignLibraryThatCannotBeDeletedIsNotReported() throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        // a "library" left by another process that cannot be deleted (a non-empty folder: refused even to root), as a
        // library that its process deleted first, between sqlite-jdbc's listing and its delete, is not found
        Path stale = Files.createDirectories(tmp.resolve("sqlite-" + SQLiteJDBCLoader.getVersion()
                + "-00000000-0000-0000-0000-000000000000-libsqlitejdbc.so"));
        Files.writeString(stale.resolve("held"), "x");
        Path db = TestDb.create(dir.resolve("app.db"), TestDb.Mode.WAL, 10, 100);
        CliProcess cli = CliProcess.forApp(dir, db, dir.resolve("backups")).jvmArg("-Dorg.sqlite.tmpdir=" + tmp);

        CliProcess.Result r = cli.run("backup", "database", "--no-rotate");

        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.stderr()).as(r.describe()).doesNotContain("Failed to delete old native lib").doesNotContain("\tat ");
        assertThat(stale).as("the other process's file is left to it").exists();
    }
}
