package dev.archivist.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archivist.config.ConfigKey;
import dev.archivist.config.Settings;
import dev.archivist.config.SettingsLoader;
import dev.archivist.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 2 acceptance: every invalid configuration value gives exit 2 with a message naming the variable and the bad
 * value, all problems at once, no stack trace (SEED-SPEC defect 10).
 */
class ConfigValidationTest {
    @TempDir
    static Path shared;
    static Path aFile;
    static Path aDir;

    @TempDir
    Path dir;
    Path emptyEnvFile;

    @BeforeEach
    void setUp() throws Exception {
        aFile = shared.resolve("a-regular-file");
        if (!Files.exists(aFile)) {
            Files.writeString(aFile, "x");
        }
        aDir = Files.createDirectories(shared.resolve("a-directory"));
        emptyEnvFile = Files.writeString(dir.resolve("empty.env"), "");
    }

    /** (variable, bad value, extra environment, fragment the message must contain). */
    static Stream<Arguments> badValues() {
        Map<String, String> none = Map.of();
        Map<String, String> gz = Map.of("BACKUP_COMPRESSION", "gz");
        Map<String, String> xz = Map.of("BACKUP_COMPRESSION", "xz");
        return Stream.of(
                Arguments.of("DATABASE_URL", "", none, "must not be empty"),
                Arguments.of("DATABASE_URL", "postgres://app@db.example.org/app", none, "only SQLite is supported"),
                Arguments.of("DATABASE_URL", "mysql://localhost/app", none, "only SQLite is supported"),
                Arguments.of("DATABASE_URL", "sqlite:///", none, "DATABASE_URL"),
                Arguments.of("DATABASE_URL", "sqlite://app.db", none, "a SQLite URL names no host"),
                Arguments.of("DATABASE_URL", "sqlite:///:memory:", none, "DATABASE_URL"),
                Arguments.of("DATABASE_URL", "@DIR", none, "directory"),
                Arguments.of("DATABASE_URL", "\"sqlite:////srv/app/app.db\"", none, "wrapped in quotes"),
                Arguments.of("DATABASE_URL", "sqlite:///~/app/app.db", none, "starts with '~', which only a shell expands"),
                Arguments.of("DATABASE_URL", "~/app/app.db", none, "starts with '~'"),
                Arguments.of("STORAGE_PATH", "~/storage", none, "starts with '~', which only a shell expands"),
                Arguments.of("BACKUP_DIR", "~", none, "a folder named '~' in the working directory"),
                Arguments.of("BACKUP_DIR", "$HOME/backups", none, "holds $HOME, which is not expanded here"),
                Arguments.of("STORAGE_PATH", "/srv/$APP_NAME/storage", none, "a .env file expands ${APP_NAME} only"),
                Arguments.of("DATABASE_URL", "sqlite:///$DATA_DIR/app.db", none, "holds $DATA_DIR"),
                Arguments.of("STORAGE_PATH", "", none, "must not be empty"),
                Arguments.of("STORAGE_PATH", "'/srv/app/storage'", none, "wrapped in quotes, which would be part of the path"),
                Arguments.of("BACKUP_DIR", "\"/srv/backups\"", none, "wrapped in quotes, which would be part of the path"),
                Arguments.of("BACKUP_STORAGE_EXCLUDE", "\"*.tmp,cache/**\"", none, "wrapped in quotes, which would be part of the globs"),
                Arguments.of("STORAGE_PATH", "@FILE", none, "not a directory"),
                // a remote as restic or rclone name one: it was a folder 'sftp:' in the working directory, on the
                // application's own disk, holding the backups the operator believed offsite
                Arguments.of("BACKUP_DIR", "sftp://backup@nas.example.org/srv/backups", none,
                        "a URL, but Archivist reads and writes local folders only"),
                Arguments.of("BACKUP_DIR", "s3://bucket/archivist", none, "a folder named 's3:' in the working directory"),
                Arguments.of("BACKUP_DIR", "file:///srv/backups", none, "give the absolute path"),
                Arguments.of("STORAGE_PATH", "smb://nas/share/storage", none, "a URL, but Archivist reads"),
                Arguments.of("BACKUP_DIR", "backup@nas.example.org:/srv/backups", none,
                        "a folder named 'backup@nas.example.org:' in the working directory"),
                Arguments.of("BACKUP_DIR", "sftp:nas.example.org:/srv/restic-repo", none, "a remote, but Archivist reads"),
                Arguments.of("STORAGE_PATH", "rclone:gdrive:app/storage", none, "a folder named 'rclone:gdrive:app'"),
                Arguments.of("BACKUP_DIR", "", none, "must not be empty"),
                Arguments.of("BACKUP_DIR", "@FILE", none, "not a directory"),
                Arguments.of("BACKUP_DIR", "@FILE/sub", none, "not a directory"),
                Arguments.of("BACKUP_COMPRESSION", "lz4", none, "unknown compression"),
                Arguments.of("BACKUP_COMPRESSION", "", none, "BACKUP_COMPRESSION"),
                Arguments.of("BACKUP_COMPRESSION_LEVEL", "high", none, "not an integer (1-19 for zstd, or empty for 3)"),
                Arguments.of("BACKUP_COMPRESSION_LEVEL", "20", none, "out of range"),
                Arguments.of("BACKUP_COMPRESSION_LEVEL", "0", none, "out of range"),
                Arguments.of("BACKUP_COMPRESSION_LEVEL", "10", gz, "out of range"),
                Arguments.of("BACKUP_COMPRESSION_LEVEL", "-1", xz, "out of range"),
                Arguments.of("BACKUP_COMPRESSION_LEVEL", "30000000000", none, "out of range"),
                Arguments.of("BACKUP_COMPRESSION_LEVEL", "-99999999999999999999", none, "out of range"),
                Arguments.of("BACKUP_TIMEZONE", "Mars/Olympus_Mons", none, "unknown time zone"),
                Arguments.of("BACKUP_TIMEZONE", "GMT+5", none, "ambiguous: POSIX reads GMT+5 as the opposite"),
                Arguments.of("BACKUP_TIMEZONE", "utc-3", none, "give the offset alone (+05:00, -03:00)"),
                Arguments.of("BACKUP_LOCK_TIMEOUT_SECONDS", "", none, "must not be empty"),
                Arguments.of("BACKUP_LOCK_TIMEOUT_SECONDS", "-1", none, "out of range"),
                Arguments.of("BACKUP_LOCK_TIMEOUT_SECONDS", "86401", none, "out of range"),
                Arguments.of("BACKUP_LOCK_TIMEOUT_SECONDS", "1.5", none, "not an integer"),
                Arguments.of("MAX_BACKUPS", "0", none, "out of range"),
                Arguments.of("MAX_BACKUPS", "seven", none, "not an integer"),
                Arguments.of("MAX_BACKUPS", "99999999999999999999", none, "out of range"),
                Arguments.of("MAX_BACKUPS", "\u0663", none, "not an integer"), // an Arabic-Indic 3
                Arguments.of("BACKUP_LOCK_TIMEOUT_SECONDS", "\uff17", none, "not an integer"), // a full-width 7
                Arguments.of("BACKUP_KEEP_DAILY", "\u0663", none, "not an integer"),
                Arguments.of("BACKUP_COMPRESSION_LEVEL", "\u0663", none, "not an integer"),
                Arguments.of("DATABASE_URL", "sqlite+pysqlcipher:/x.db", none, "only SQLite is supported"),
                Arguments.of("DATABASE_URL", "sqlite://", none, "names an in-memory database"),
                Arguments.of("BACKUP_AUTO_SPLIT", "maybe", none, "not a boolean"),
                Arguments.of("BACKUP_MAX_SIZE_MB", "0", none, "out of range"),
                Arguments.of("BACKUP_CHUNK_SIZE_MB", "0", none, "out of range"),
                Arguments.of("BACKUP_CHUNK_SIZE_MB", "600", none, "must not exceed BACKUP_MAX_SIZE_MB"),
                Arguments.of("BACKUP_STORAGE_EXCLUDE", "cache/**,[unclosed", none, "bad glob '[unclosed': Missing ']'"),
                Arguments.of("BACKUP_STORAGE_EXCLUDE", "../cache/**", none,
                        "bad glob '../cache/**': '..' never matches"),
                Arguments.of("BACKUP_STORAGE_EXCLUDE", "a/../b", none, "'..' never matches"),
                Arguments.of("BACKUP_STORAGE_EXCLUDE", "*.tmp,!keep/**", none,
                        "bad glob '!keep/**': a leading '!' is not a negation here"),
                Arguments.of("BACKUP_STORAGE_EXCLUDE", "*.tmp,./", none, "bad glob './': it names the storage folder itself"),
                Arguments.of("BACKUP_STORAGE_EXCLUDE", "/", none, "bad glob '/': it names the storage folder itself"),
                Arguments.of("BACKUP_STORAGE_EXCLUDE", "[[:letter:]]*", none, "Unknown character class '[:letter:]'"),
                Arguments.of("BACKUP_DATABASE_SCHEDULE", "", none, "cron"),
                Arguments.of("BACKUP_DATABASE_SCHEDULE", "61 2 * * *", none, "cron"),
                Arguments.of("BACKUP_STORAGE_SCHEDULE", "0 3 * *", none, "cron"),
                Arguments.of("BACKUP_FULL_SCHEDULE", "every sunday", none, "cron"),
                Arguments.of("BACKUP_ROTATION_SCHEDULE", "0 4 * * 8", none, "cron"),
                Arguments.of("BACKUP_DATABASE_ENABLED", "enabled", none, "not a boolean"),
                Arguments.of("BACKUP_STORAGE_ENABLED", "", none, "not a boolean"),
                Arguments.of("BACKUP_FULL_ENABLED", "2", none, "not a boolean"),
                Arguments.of("BACKUP_ROTATION_ENABLED", "y", none, "not a boolean"),
                Arguments.of("BACKUP_MISFIRE_GRACE_SECONDS", "-5", none, "out of range"),
                Arguments.of("BACKUP_CATCH_UP", "sometimes", none, "not a boolean"),
                Arguments.of("BACKUP_JITTER_SECONDS", "3601", none, "out of range"),
                Arguments.of("BACKUP_SHUTDOWN_TIMEOUT_SECONDS", "soon", none, "not an integer"),
                Arguments.of("BACKUP_KEEP_LAST", "-2", none, "out of range"),
                Arguments.of("BACKUP_KEEP_DAILY", "-10000000000000000000000", none, "out of range"),
                Arguments.of("BACKUP_KEEP_HOURLY", "x", none, "not an integer"),
                Arguments.of("BACKUP_KEEP_DAILY", "1e3", none, "not an integer"),
                Arguments.of("BACKUP_KEEP_WEEKLY", "-3", none, "out of range"),
                Arguments.of("BACKUP_KEEP_MONTHLY", "twelve", none, "not an integer"),
                Arguments.of("BACKUP_KEEP_YEARLY", "-7", none, "out of range"),
                Arguments.of("BACKUP_KEEP_WITHIN", "7 days", none, "BACKUP_KEEP_WITHIN"),
                Arguments.of("BACKUP_KEEP_WITHIN", "d7", none, "BACKUP_KEEP_WITHIN"),
                Arguments.of("LOG_LEVEL", "LOUD", none, "unknown level"),
                Arguments.of("JSON_LOGS", "sure", none, "not a boolean"),
                Arguments.of("RESTORE_OUTSIDE_SYMLINKS", "maybe", none, "not a boolean"));
    }

