package dev.archivist.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Any {@code BACKUP_KEEP_*} replaces {@code MAX_BACKUPS}: a {@code MAX_BACKUPS=30} kept from the Python tool's
 * {@code .env} beside a new {@code BACKUP_KEEP_DAILY=7} was silently not applied, and rotation removed backups the
 * operator counted on. The configuration now says so.
 */
class MaxBackupsReplacedTest {
    @TempDir
    Path dir;

    private List<String> warnings(Map<String, String> environment, String envFile) throws Exception {
        Path file = Files.writeString(dir.resolve("app.env"), envFile);
        List<String> problems = new ArrayList<>();
        RawConfig raw = RawConfig.load(environment, file, true, Map.of(), problems);
        assertThat(problems).isEmpty();
        return raw.warnings();
    }

    @Test
    void aMaxBackupsSetBesideAKeepRuleIsNamedAsHavingNoEffect() throws Exception {
        assertThat(warnings(Map.of("BACKUP_KEEP_DAILY", "7"), "MAX_BACKUPS=30\n")).containsExactly(
                "MAX_BACKUPS='30' (.env) has no effect: BACKUP_KEEP_DAILY is set, and any BACKUP_KEEP_* replaces"
                        + " MAX_BACKUPS (BACKUP_KEEP_LAST keeps the newest N beside the other rules)");
        assertThat(warnings(Map.of("MAX_BACKUPS", "30"), "BACKUP_KEEP_WITHIN=30d\n"))
                .singleElement().asString().startsWith("MAX_BACKUPS='30' (environment) has no effect: BACKUP_KEEP_WITHIN");
    }

    @Test
    void nothingIsSaidWhenMaxBackupsApplies() throws Exception {
        assertThat(warnings(Map.of(), "MAX_BACKUPS=30\nBACKUP_KEEP_DAILY=0\nBACKUP_KEEP_LAST=\n")).isEmpty();
        assertThat(warnings(Map.of("BACKUP_KEEP_DAILY", "7"), "# MAX_BACKUPS left at its default\n")).isEmpty();
    }
}
