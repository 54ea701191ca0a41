package dev.archivist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.config.Redactor;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * scp's and rsync's {@code user:password@host:/path}, as operators write a remote target, has its password masked in
 * {@code config}'s refusal of it as a remote (text and JSON) and in any text; a path that merely holds
 * {@code :} and {@code @} ({@code /backups/app@2024}, {@code /srv/a:b@c}) prints as it is.
 */
class ScpStyleCredentialTest {
    private static final String SECRET = "S3cretPw9";

    @TempDir
    Path dir;

    @Test
    void anScpStyleBackupDirHasItsPasswordMaskedInConfig() {
        Map<String, String> env = Map.of("DATABASE_URL", dir.resolve("app.db").toString(),
                "STORAGE_PATH", dir.resolve("st").toString(), "BACKUP_DIR", "backup:" + SECRET + "@nas:/srv/backups");
        for (String[] args : new String[][] {{"config"}, {"config", "--json"}}) {
            InProcessCli.Result r = InProcessCli.run(env, args);
            // refused as a remote (Archivist writes local folders only), the value named with its password masked
            assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
            assertThat(r.stdout() + r.stderr()).as(r.describe()).doesNotContain(SECRET)
                    .contains("BACKUP_DIR='backup:***@nas:/srv/backups': a remote");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"backup:" + SECRET + "@nas:/srv/backups", "rsync to bob:" + SECRET + "@10.0.0.5:backups failed",
            "/tmp/w/backup:" + SECRET + "@nas.example.org:/srv", "target='bob:" + SECRET + "@nas:/x'",
            "sftp:bob:" + SECRET + "@nas:/srv"})
    void scpStyleCredentialsAreMaskedInText(String text) {
        assertThat(Redactor.redact(text)).doesNotContain(SECRET).contains(":***@");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/backups/app@2024", "/srv/a:b@c", "/srv/a:b@c/d", "bob@nas:/srv/backups",
            "backups at 12:30 by bob@example.org"})
    void pathsWithColonAndAtPrintAsTheyAre(String text) {
        assertThat(Redactor.redact(text)).isEqualTo(text);
        assertThat(Redactor.redactValue("BACKUP_DIR", text)).isEqualTo(text);
    }

    @Test
    void anOrdinaryPathWithAtPrintsAsItIsInConfig() {
        Map<String, String> env = Map.of("DATABASE_URL", dir.resolve("app.db").toString(),
                "STORAGE_PATH", dir.resolve("a:b@c").toString(), "BACKUP_DIR", dir.resolve("app@2024").toString());
        InProcessCli.Result r = InProcessCli.run(env, "config");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.stdout()).contains(dir.resolve("app@2024").toString(), dir.resolve("a:b@c").toString())
                .doesNotContain(Redactor.MASK);
    }
}
