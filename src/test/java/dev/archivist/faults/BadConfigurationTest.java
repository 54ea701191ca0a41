package dev.archivist.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.archivist.config.ConfigException;
import dev.archivist.config.ConfigKey;
import dev.archivist.config.SettingsLoader;
import dev.archivist.testing.CliProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Completes {@code cli.ConfigValidationTest} (one bad value per variable) with the kinds of wrong value it does not
 * try: empty values of variables that have a default, wrong types and out-of-range values of the remaining numeric
 * variables, unknown cron macros and out-of-range cron fields of every schedule, and a backup directory on a
 * read-only filesystem (or, as a non-root user, in an unwritable folder). Each is a configuration error naming the
 * variable; and one real process given a wrong value for every variable at once exits 2 naming each, no stack trace.
 */
@Tag("system")
class BadConfigurationTest {
    @TempDir
    Path dir;

    static Stream<Arguments> missingKinds() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (ConfigKey k : List.of(ConfigKey.MAX_BACKUPS, ConfigKey.BACKUP_AUTO_SPLIT, ConfigKey.BACKUP_MAX_SIZE_MB,
                ConfigKey.BACKUP_CHUNK_SIZE_MB, ConfigKey.BACKUP_DATABASE_ENABLED, ConfigKey.BACKUP_FULL_ENABLED,
                ConfigKey.BACKUP_ROTATION_ENABLED, ConfigKey.BACKUP_MISFIRE_GRACE_SECONDS, ConfigKey.BACKUP_CATCH_UP,
                ConfigKey.BACKUP_JITTER_SECONDS, ConfigKey.BACKUP_SHUTDOWN_TIMEOUT_SECONDS, ConfigKey.LOG_LEVEL,
                ConfigKey.JSON_LOGS, ConfigKey.BACKUP_STORAGE_SCHEDULE, ConfigKey.BACKUP_FULL_SCHEDULE,
                ConfigKey.BACKUP_ROTATION_SCHEDULE)) {
            b.add(Arguments.of(k, "", "empty"));
        }
        b.add(Arguments.of(ConfigKey.BACKUP_MAX_SIZE_MB, "big", "wrong type"));
        b.add(Arguments.of(ConfigKey.BACKUP_CHUNK_SIZE_MB, "1.5", "wrong type"));
        b.add(Arguments.of(ConfigKey.BACKUP_MISFIRE_GRACE_SECONDS, "5m", "wrong type"));
        b.add(Arguments.of(ConfigKey.BACKUP_JITTER_SECONDS, "a bit", "wrong type"));
        b.add(Arguments.of(ConfigKey.BACKUP_SHUTDOWN_TIMEOUT_SECONDS, "86401", "out of range"));
        b.add(Arguments.of(ConfigKey.BACKUP_MISFIRE_GRACE_SECONDS, "86401", "out of range"));
        b.add(Arguments.of(ConfigKey.MAX_BACKUPS, "100001", "out of range"));
        b.add(Arguments.of(ConfigKey.BACKUP_COMPRESSION_LEVEL, "-3", "out of range"));
        b.add(Arguments.of(ConfigKey.BACKUP_TIMEZONE, "+25:00", "out of range"));
        for (ConfigKey k : List.of(ConfigKey.BACKUP_KEEP_LAST, ConfigKey.BACKUP_KEEP_HOURLY, ConfigKey.BACKUP_KEEP_DAILY,
                ConfigKey.BACKUP_KEEP_WEEKLY, ConfigKey.BACKUP_KEEP_MONTHLY, ConfigKey.BACKUP_KEEP_YEARLY)) {
            b.add(Arguments.of(k, "-2", "out of range"));
            b.add(Arguments.of(k, "1.5", "wrong type"));
        }
        b.add(Arguments.of(ConfigKey.BACKUP_KEEP_WITHIN, "7x", "unknown unit"));
        b.add(Arguments.of(ConfigKey.BACKUP_KEEP_WITHIN, "-7d", "out of range"));
        b.add(Arguments.of(ConfigKey.BACKUP_COMPRESSION, "ZIP", "unknown enum"));
        b.add(Arguments.of(ConfigKey.LOG_LEVEL, "VERBOSE", "unknown enum"));
        for (ConfigKey k : List.of(ConfigKey.BACKUP_DATABASE_SCHEDULE, ConfigKey.BACKUP_STORAGE_SCHEDULE,
                ConfigKey.BACKUP_FULL_SCHEDULE, ConfigKey.BACKUP_ROTATION_SCHEDULE)) {
            b.add(Arguments.of(k, "@fortnightly", "broken cron: unknown macro"));
            b.add(Arguments.of(k, "0 25 * * *", "broken cron: out of range"));
            b.add(Arguments.of(k, "*/0 * * * *", "broken cron: zero step"));
            b.add(Arguments.of(k, "0 0 31 2 *", "broken cron: never fires"));
        }
        return b.build();
    }

    private Map<String, String> base() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DATABASE_URL", dir.resolve("app.db").toString());
        env.put("BACKUP_DIR", dir.resolve("backups").toString());
        env.put("STORAGE_PATH", dir.resolve("storage").toString());
        return env;
    }

    @ParameterizedTest(name = "{0}=''{1}'' ({2})")
    @MethodSource("missingKinds")
    void everyKindOfWrongValueIsAConfigurationError(ConfigKey key, String value, String kind) {
        Map<String, String> env = base();
        env.put(key.name(), value);
        ConfigException e = catchThrowableOfType(() -> SettingsLoader.load(env, null, false, Map.of()), ConfigException.class);
        assertThat(e).as("%s='%s' (%s) must be refused", key, value, kind).isNotNull();
        assertThat(e.problems()).as(kind).anyMatch(p -> p.startsWith(key.name() + "='" + value + "'"));
    }

    @Test
    void aBackupDirectoryThatCannotBeWrittenIsAConfigurationError() throws Exception {
        Path ro = Files.createDirectories(dir.resolve("read-only"));
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean mounted = false;
        if (root) {
            mounted = run("mount", "-t", "tmpfs", "-o", "ro,size=16k", "tmpfs", ro.toString()) == 0;
            assumeTrue(mounted, "as root only a read-only filesystem makes a folder unwritable, and mount is not allowed here");
        } else {
            ro.toFile().setWritable(false, false);
        }
        try {
            for (String backupDir : List.of(ro.toString(), ro.resolve("backups").toString())) {
                Map<String, String> env = base();
                env.put("BACKUP_DIR", backupDir);
                ConfigException e = catchThrowableOfType(() -> SettingsLoader.load(env, null, false, Map.of()), ConfigException.class);
                assertThat(e).as("unwritable BACKUP_DIR %s", backupDir).isNotNull();
                assertThat(e.problems()).anyMatch(p -> p.startsWith("BACKUP_DIR=") && p.contains("writable"));
            }
        } finally {
            if (mounted) {
                run("umount", "-l", ro.toString());
            } else {
                ro.toFile().setWritable(true, false);
            }
        }
    }

    @Test
    void theRealProcessNamesAWrongValueOfEveryVariableAtOnce() throws Exception {
        Path aFile = Files.writeString(dir.resolve("a-file"), "x");
        Map<ConfigKey, String> bad = new EnumMap<>(ConfigKey.class);
        bad.put(ConfigKey.DATABASE_URL, "mysql://db/app");
        bad.put(ConfigKey.STORAGE_PATH, aFile.toString());
        bad.put(ConfigKey.BACKUP_DIR, aFile.resolve("sub").toString());
        bad.put(ConfigKey.BACKUP_COMPRESSION, "lz4");
        bad.put(ConfigKey.BACKUP_COMPRESSION_LEVEL, "max");
        bad.put(ConfigKey.BACKUP_TIMEZONE, "Atlantis/Capital");
        bad.put(ConfigKey.BACKUP_LOCK_TIMEOUT_SECONDS, "");
        bad.put(ConfigKey.MAX_BACKUPS, "0");
        bad.put(ConfigKey.BACKUP_AUTO_SPLIT, "perhaps");
        bad.put(ConfigKey.BACKUP_MAX_SIZE_MB, "0");
        bad.put(ConfigKey.BACKUP_CHUNK_SIZE_MB, "-1");
        bad.put(ConfigKey.BACKUP_STORAGE_EXCLUDE, "[oops");
        bad.put(ConfigKey.BACKUP_DATABASE_SCHEDULE, "60 * * * *");
        bad.put(ConfigKey.BACKUP_STORAGE_SCHEDULE, "@fortnightly");
        bad.put(ConfigKey.BACKUP_FULL_SCHEDULE, "");
        bad.put(ConfigKey.BACKUP_ROTATION_SCHEDULE, "* * *");
        bad.put(ConfigKey.BACKUP_DATABASE_ENABLED, "enabled");
        bad.put(ConfigKey.BACKUP_STORAGE_ENABLED, "");
        bad.put(ConfigKey.BACKUP_FULL_ENABLED, "2");
        bad.put(ConfigKey.BACKUP_ROTATION_ENABLED, "nah");
        bad.put(ConfigKey.BACKUP_MISFIRE_GRACE_SECONDS, "-1");
        bad.put(ConfigKey.BACKUP_CATCH_UP, "");
        bad.put(ConfigKey.BACKUP_JITTER_SECONDS, "lots");
        bad.put(ConfigKey.BACKUP_SHUTDOWN_TIMEOUT_SECONDS, "86401");
        bad.put(ConfigKey.BACKUP_KEEP_LAST, "-5");
        bad.put(ConfigKey.BACKUP_KEEP_HOURLY, "x");
        bad.put(ConfigKey.BACKUP_KEEP_DAILY, "-2");
        bad.put(ConfigKey.BACKUP_KEEP_WEEKLY, "1.5");
        bad.put(ConfigKey.BACKUP_KEEP_MONTHLY, "1000001");
        bad.put(ConfigKey.BACKUP_KEEP_YEARLY, "many");
        bad.put(ConfigKey.BACKUP_KEEP_WITHIN, "1w");
        bad.put(ConfigKey.LOG_LEVEL, "LOUD");
        bad.put(ConfigKey.JSON_LOGS, "sure");
        bad.put(ConfigKey.RESTORE_OUTSIDE_SYMLINKS, "perhaps");
        assertThat(bad.keySet()).as("a wrong value for every variable").containsExactlyInAnyOrder(ConfigKey.values());
        CliProcess cli = new CliProcess(dir);
        bad.forEach((k, v) -> cli.env(k.name(), v));
        CliProcess.Result r = cli.run("backup", "full");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
        for (Map.Entry<ConfigKey, String> e : bad.entrySet()) {
            assertThat(r.stderr()).as("names %s; %s", e.getKey(), r.describe()).contains(e.getKey().name() + "='" + e.getValue() + "'");
        }
        assertThat(r.stderr()).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(r.stdout()).isEmpty();
        assertThat(aFile.resolveSibling("backups")).doesNotExist();
    }

    private static int run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.waitFor(1, TimeUnit.MINUTES);
        return p.exitValue();
    }
}
