package dev.archivist.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnknownVariablesTest {
    @Test
    void aNameWithinTwoEditsOfAVariableIsNamedWithTheVariable() {
        assertThat(UnknownVariables.check("DATABSE_URL", "in .env")).hasValue(
                "DATABSE_URL (in .env) is not a variable Archivist reads: ignored; did you mean DATABASE_URL?");
        assertThat(UnknownVariables.check("LOG_LEVL", "in .env")).get().asString().endsWith("did you mean LOG_LEVEL?");
        assertThat(UnknownVariables.check("MAX_BACKUPSSS", "in .env")).get().asString()
                .endsWith("did you mean MAX_BACKUPS?");
    }

    @Test
    void aNameOtherToolsGiveASettingIsNamedWithOurs() {
        assertThat(UnknownVariables.check("DATABASE_PATH", "in .env")).hasValue(
                "DATABASE_PATH (in .env) is not a variable Archivist reads: ignored; did you mean DATABASE_URL?");
        assertThat(UnknownVariables.check("STORAGE_DIR", "in the environment")).get().asString()
                .endsWith("did you mean STORAGE_PATH?");
        assertThat(UnknownVariables.check("BACKUP_PATH", "in .env")).get().asString()
                .endsWith("did you mean BACKUP_DIR?");
    }

    @Test
    void aBackupNameFarFromEveryVariableIsWarnedAboutWithoutASuggestion() {
        assertThat(UnknownVariables.check("BACKUP_S3_BUCKET", "in the environment"))
                .hasValue("BACKUP_S3_BUCKET (in the environment) is not a variable Archivist reads: ignored");
    }

    @Test
    void aNameInSmallLettersIsNamedWithTheVariableItSpells() {
        assertThat(UnknownVariables.check("max_backups", "in .env")).hasValue(
                "max_backups (in .env) is not a variable Archivist reads: ignored; did you mean MAX_BACKUPS?");
        assertThat(UnknownVariables.check("database_path", "in .env")).get().asString().endsWith("did you mean DATABASE_URL?");
        assertThat(UnknownVariables.check("path", "in the environment")).isEmpty();
    }

    @Test
    void theVariablesThemselvesAndOtherNamesAreLeftAlone() {
        assertThat(UnknownVariables.check("DATABASE_URL", "in .env")).isEmpty();
        assertThat(UnknownVariables.check("BACKUP_KEEP_DAILY", "in .env")).isEmpty();
        for (String other : new String[] {"PATH", "HOME", "TZ", "LS_COLORS", "JAVA_HOME", "SECRET_KEY", "LOG_FILE"}) {
            assertThat(UnknownVariables.check(other, "in the environment")).as(other).isEmpty();
        }
    }

    @Test
    void distanceCountsInsertionsDeletionsAndSubstitutions() {
        assertThat(UnknownVariables.distance("", "abc")).isEqualTo(3);
        assertThat(UnknownVariables.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(UnknownVariables.distance("MAX_BACKUP", "MAX_BACKUPS")).isEqualTo(1);
        assertThat(UnknownVariables.distance("same", "same")).isZero();
    }
    /**
     * Running out of heap says to set {@code ARCHIVIST_MAX_HEAP=2g}; written into the {@code .env} beside the other
     * settings, it was ignored without a word (the launcher sizes Java's heap from the environment, before the
     * {@code .env} is read), and the next run ran out of heap again.
     */
    @Test
    void theLaunchersHeapLimitInTheEnvFileIsNamedAsReadFromTheEnvironmentOnly(@TempDir Path dir) throws Exception {
        Path env = Files.writeString(dir.resolve(".env"), "ARCHIVIST_MAX_HEAP=2g\n");
        assertThat(RawConfig.load(Map.of(), env, true, Map.of(), new ArrayList<>()).warnings()).containsExactly(
                "ARCHIVIST_MAX_HEAP (in " + env + ") is read by bin/archivist from the environment only, before Java"
                        + " starts: ignored here; set it in the environment (systemd's Environment=, the crontab line)");
        assertThat(RawConfig.load(Map.of("ARCHIVIST_MAX_HEAP", "2g"), env, true, Map.of(), new ArrayList<>()).warnings())
                .isEmpty();
    }
}