    @Test
    void everyVariableHasAtLeastOneBadValueInTheTable() {
        Set<ConfigKey> covered = EnumSet.noneOf(ConfigKey.class);
        badValues().forEach(a -> covered.add(ConfigKey.valueOf((String) a.get()[0])));
        Set<ConfigKey> missing = EnumSet.complementOf(EnumSet.copyOf(covered));
        assertThat(missing).as("ConfigKeys without a bad-value case in badValues()").isEmpty();
    }

    @ParameterizedTest(name = "{0}=''{1}''")
    @MethodSource("badValues")
    void badValueGivesExit2NamingTheVariable(String key, String value, Map<String, String> extra, String fragment) {
        String v = value.replace("@FILE", aFile.toString()).replace("@DIR", aDir.toString());
        Map<String, String> env = new LinkedHashMap<>(baseEnv());
        env.putAll(extra);
        env.put(key, v);
        InProcessCli.Result r = InProcessCli.run(env, "config", "--env-file", emptyEnvFile.toString());
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
        assertThat(r.stderr()).as(r.describe()).contains(key + "='" + v + "'").contains(fragment)
                .contains("invalid configuration (1 problem)");
        assertThat(r.stdout()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgres://user:SEK@RET1@host/db", "postgres://user:SEK/RET8@host/db",
        "postgres://user:SEK RETB@host/db", "postgres://user:SEK\nRETN@host/db"})
    void aRefusedUrlIsShownWithoutItsPasswordWhateverItHolds(String url) {
        Map<String, String> env = new LinkedHashMap<>(baseEnv());
        env.put("DATABASE_URL", url);
        for (List<String> args : List.of(List.of("config"), List.of("config", "--json"), List.of("backup", "database", "--json"))) {
            List<String> all = new java.util.ArrayList<>(args);
            all.addAll(List.of("--env-file", emptyEnvFile.toString()));
            InProcessCli.Result r = InProcessCli.run(env, all.toArray(String[]::new));
            assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
            assertThat(r.stderr()).as(r.describe()).contains("DATABASE_URL='postgres://user:***@host/db'")
                    .contains("only SQLite is supported");
            assertThat(r.stdout() + r.stderr()).as(r.describe()).doesNotContain("SEK").doesNotContain("RET");
        }
    }

