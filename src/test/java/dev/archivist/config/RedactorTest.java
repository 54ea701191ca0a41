package dev.archivist.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The redaction rules of SEED-SPEC (logging) and defect 11: URLs, key=value, JSON pairs, nested values, exceptions. */
class RedactorTest {
    private static final String SECRET = "S3cretPW";

    @ParameterizedTest
    @ValueSource(strings = {
            "postgres://admin:S3cretPW@db/x",
            "connecting to mysql://root:S3cretPW@127.0.0.1:3306/app now",
            "https://user:S3cretPW@example.org/path?q=1",
            "backups in /mnt/https:/user:S3cretPW@nas/bk", // a URL in a path, its // collapsed by normalisation
            "https://ghp_S3cretPW0123456789abcdef@github.com/org/repo.git",
            "pulling from https://glpat-S3cretPW-0123456@example.org/x now",
            "sqlite:////tmp/x.db?password=S3cretPW",
            "sqlite:////tmp/x.db?mode=ro&password=S3cretPW&cache=shared",
            "sqlite:////tmp/x.db?passphrase=S3cretPW",
            "sqlite:////tmp/x.db?pass=S3cretPW",
            "sqlite:////tmp/x.db;password=S3cretPW",
            "https://bucket.example/x?X-Amz-Signature=S3cretPW&X-Amz-Date=1",
            "session=S3cretPW",
            "cookie: S3cretPW",
            "bearer=S3cretPW",
            "PRIVATE_KEY=S3cretPW",
            "password=S3cretPW",
            "PASSWORD = S3cretPW",
            "token=S3cretPW",
            "api_key=S3cretPW",
            "apikey: S3cretPW",
            "API_TOKEN=S3cretPW",
            "DB_PASSWD=S3cretPW",
            "x-auth=S3cretPW",
            "client_secret='S3cretPW'",
            "credential=\"S3cretPW\"",
            "failed: pwd=S3cretPW, retrying",
            "{\"password\": \"S3cretPW\"}",
            "{\"api_key\":\"S3cretPW\",\"user\":\"bob\"}",
            "{\"config\": {\"nested\": {\"db_token\": \"S3cretPW\"}}}",
            "{\"message\":\"login with password=S3cretPW failed\",\"level\":\"ERROR\"}",
            "{\"secret\": 12345S3cretPW}",
            "java.sql.SQLException: access denied for postgres://admin:S3cretPW@db/x (token=S3cretPW)",
            "Caused by: java.io.IOException: bad header Authorization: S3cretPW",
            "request failed: Authorization: Bearer S3cretPW",
            "header authorization=Basic S3cretPW sent",
            "AUTH_HEADER='Token S3cretPW'",
            "[{\"key\": \"S3cretPW\"}, {\"token\": \"S3cretPW\"}]",
            "line1\nline2 token=S3cretPW\nline3",
            "spring.datasource.password: S3cretPW",
            "server.key: S3cretPW",
            "token.txt=S3cretPW"})
    void secretsAreMasked(String text) {
        String out = Redactor.redact(text);
        assertThat(out).doesNotContain(SECRET).contains(Redactor.MASK);
    }

    @Test
    void urlKeepsSchemeUserAndHost() {
        assertThat(Redactor.redact("postgres://admin:S3cretPW@db.example.org:5432/x"))
                .isEqualTo("postgres://admin:***@db.example.org:5432/x");
    }

    /** Long userinfo without a password is a token: masked whole, host and path kept; a short user name stays. */
    @Test
    void tokenOnlyUserinfoIsMaskedWhole() {
        assertThat(Redactor.redact("https://ghp_S3cretPW0123456789@github.com/org/repo.git?x=1"))
                .isEqualTo("https://***@github.com/org/repo.git?x=1");
        assertThat(Redactor.redact("https://example.org/x?mail=a@b")).isEqualTo("https://example.org/x?mail=a@b");
        assertThat(Redactor.redact("postgres://app@db.example.org/x")).isEqualTo("postgres://app@db.example.org/x");
    }

