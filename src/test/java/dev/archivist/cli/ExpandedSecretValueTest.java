package dev.archivist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A value that a {@code .env} reference took from a secret ({@code MAX_BACKUPS=${DB_PASSWORD}}) is masked where it is
 * shown: the bad-value error (still naming the variable, exit 2) and {@code config}, text and JSON; a reference to a
 * variable that is no secret is shown as it expanded.
 */
class ExpandedSecretValueTest {
    private static final String SECRET = "S3cretValue42";

    @TempDir
    Path dir;

    private InProcessCli.Result config(Map<String, String> env, String dotEnv, String... more) throws Exception {
        Path file = Files.writeString(dir.resolve("app.env"), dotEnv);
        String[] args = new String[more.length + 3];
        args[0] = "config";
        args[1] = "--env-file";
        args[2] = file.toString();
        System.arraycopy(more, 0, args, 3, more.length);
        Map<String, String> all = new java.util.HashMap<>(Map.of("STORAGE_PATH", dir.resolve("st").toString(),
                "DATABASE_URL", dir.resolve("app.db").toString()));
        all.putAll(env);
        return InProcessCli.run(all, args);
    }

    @Test
    void aRejectedValueExpandedFromASecretIsMasked() throws Exception {
        InProcessCli.Result r = config(Map.of(), "DB_PASSWORD=" + SECRET + "\nMAX_BACKUPS=${DB_PASSWORD}\n"
                + "BACKUP_COMPRESSION='${DB_PASSWORD}'\nBACKUP_TIMEZONE=x${DB_PASSWORD:-none}\n");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
        assertThat(r.stderr()).as(r.describe()).doesNotContain(SECRET)
                .contains("MAX_BACKUPS='***'", "BACKUP_COMPRESSION='***'", "BACKUP_TIMEZONE='x***'");
    }

    @Test
    void aSecretOfTheEnvironmentOrCarriedByAnotherLineIsMaskedToo() throws Exception {
        InProcessCli.Result r = config(Map.of("API_TOKEN", SECRET),
                "ALIAS=${API_TOKEN}\nLOG_LEVEL=${ALIAS}\nBACKUP_KEEP_LAST=${API_TOKEN}\n");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
        assertThat(r.stderr()).as(r.describe()).doesNotContain(SECRET)
                .contains("LOG_LEVEL='***'", "BACKUP_KEEP_LAST='***'");
    }

    @Test
    void anAcceptedValueExpandedFromASecretIsMaskedInConfig() throws Exception {
        String dotEnv = "DB_PASSWORD=" + SECRET + "\nBACKUP_DIR=" + dir.resolve("bk") + "/${DB_PASSWORD}\n";
        for (String[] more : new String[][] {{}, {"--json"}}) {
            InProcessCli.Result r = config(Map.of(), dotEnv, more);
            assertThat(r.exitCode()).as(r.describe()).isZero();
            assertThat(r.stdout() + r.stderr()).as(r.describe()).doesNotContain(SECRET)
                    .contains(dir.resolve("bk") + "/***");
        }
    }

    @Test
    void aReferenceToAPlainVariableIsShownAsItExpanded() throws Exception {
        InProcessCli.Result r = config(Map.of(), "COUNT=seven\nMAX_BACKUPS=${COUNT}\n");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
        assertThat(r.stderr()).as(r.describe()).contains("MAX_BACKUPS='seven'");
    }
}