    @Test
    void badValueStopsABackupBeforeAnyWork() {
        Map<String, String> env = new LinkedHashMap<>(baseEnv());
        env.put("BACKUP_COMPRESSION", "lz4");
        InProcessCli.Result r = InProcessCli.run(env, "backup", "database", "--env-file", emptyEnvFile.toString());
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
        assertThat(dir.resolve("backups")).as("nothing created").doesNotExist();
    }

    /**
     * cron checks an expression, perhaps the one meant to replace a broken schedule in .env: of the configuration it
     * reads BACKUP_TIMEZONE only (not even that with --zone); what was asked for and cannot be read (an unknown
     * --set, a missing --env-file) is still exit 2.
     */
    @Test
    void cronChecksAnExpressionWhileTheRestOfTheConfigurationIsBroken() {
        Map<String, String> env = new LinkedHashMap<>(baseEnv());
        env.put("BACKUP_DATABASE_SCHEDULE", "0 0 * * 8");
        env.put("MAX_BACKUPS", "abc");
        env.put("BACKUP_TIMEZONE", "Europe/Berlin");
        InProcessCli.Result berlin = InProcessCli.run(env, "cron", "0 3 * * *", "--count", "1", "--from",
                "2026-01-10T12:00:00Z", "--env-file", emptyEnvFile.toString());
        assertThat(berlin.exitCode()).as(berlin.describe()).isZero();
        assertThat(berlin.stdout().strip()).isEqualTo("2026-01-11T03:00:00+01:00  (2026-01-11T02:00:00Z)");
        InProcessCli.Result utc = InProcessCli.run(env, "cron", "0 3 * * *", "--count", "1", "--zone", "UTC",
                "--env-file", emptyEnvFile.toString());
        assertThat(utc.exitCode()).as(utc.describe()).isZero();

        env.put("BACKUP_TIMEZONE", "Mars/Olympus");
        InProcessCli.Result badZone = InProcessCli.run(env, "cron", "0 3 * * *", "--count", "1", "--env-file",
                emptyEnvFile.toString());
        assertThat(badZone.exitCode()).as(badZone.describe()).isEqualTo(2);
        assertThat(badZone.stderr()).contains("BACKUP_TIMEZONE='Mars/Olympus': unknown time zone")
                .doesNotContain("MAX_BACKUPS");
        assertThat(badZone.stdout()).isEmpty();
        InProcessCli.Result zoneGiven = InProcessCli.run(env, "cron", "0 3 * * *", "--count", "1", "--zone", "UTC",
                "--env-file", emptyEnvFile.toString());
        assertThat(zoneGiven.exitCode()).as(zoneGiven.describe()).isZero();

        InProcessCli.Result unknown = InProcessCli.run(baseEnv(), "cron", "0 3 * * *", "--zone", "UTC", "--env-file",
                emptyEnvFile.toString(), "--set", "NO_SUCH_VARIABLE=1");
        assertThat(unknown.exitCode()).as(unknown.describe()).isEqualTo(2);
        assertThat(unknown.stderr()).contains("NO_SUCH_VARIABLE");
        InProcessCli.Result missing = InProcessCli.run(baseEnv(), "cron", "0 3 * * *", "--zone", "UTC", "--env-file",
                dir.resolve("nope.env").toString());
        assertThat(missing.exitCode()).as(missing.describe()).isEqualTo(2);
        assertThat(missing.stderr()).contains("nope.env");
    }

