package dev.archivist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.BackupService;
import dev.archivist.config.SettingsLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code restore database --target DIR/} (a trailing slash: a folder meant, as {@code cp} reads it) wrote the
 * database as a file named {@code DIR}, since the path lost its slash when parsed: a usage error now, nothing written.
 */
class RestoreDatabaseTargetFolderTest {
    @TempDir
    Path dir;

    @Test
    void aTargetEndingInASlashIsRefusedNotWrittenAsAFile() throws Exception {
        Path db = dir.resolve("app.db");
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + db); var st = c.createStatement()) {
            st.execute("CREATE TABLE t(x)");
            st.execute("INSERT INTO t VALUES (1)");
        }
        Map<String, String> env = Map.of("DATABASE_URL", db.toString(), "BACKUP_DIR", dir.resolve("backups").toString(),
                "STORAGE_PATH", dir.resolve("storage").toString(), "JSON_LOGS", "false");
        new BackupService(SettingsLoader.load(env, null, false, Map.of())).backupDatabase(false);
        Path folder = dir.resolve("restored");

        InProcessCli.Result r = InProcessCli.run(env, "restore", "database", "latest", "--target", folder + "/", "--yes");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
        assertThat(r.stderr()).contains("names a folder").contains(folder.resolve("app.db").toString());
        assertThat(folder).doesNotExist();

        InProcessCli.Result file = InProcessCli.run(env, "restore", "database", "latest", "--target",
                folder.resolve("app.db").toString(), "--yes");
        assertThat(file.exitCode()).as(file.describe()).isZero();
        assertThat(folder.resolve("app.db")).isRegularFile();
        assertThat(Files.isDirectory(folder)).isTrue();
    }

    @Test
    void aStorageOnlyOptionIsAUsageErrorForADatabaseRestore() throws Exception {
        Map<String, String> env = Map.of("DATABASE_URL", dir.resolve("app.db").toString(), "BACKUP_DIR",
                dir.resolve("backups").toString(), "JSON_LOGS", "false");
        InProcessCli.Result r = InProcessCli.run(env, "restore", "database", "latest", "--allow-outside-symlinks", "--yes");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
        assertThat(r.stderr()).contains("--allow-outside-symlinks applies to restore storage and restore full only");
    }
}
