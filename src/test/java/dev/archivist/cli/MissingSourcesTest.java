package dev.archivist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.config.Settings;
import dev.archivist.config.SettingsLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's start-up warnings for a database or storage folder an enabled job needs and that is not there. */
class MissingSourcesTest {
    @TempDir
    Path dir;

    private Settings settings(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("DATABASE_URL", "sqlite:///" + dir.resolve("app.db"),
                "STORAGE_PATH", dir.resolve("storage").toString(), "BACKUP_DIR", dir.resolve("backups").toString()));
        env.putAll(extra);
        return SettingsLoader.load(env, null, false, Map.of());
    }

    @Test
    void namesEachMissingSourceAndTheJobsThatNeedIt() throws Exception {
        // the defaults: database and full backups on, storage off
        assertThat(MissingSources.of(settings(Map.of()))).satisfiesExactly(
                db -> assertThat(db).contains(dir.resolve("app.db").toString()).contains("DATABASE_URL")
                        .contains("database and full backups will fail"),
                storage -> assertThat(storage).contains(dir.resolve("storage").toString()).contains("STORAGE_PATH")
                        .contains("does not exist").contains("full backups will fail").doesNotContain("storage and full"));
        assertThat(MissingSources.of(settings(Map.of("BACKUP_DATABASE_ENABLED", "false", "BACKUP_FULL_ENABLED", "false",
                "BACKUP_STORAGE_ENABLED", "true")))).singleElement().asString()
                .contains("STORAGE_PATH").contains("storage backups will fail").doesNotContain("full");
    }

    @Test
    void saysNothingWhenTheSourcesExistOrNoJobNeedsThem() throws Exception {
        assertThat(MissingSources.of(settings(Map.of("BACKUP_DATABASE_ENABLED", "false", "BACKUP_FULL_ENABLED", "false"))))
                .isEmpty();
        Files.writeString(dir.resolve("app.db"), "");
        Files.createDirectories(dir.resolve("storage"));
        assertThat(MissingSources.of(settings(Map.of("BACKUP_STORAGE_ENABLED", "true")))).isEmpty();
    }
}