    @Test
    void severalBadValuesAreAllListedAtOnce() {
        Map<String, String> env = new LinkedHashMap<>(baseEnv());
        env.put("MAX_BACKUPS", "zero");
        env.put("BACKUP_COMPRESSION", "rar");
        env.put("JSON_LOGS", "perhaps");
        env.put("DATABASE_URL", "postgres://db/app");
        env.put("BACKUP_LOCK_TIMEOUT_SECONDS", "-3");
        InProcessCli.Result r = InProcessCli.run(env, "config", "--env-file", emptyEnvFile.toString());
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
        assertThat(r.stderr()).contains("5 problems").contains("MAX_BACKUPS='zero'").contains("BACKUP_COMPRESSION='rar'")
                .contains("JSON_LOGS='perhaps'").contains("DATABASE_URL='postgres://db/app'").contains("only SQLite")
                .contains("BACKUP_LOCK_TIMEOUT_SECONDS='-3'");
    }

    @Test
    void badValuesInDotEnvAndFlagsAreNamedToo() throws Exception {
        Path envFile = Files.writeString(dir.resolve("bad.env"), "MAX_BACKUPS=lots\nBACKUP_DIR /srv/backups\n");
        InProcessCli.Result r = InProcessCli.run(baseEnv(), "config", "--env-file", envFile.toString(),
                "--set", "BACKUP_JITTER_SECONDS=-1", "--set", "NO_SUCH_VARIABLE=1");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
        assertThat(r.stderr()).contains("MAX_BACKUPS='lots'").contains("BACKUP_JITTER_SECONDS='-1'")
                .contains("line 2").contains("NO_SUCH_VARIABLE");
    }