    /** A secret holding a comma, a semicolon or a bracket is masked whole, not up to that character. */
    @Test
    void aValueIsMaskedUpToWhitespaceOrTheNextParameter() {
        assertThat(Redactor.redact("x.db?password=hun,ter2&cache=shared")).isEqualTo("x.db?password=***&cache=shared");
        for (String tail : List.of(";ter2", "}ter2", "]ter2", ",ter2")) {
            assertThat(Redactor.redact("password=hun" + tail + " then")).isEqualTo("password=*** then");
        }
    }

    /** The quote that closes a quoted value in a message is the message's, not the secret's. */
    @Test
    void theQuoteClosingAMessagesValueStays() {
        assertThat(Redactor.redact("DATABASE_URL='mysql://admin:hunter2@db/app?password=zzz': only SQLite is supported"))
                .isEqualTo("DATABASE_URL='mysql://admin:***@db/app?password=***': only SQLite is supported");
        assertThat(Redactor.redact("X='file:/x.db?token=abc'")).isEqualTo("X='file:/x.db?token=***'");
        assertThat(Redactor.redact("password=it's-secret then")).isEqualTo("password=*** then");
    }

    @Test
    void keyValueKeepsTheKey() {
        assertThat(Redactor.redact("retry with token=abc123 in 5 s")).isEqualTo("retry with token=*** in 5 s");
    }

