package dev.archivist.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.testing.CliProcess;
import dev.archivist.testing.TestDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A machine where zstd's native library cannot load: zstd-jni unpacks it into the temporary folder, and this user may
 * not write that one (the jar run without bin/archivist, which unpacks it beside the jar). Archivist then fails with
 * the cause named, never a stack trace, leaves nothing behind, and calls nothing damaged.
 */
class ZstdUnavailableTest {
    @TempDir
    Path dir;

    private static void assumePermissionsBind() {
        Assumptions.assumeTrue(!CliProcess.runningAsRoot() || TestDb.onPath("setpriv"),
                "running as root without setpriv: permission bits do not bind");
    }

    private CliProcess cli() throws Exception {
        Path storage = Files.createDirectories(dir.resolve("storage"));
        Files.writeString(storage.resolve("a.txt"), "alpha");
        return new CliProcess(dir).env("DATABASE_URL", dir.resolve("app.db").toString())
                .env("STORAGE_PATH", storage.toString()).env("BACKUP_DIR", dir.resolve("backups").toString())
                .env("JSON_LOGS", "false");
    }

    private Path unwritableTemporaryFolder() throws Exception {
        Path noTmp = Files.createDirectories(dir.resolve("no-tmp"));
        Files.setPosixFilePermissions(noTmp, PosixFilePermissions.fromString("r-x------"));
        return noTmp;
    }

    /** Runs {@code args} as a user whom permission bits bind (root without its bypass). */
    private static CliProcess.Result unprivileged(CliProcess cli, String... args) throws Exception {
        return cli.startWrapped(CliProcess.withoutPermissionBypass("-dac_override"), args).await(Duration.ofMinutes(2));
    }

    @Test
    void aBackupFailsNamingTheCauseAndLeavesNothingBehind() throws Exception {
        assumePermissionsBind();
        Path noTmp = unwritableTemporaryFolder();
        CliProcess cli = cli().jvmArg("-Djava.io.tmpdir=" + noTmp);
        for (String codec : new String[] {"zstd", "gz"}) { // gz too: the per-file index is zstd
            CliProcess.Result r = unprivileged(cli, "backup", "storage", "--no-rotate", "--compression", codec);
            assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
            assertThat(r.stderr()).as(r.describe())
                    .contains("archivist: zstd cannot be used here: its native library did not load (")
                    .contains("temporary folder " + noTmp).doesNotContain("\tat ");
            Path storageBackups = dir.resolve("backups/storage");
            if (Files.exists(storageBackups)) {
                try (Stream<Path> left = Files.list(storageBackups)) {
                    assertThat(left).as("what the failed backup left").isEmpty();
                }
            }
        }
    }

    /**
     * Where zstd's native library cannot load (zstd-jni unpacks it into a temporary folder this user may not write, and
     * nothing named it otherwise), a verify says so for each backup that needs zstd and counts it as not checked here:
     * no stack trace, and nothing recorded against the backup.
     */
    @Test
    void whereZstdCannotLoadVerifySaysSoAndFindsNothingWrong() throws Exception {
        assumePermissionsBind();
        CliProcess cli = cli();
        assertThat(cli.run("backup", "storage", "--no-rotate", "--compression", "gz").exitCode()).isZero();
        Path noTmp = unwritableTemporaryFolder();
        CliProcess.Result r = unprivileged(cli.jvmArg("-Djava.io.tmpdir=" + noTmp), "verify", "--all");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        assertThat(r.stdout()).as(r.describe())
                .containsPattern("ERROR  storage_backup_\\S+: zstd cannot be used here: its native library did not load \\(")
                .contains("temporary folder " + noTmp)
                .contains("0 backups verified: 0 clean, 0 with problems, 1 could not be checked here");
        assertThat(r.stderr()).doesNotContain("\tat ").doesNotContain("ExceptionInInitializerError");
        assertThat(cli.run("list").stdout()).containsPattern("storage_backup_\\S+ +storage .* never");
    }
}