    @Test
    void aMissingExplicitEnvFileIsAConfigurationError() {
        InProcessCli.Result r = InProcessCli.run(baseEnv(), "config", "--env-file", dir.resolve("nope.env").toString());
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
        assertThat(r.stderr()).contains("nope.env");
    }

    /**
     * An env file that is missing or a folder is said in words, as other file errors are: it was said in Java's terms,
     * {@code cannot read (NoSuchFileException: /etc/archivist/prod.env)} and {@code (IOException: Is a directory)}.
     */
    @Test
    void anEnvFileThatCannotBeReadIsSaidInWordsNotJavaExceptionNames() throws Exception {
        Path missing = dir.resolve("nope.env");
        InProcessCli.Result r = InProcessCli.run(baseEnv(), "config", "--env-file", missing.toString());
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
        assertThat(r.stderr()).as(r.describe())
                .contains("env file " + missing + ": cannot read (no such file or directory)").doesNotContain("Exception");
        Path folder = Files.createDirectory(dir.resolve("conf.env"));
        r = InProcessCli.run(baseEnv(), "config", "--env-file", folder.toString());
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
        assertThat(r.stderr()).as(r.describe())
                .contains("env file " + folder + ": a folder, not a file").doesNotContain("Exception");
    }

    /**
     * A variable set empty in the environment (docker compose's {@code ${BACKUP_DIR}} with nothing to expand) hides the
     * .env file's value: the problem says where the empty value came from, and a blank from the .env file does not.
     */
    @Test
    void anEmptyValueFromTheEnvironmentIsNamedAsHidingTheEnvFile() throws Exception {
        Path envFile = Files.writeString(dir.resolve("set.env"), "BACKUP_DIR=" + dir.resolve("b") + "\nMAX_BACKUPS=\n");
        Map<String, String> env = new LinkedHashMap<>(baseEnv());
        env.put("BACKUP_DIR", "");
        InProcessCli.Result r = InProcessCli.run(env, "config", "--env-file", envFile.toString());
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
        assertThat(r.stderr()).as(r.describe())
                .contains("BACKUP_DIR='' (set empty in the process environment, which wins over the .env file): must not be empty")
                .contains("MAX_BACKUPS='':").doesNotContain("MAX_BACKUPS='' (set empty");
    }

