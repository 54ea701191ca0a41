package dev.archivist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify --all} says why a manifest cannot be read, as {@code list} does: every such manifest was reported as
 * "unreadable (not valid JSON or not a manifest)", which reads as damage, also when it was only another user's (a
 * backup run once with sudo into this user's BACKUP_DIR leaves a manifest only root may read).
 */
class VerifyUnreadableReasonTest {
    @TempDir
    Path dir;

    @Test
    void aManifestThatCannotBeReadIsReportedWithItsReason() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("backups").resolve("database"));
        Files.writeString(folder.resolve("db_backup_20260101T000000.000Z.json"),
                "{\"id\":\"db_backup_20260101T000000.000Z\",\"type\":\"storage\"}");
        Map<String, String> env = Map.of("DATABASE_URL", dir.resolve("app.db").toString(),
                "BACKUP_DIR", dir.resolve("backups").toString(), "STORAGE_PATH", dir.resolve("storage").toString(),
                "JSON_LOGS", "false");

        InProcessCli.Result r = InProcessCli.run(env, "verify", "--all");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        assertThat(r.stdout()).contains("FAILED db_backup_20260101T000000.000Z")
                .contains("unreadable (a storage backup's manifest in the database folder")
                .doesNotContain("not valid JSON");
    }
}
