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
 * {@code pw} as a URL query parameter or a {@code key=value} name is a password ({@code ?pw=…}, {@code DB_PW=…}), in
 * {@code config}, its {@code --json} and a bad-value error; as part of a word ({@code stopwatch:},
 * {@code /srv/upwork:}) it is plain text, printed as it is.
 */
class ShortPasswordParameterTest {
    private static final String SECRET = "hunter2xyz";

    @TempDir
    Path dir;

    private Map<String, String> env(String databaseUrl) {
        return Map.of("DATABASE_URL", databaseUrl, "STORAGE_PATH", dir.resolve("st").toString(),
                "BACKUP_DIR", dir.resolve("bk").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"?pw=" + SECRET, "?mode=ro&pw=" + SECRET, "?PW=" + SECRET, "?db_pw=" + SECRET})
    void aPwQueryParameterIsMaskedInConfig(String query) {
        String url = "sqlite:///" + dir.resolve("app.db") + query;
        for (String[] args : new String[][] {{"config"}, {"config", "--json"}}) {
            InProcessCli.Result r = InProcessCli.run(env(url), args);
            assertThat(r.exitCode()).as(r.describe()).isZero();
            assertThat(r.stdout() + r.stderr()).as(r.describe()).doesNotContain(SECRET).contains(Redactor.MASK);
        }
    }

    @Test
    void aPwQueryParameterIsMaskedInABadValueError() {
        InProcessCli.Result r = InProcessCli.run(env("postgres://db/app?pw=" + SECRET), "config");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
        assertThat(r.stderr()).as(r.describe()).contains("DATABASE_URL").contains("pw=***").doesNotContain(SECRET);
    }

    @ParameterizedTest
    @ValueSource(strings = {"pw=" + SECRET, "connecting with DB_PW=" + SECRET, "{\"pw\": \"" + SECRET + "\"}",
            "https://h/x?a=1&pw=" + SECRET})
    void aPwPairIsMaskedInFreeText(String text) {
        assertThat(Redactor.redact(text)).doesNotContain(SECRET).contains(Redactor.MASK);
    }

    @ParameterizedTest
    @ValueSource(strings = {"stopwatch: 3 s", "/srv/upwork: no space left", "/srv/upwork:x", "pwm=1", "opw=2",
            "copyright: 2024"})
    void pwInsideAWordIsPlainText(String text) {
        assertThat(Redactor.redact(text)).isEqualTo(text);
    }

    @Test
    void aPathHoldingPwInAWordPrintsAsItIs() {
        Map<String, String> env = Map.of("STORAGE_PATH", dir.resolve("stopwatch:").toString(),
                "BACKUP_DIR", dir.resolve("upwork:").toString(), "DATABASE_URL", dir.resolve("app.db").toString());
        InProcessCli.Result r = InProcessCli.run(env, "config");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.stdout()).contains(dir.resolve("stopwatch:").toString()).contains(dir.resolve("upwork:").toString())
                .doesNotContain(Redactor.MASK);
    }
}