    /** {@code --env-file "$ENV_FILE"} with the variable unset: said as such, not as the working directory unreadable. */
    @Test
    void anEmptyEnvFileArgumentIsNamedAsEmpty() {
        InProcessCli.Result r = InProcessCli.run(baseEnv(), "config", "--env-file", "");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
        assertThat(r.stderr()).as(r.describe()).contains("invalid configuration (1 problem)")
                .contains("--env-file is empty").doesNotContain("Is a directory");
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "TRUE", "True", "yes", "YES", "Yes", "on", "ON", "On", "1", " true "})
    void booleansAcceptTrueSpellings(String value) {
        Settings s = SettingsLoader.load(Map.of("JSON_LOGS", value, "BACKUP_CATCH_UP", value, "BACKUP_STORAGE_ENABLED", value),
                null, false, Map.of());
        assertThat(s.jsonLogs()).isTrue();
        assertThat(s.schedule().catchUp()).isTrue();
        assertThat(s.schedule().storage().enabled()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"false", "FALSE", "False", "no", "NO", "No", "off", "OFF", "Off", "0"})
    void booleansAcceptFalseSpellings(String value) {
        Settings s = SettingsLoader.load(Map.of("JSON_LOGS", value, "BACKUP_AUTO_SPLIT", value, "BACKUP_DATABASE_ENABLED", value),
                null, false, Map.of());
        assertThat(s.jsonLogs()).isFalse();
        assertThat(s.archive().autoSplit()).isFalse();
        assertThat(s.schedule().database().enabled()).isFalse();
    }

    @Test
    void pythonLevelNamesAreReadAsTheirLogbackLevels() {
        assertThat(SettingsLoader.load(Map.of("LOG_LEVEL", "warning"), null, false, Map.of()).logLevel()).isEqualTo("WARN");
        assertThat(SettingsLoader.load(Map.of("LOG_LEVEL", "CRITICAL"), null, false, Map.of()).logLevel()).isEqualTo("ERROR");
        assertThat(SettingsLoader.load(Map.of("LOG_LEVEL", "fatal"), null, false, Map.of()).logLevel()).isEqualTo("ERROR");
        assertThat(SettingsLoader.load(Map.of("LOG_LEVEL", "NOTSET"), null, false, Map.of()).logLevel()).isEqualTo("DEBUG");
    }

    @Test
    void timeZoneNamesAreReadInAnyCase() {
        assertThat(SettingsLoader.load(Map.of("BACKUP_TIMEZONE", "utc"), null, false, Map.of()).zone().getId()).isEqualTo("UTC");
        assertThat(SettingsLoader.load(Map.of("BACKUP_TIMEZONE", "europe/berlin"), null, false, Map.of()).zone().getId())
                .isEqualTo("Europe/Berlin");
        // IANA's fixed-offset names, which Java keeps out of its region ids; PST is no IANA name
        assertThat(SettingsLoader.load(Map.of("BACKUP_TIMEZONE", "EST"), null, false, Map.of()).zone()
                .getRules().getOffset(java.time.Instant.parse("2026-07-01T00:00:00Z")).getTotalSeconds()).isEqualTo(-5 * 3600);
        assertThat(SettingsLoader.zoneNamed("hst").getId()).isEqualTo("Etc/GMT+10");
        assertThat(SettingsLoader.zoneNamed("MST")).isNotNull();
        assertThat(SettingsLoader.zoneNamed("PST")).isNull();
        // tzdata's Etc/GMT+5 is 5 hours behind UTC, as POSIX reads it; a bare offset is unambiguous
        assertThat(SettingsLoader.zoneNamed("Etc/GMT+5").getRules().getOffset(java.time.Instant.EPOCH).getTotalSeconds())
                .isEqualTo(-5 * 3600);
        assertThat(SettingsLoader.zoneNamed("+05:00").getRules().getOffset(java.time.Instant.EPOCH).getTotalSeconds())
                .isEqualTo(5 * 3600);
        assertThat(SettingsLoader.zoneNamed("GMT+5")).as("ambiguous").isNull();
        assertThat(SettingsLoader.zoneNamed("GMT+0").getRules().getOffset(java.time.Instant.EPOCH).getTotalSeconds())
                .as("no direction to get wrong").isZero();
        assertThat(SettingsLoader.zoneNamed("UTC+00:00")).isNotNull();
    }

    /** The original's users may name the database with SQLAlchemy's dialect+driver form: the same SQLite file. */
    @Test
    void sqlAlchemyDriverUrlsNameTheSameFile() {
        for (String url : List.of("sqlite+aiosqlite:////srv/app/app.db", "sqlite+pysqlite:////srv/app/app.db?mode=ro")) {
            assertThat(SettingsLoader.load(Map.of("DATABASE_URL", url), null, false, Map.of()).databasePath())
                    .isEqualTo(Path.of("/srv/app/app.db"));
        }
    }

    /**
     * A path Java cannot make (a NUL, which an embedding application's map can hold) is a problem named with the
     * others, as for STORAGE_PATH: it escaped as an InvalidPathException that named no variable.
     */
    @Test
    void aDatabasePathJavaCannotMakeIsAProblemNamedWithTheOthers() {
        assertThatThrownBy(() -> SettingsLoader.load(Map.of("DATABASE_URL", "sqlite:///app\u0000.db", "MAX_BACKUPS", "x"),
                null, false, Map.of()))
                .isInstanceOf(dev.archivist.config.ConfigException.class)
                .hasMessageContaining("DATABASE_URL='sqlite:///app").hasMessageContaining(".db': not a valid path")
                .hasMessageContaining("MAX_BACKUPS='x'");
    }

    /**
     * SQLAlchemy's {@code uri=true} makes the database part a SQLite URI filename: it was read as a relative file named
     * {@code file:/srv/app/app.db}, which did not exist, so every backup failed while {@code config} showed no problem.
     */
    @Test
    void aSqliteUriFilenameNamesTheFileItsPathSays() {
        for (String url : List.of("sqlite:///file:/srv/app/app.db?mode=ro&uri=true",
                "sqlite+pysqlite:///file:///srv/app/app.db?uri=true&cache=shared",
                "sqlite:///file://localhost/srv/app/app%2Edb?uri=True")) {
            assertThat(SettingsLoader.load(Map.of("DATABASE_URL", url), null, false, Map.of()).databasePath())
                    .as(url).isEqualTo(Path.of("/srv/app/app.db"));
        }
        assertThat(SettingsLoader.load(Map.of("DATABASE_URL", "sqlite:///file:app.db?uri=true"), null, false, Map.of())
                .databasePath()).isEqualTo(Path.of("app.db").toAbsolutePath());
        assertThat(SettingsLoader.load(Map.of("DATABASE_URL", "sqlite:////srv/file:x.db?mode=ro"), null, false, Map.of())
                .databasePath()).as("no uri=true: a plain path").isEqualTo(Path.of("/srv/file:x.db"));
    }

    @Test
    void aSmallMaxSizeAloneShrinksTheDefaultChunkSize() {
        Settings s = SettingsLoader.load(Map.of("BACKUP_MAX_SIZE_MB", "50"), null, false, Map.of());
        assertThat(s.archive().chunkSizeBytes()).isEqualTo(50L << 20);
        assertThat(SettingsLoader.load(Map.of(), null, false, Map.of()).archive().chunkSizeBytes()).isEqualTo(100L << 20);
    }

    /** With no compression no level applies: a level kept in the .env from another codec is accepted, not recorded. */
    @Test
    void aLevelWithoutCompressionIsIgnored() {
        Settings s = SettingsLoader.load(Map.of("BACKUP_COMPRESSION", "none", "BACKUP_COMPRESSION_LEVEL", "99"), null, false, Map.of());
        assertThat(s.compressionLevel()).isZero();
    }

    /**
     * An unknown codec is the one problem when its level is one some codec takes: it is not judged against zstd's
     * range (a bzip2 level of 0, an lz4 one of 12 were also "out of range 1-19 for zstd"); a level no codec takes, or
     * one that is no whole number, is a second problem.
     */
    @Test
    void theLevelOfAnUnknownCodecIsNotJudgedAgainstZstd() {
        for (String level : List.of("0", "19", "12")) {
            Map<String, String> env = new LinkedHashMap<>(baseEnv());
            env.put("BACKUP_COMPRESSION", "lz4");
            env.put("BACKUP_COMPRESSION_LEVEL", level);
            InProcessCli.Result r = InProcessCli.run(env, "config", "--env-file", emptyEnvFile.toString());
            assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
            assertThat(r.stderr()).as(r.describe()).contains("invalid configuration (1 problem)")
                    .contains("BACKUP_COMPRESSION='lz4': unknown compression").doesNotContain("for zstd");
        }
        for (String level : List.of("20", "50", "-1")) { // no codec takes these: wrong whichever codec was meant
            Map<String, String> env = new LinkedHashMap<>(baseEnv());
            env.put("BACKUP_COMPRESSION", "lz4");
            env.put("BACKUP_COMPRESSION_LEVEL", level);
            InProcessCli.Result r = InProcessCli.run(env, "config", "--env-file", emptyEnvFile.toString());
            assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
            assertThat(r.stderr()).as(r.describe()).contains("invalid configuration (2 problems)")
                    .contains("BACKUP_COMPRESSION='lz4': unknown compression")
                    .contains("BACKUP_COMPRESSION_LEVEL='" + level + "': out of range for every codec (zstd 1-19, gz 1-9, xz 0-9)");
        }
        Map<String, String> env = new LinkedHashMap<>(baseEnv());
        env.put("BACKUP_COMPRESSION", "lz4");
        env.put("BACKUP_COMPRESSION_LEVEL", "max");
        InProcessCli.Result r = InProcessCli.run(env, "config", "--env-file", emptyEnvFile.toString());
        assertThat(r.stderr()).as(r.describe()).contains("invalid configuration (2 problems)")
                .contains("BACKUP_COMPRESSION_LEVEL='max': not an integer").doesNotContain("for zstd");
    }

    /** A chunk size that is itself bad is reported once, not also as exceeding the maximum size. */
    @Test
    void aBadChunkSizeIsNotAlsoComparedWithTheMaximum() {
        for (String bad : List.of("0", "0.5", "-1", "lots")) {
            Map<String, String> env = new LinkedHashMap<>(baseEnv());
            env.put("BACKUP_MAX_SIZE_MB", "1");
            env.put("BACKUP_CHUNK_SIZE_MB", bad);
            InProcessCli.Result r = InProcessCli.run(env, "config", "--env-file", emptyEnvFile.toString());
            assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
            assertThat(r.stderr()).as(r.describe()).contains("BACKUP_CHUNK_SIZE_MB='" + bad + "'")
                    .doesNotContain("must not exceed");
        }
        Map<String, String> env = new LinkedHashMap<>(baseEnv());
        env.put("BACKUP_MAX_SIZE_MB", "big");
        env.put("BACKUP_CHUNK_SIZE_MB", "600");
        InProcessCli.Result r = InProcessCli.run(env, "config", "--env-file", emptyEnvFile.toString());
        assertThat(r.stderr()).as(r.describe()).contains("BACKUP_MAX_SIZE_MB='big'").doesNotContain("must not exceed");
    }

    /** Without splitting neither size is used: a chunk above the maximum (an old .env) stops nothing. */
    @Test
    void aChunkAboveTheMaximumIsFineWhenSplittingIsOff() {
        Map<String, String> env = new LinkedHashMap<>(baseEnv());
        env.put("BACKUP_MAX_SIZE_MB", "50");
        env.put("BACKUP_CHUNK_SIZE_MB", "100");
        env.put("BACKUP_AUTO_SPLIT", "false");
        InProcessCli.Result off = InProcessCli.run(env, "config", "--env-file", emptyEnvFile.toString());
        assertThat(off.exitCode()).as(off.describe()).isZero();
        env.put("BACKUP_AUTO_SPLIT", "true");
        InProcessCli.Result on = InProcessCli.run(env, "config", "--env-file", emptyEnvFile.toString());
        assertThat(on.exitCode()).as(on.describe()).isEqualTo(2);
        assertThat(on.stderr()).contains("BACKUP_CHUNK_SIZE_MB='100': must not exceed BACKUP_MAX_SIZE_MB (50)");
    }

    /** Live data inside the catalog's folders would be written among and swept by rotation: refused up front. */
    @Test
    void liveDataInsideTheCatalogFoldersIsRefused() throws Exception {
        Path app = Files.createDirectories(dir.resolve("app"));
        Files.createDirectories(app.resolve("storage"));
        Map<String, String> env = new LinkedHashMap<>(baseEnv());
        env.put("BACKUP_DIR", app.toString());
        env.put("STORAGE_PATH", app.resolve("storage").toString());
        env.put("DATABASE_URL", app.resolve("database/app.db").toString());
        InProcessCli.Result r = InProcessCli.run(env, "backup", "database", "--env-file", emptyEnvFile.toString());
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
        assertThat(r.stderr()).contains("2 problems").contains("STORAGE_PATH='" + app.resolve("storage") + "'")
                .contains("DATABASE_URL=").contains("backup catalog's folder");

        env.put("STORAGE_PATH", app.toString()); // a backup directory inside the storage folder is fine (skipped)
        env.put("DATABASE_URL", app.resolve("app.db").toString());
        assertThat(InProcessCli.run(env, "config", "--env-file", emptyEnvFile.toString()).exitCode()).isZero();
    }

    @Test
    void defaultsAreValid() {
        InProcessCli.Result r = InProcessCli.run(baseEnv(), "config", "--env-file", emptyEnvFile.toString());
        assertThat(r.exitCode()).as(r.describe()).isZero();
    }

    @Test
    @Tag("system")
    void theRealProcessPrintsNoStackTrace() {
        CliProcess.Result r = new CliProcess(dir).env("MAX_BACKUPS", "-1").env("DATABASE_URL", "postgres://x/y")
                .env("BACKUP_DATABASE_ENABLED", "nope").env("BACKUP_DIR", aFile.toString())
                .run("backup", "database");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
        assertThat(r.stderr()).contains("MAX_BACKUPS").contains("DATABASE_URL").contains("only SQLite is supported")
                .contains("BACKUP_DATABASE_ENABLED").contains("BACKUP_DIR")
                .doesNotContain("at dev.").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.stdout()).isEmpty();
        for (String cmd : List.of("list", "stats", "config")) {
            CliProcess.Result other = new CliProcess(dir).env("LOG_LEVEL", "chatty").run(cmd);
            assertThat(other.exitCode()).as(other.describe()).isEqualTo(2);
            assertThat(other.stderr()).contains("LOG_LEVEL='chatty'").doesNotContain("Exception");
        }
    }

    @Test
    void configShowsAValueHoldingANewlineOnItsOwnLine() {
        Map<String, String> env = new LinkedHashMap<>(baseEnv());
        env.put("BACKUP_DIR", dir.resolve("a\nMAX_BACKUPS                      = 99 (flag)").toString());
        InProcessCli.Result r = InProcessCli.run(env, "config", "--env-file", emptyEnvFile.toString());
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        // one line per variable: the newline is shown escaped, never as a line that reads as MAX_BACKUPS' setting
        assertThat(r.stdout().lines().filter(l -> l.startsWith("MAX_BACKUPS"))).hasSize(1);
        assertThat(r.stdout()).contains("a\\nMAX_BACKUPS");
    }

    private Map<String, String> baseEnv() {
        return Map.of("DATABASE_URL", dir.resolve("app.db").toString(), "BACKUP_DIR", dir.resolve("backups").toString(),
                "STORAGE_PATH", dir.resolve("storage").toString());
    }
}
