package dev.archivist.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.testing.CliProcess;
import dev.archivist.testing.TestDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A leftover of an interrupted run that cannot be removed (a rotation's data file another client of a network share
 * holds open, or one marked immutable) does not stop backups: the sweep that every locked command runs first failed
 * with it, so every backup failed until someone removed the file by hand. It is named in a warning, keeps its mark,
 * and goes at the first sweep that can remove it.
 */
class UnremovableLeftoverTest {
    @TempDir
    Path dir;

    @Test
    void aBackupIsTakenBesideALeftoverThatCannotBeRemoved() throws Exception {
        Assumptions.assumeTrue(!CliProcess.runningAsRoot() || TestDb.onPath("setpriv"),
                "running as root without setpriv: permission bits do not bind");
        Path db = TestDb.create(dir.resolve("app.db"), TestDb.Mode.WAL, 20, 20);
        Path backups = dir.resolve("backups");
        CliProcess cli = CliProcess.forApp(dir, db, backups);
        assertThat(cli.run("backup", "database", "--no-rotate").exitCode()).isZero();

        // a rotation removed this backup's manifest, then could not remove its data (here: a folder it cannot empty,
        // another user's, which a user without root's bypass may neither write nor chmod)
        String id = "db_backup_20260101T000000.000Z";
        Path mark = Files.createDirectories(backups.resolve(".archivist/in-flight")).resolve(id);
        Files.createFile(mark);
        Path leftover = Files.createDirectories(backups.resolve("database").resolve(id + ".db.zst/held"));
        Files.writeString(leftover.resolve("x"), "x");
        Files.setPosixFilePermissions(leftover, PosixFilePermissions.fromString("r-x------"));
        if (CliProcess.runningAsRoot()) {
            Files.setAttribute(leftover, "unix:uid", 65534);
        }

        CliProcess.Result r = cli.startWrapped(CliProcess.withoutPermissionBypass("-dac_override,-fowner"),
                "backup", "database", "--no-rotate").await(Duration.ofMinutes(2));

        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.stderr()).as(r.describe()).contains("cannot remove " + backups.resolve("database").resolve(id + ".db.zst"))
                .contains("the next run tries again").doesNotContain("\tat ");
        assertThat(mark).as("its mark stays, so the next sweep removes it").exists();

        // once it can be removed (here: by root with its bypass), the next sweep removes it and ends its mark

        CliProcess.Result next = cli.run("backup", "database", "--no-rotate");
        assertThat(next.exitCode()).as(next.describe()).isZero();
        assertThat(backups.resolve("database").resolve(id + ".db.zst")).doesNotExist();
        assertThat(mark).doesNotExist();
    }
}