    @Test
    void jsonKeepsValidJson() throws Exception {
        String out = Redactor.redact("{\"user\":\"bob\",\"password\":\"p\\\"w\",\"n\":1}");
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(out).path("password").asText()).isEqualTo("***");
        assertThat(out).contains("\"user\":\"bob\"").contains("\"n\":1");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "database backup db_backup_20261128T010203.456Z written: 1234 bytes",
            "backup_path=/var/backups/database/db_backup_1.db.zst",
            "DATABASE_URL=sqlite:///./app_data.db",
            "{\"type\":\"database\",\"file_size\":42,\"checksum\":\"abc\"}",
            "MAX_BACKUPS=7, BACKUP_KEEP_DAILY=3",
            "DATABASE_URL=sqlite:///customer-database-prod@2024.db", // a name with '@' in a URL of three slashes
            "sqlite:////srv/data/customer-database-production@2024.db",
            // a file's name before a message's ':' is not a key: the reason after it stays readable
            "database /srv/app/auth.db: not a SQLite database (it does not start with SQLite's header)",
            "2 entries were not stored (see skipped in the manifest), e.g. passport.pdf: permission denied",
            "monkey.png: permission denied",
            "env file secret.env: cannot read (AccessDeniedException: secret.env)"})
    void ordinaryTextIsUntouched(String text) {
        assertThat(Redactor.redact(text)).isEqualTo(text);
    }

    @ParameterizedTest
    @CsvSource({"DATABASE_PASSWORD, true", "API_TOKEN, true", "apikey, true", "AWS_SECRET_ACCESS_KEY, true",
            "AUTH_HEADER, true", "GCP_CREDENTIALS, true", "DB_PWD, true", "DATABASE_URL, false", "MAX_BACKUPS, false",
            "BACKUP_KEEP_DAILY, false", "LOG_LEVEL, false"})
    void sensitiveNames(String name, boolean sensitive) {
        assertThat(Redactor.isSensitiveName(name)).isEqualTo(sensitive);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "postgres://user:SEK@RET1@host/db | postgres://user:***@host/db",
        "postgres://user:SEK/RET8@host/db | postgres://user:***@host/db",
        "postgres://user:SEK RETB@host/db | postgres://user:***@host/db",
        "mysql://root:a?b#c&d=e@db:3306/app | mysql://root:***@db:3306/app",
        "sqlite:///app_data.db?key=SEK RETQ2&mode=ro | sqlite:///app_data.db?key=***&mode=ro",
        "https://ghp_0123456789abcdefSEKRET@github.com/x | https://***@github.com/x",
        "postgres://app@db/x | postgres://app@db/x",
        "sqlite:////var/lib/app.db | sqlite:////var/lib/app.db",
        "./data/app.db | ./data/app.db",
        "sqlite:////tmp/w.db?password=Sup3r/S3cr@t zz&mode=ro | sqlite:////tmp/w.db?password=***&mode=ro",
        "postgres://u:SEK@h/d?password=a@SEK c&y=1 | postgres://u:***&y=1",
        "pg://h/d?password=x@SEK zz | pg://h/d?password=***",
        "' postgres://user:SE/K@db/app' | ' postgres://user:***@db/app'",
        "mysql://root:S?E#K&d=e@db:3306/app | mysql://root:***@db:3306/app",
        "https://acct.blob.core.windows.net/c?sv=2022&sig=SEKR%2Bet&se=2030 | https://acct.blob.core.windows.net/c?sv=2022&sig=***&se=2030",
        "user:GoSEK1@tcp(localhost:3306)/db | user:***@tcp(localhost:3306)/db",
        "admin:PlainSEK2@db.example.com:5432/app | admin:***@db.example.com:5432/app",
        "admin:P@SEK/3@db:5432/app | admin:***@db:5432/app",
        "/srv/app:v2@2024/app.db | /srv/app:v2@2024/app.db",
        "app.db | app.db",
    })
    void aConfigurationValueIsKnownWholeSoAPasswordWithAnyCharacterIsMaskedWhole(String value, String shown) {
        assertThat(Redactor.redactValue("DATABASE_URL", value)).isEqualTo(shown).doesNotContain("SEK");
    }

    @Test
    void aValueOfASecretVariableIsMaskedWhole() {
        assertThat(Redactor.redactValue("API_TOKEN", "plain text " + SECRET)).isEqualTo(Redactor.MASK);
        assertThat(Redactor.redactValue("API_TOKEN", "")).isEmpty();
        assertThat(Redactor.redactValue("DATABASE_URL", null)).isNull();
    }

    /** Only a connection string is read as user:password@host without a scheme: other values keep their colons. */
    @Test
    void aColonAndAnAtInOtherValuesAreNotAPassword() {
        assertThat(Redactor.redactValue("BACKUP_STORAGE_EXCLUDE", "*.tmp,cache:old@x,node_modules"))
                .isEqualTo("*.tmp,cache:old@x,node_modules");
        assertThat(Redactor.redactValue("STORAGE_PATH", "media:2024@archive/photos")).isEqualTo("media:2024@archive/photos");
        assertThat(Redactor.redactValue("BACKUP_DATABASE_SCHEDULE", "30 12 * * *")).isEqualTo("30 12 * * *");
        assertThat(Redactor.redactValue("ANALYTICS_DSN", "app:SEKRET@db/x")).isEqualTo("app:***@db/x");
    }

    @Test
    void settingsPrintedByAHostShowNoPassword() {
        Settings settings = SettingsLoader.load(java.util.Map.of("DATABASE_URL", "sqlite:////srv/app.db?password=SEKRET9"),
                null, false, java.util.Map.of());
        assertThat(settings.toString()).doesNotContain("SEKRET9").contains("password=***");
        assertThat(settings.databaseUrl()).isEqualTo("sqlite:////srv/app.db?password=***");
        assertThat(settings.databasePath()).isEqualTo(java.nio.file.Path.of("/srv/app.db"));
    }

    @Test
    void nullAndEmptyPassThrough() {
        assertThat(Redactor.redact(null)).isNull();
        assertThat(Redactor.redact("")).isEmpty();
    }

    @Test
    void exceptionTextWithStackTraceIsScrubbed() {
        Exception e = new IllegalStateException("cannot open sqlite:////x.db?password=" + SECRET,
                new java.io.IOException("auth=" + SECRET));
        java.io.StringWriter w = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(w));
        assertThat(Redactor.redact(w.toString())).doesNotContain(SECRET);
    }
}
