package dev.archivist.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The original system's {@code .env} files mean the same here as with python-dotenv: the expected values below are
 * what {@code dotenv_values()} returns for these lines. (A quoted value followed by a comment kept its quotes, so a
 * backup went to a folder named {@code "/srv/backups"} in the working directory.)
 */
class DotEnvTest {
    private final List<String> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    private Map<String, String> parse(Map<String, String> environment, String... lines) {
        return DotEnv.parse(List.of(lines), environment, problems, warnings, ".env");
    }

    @Test
    void quotesAndCommentsAsPythonDotenvReadsThem() {
        Map<String, String> v = parse(Map.of(),
                "BACKUP_DIR=\"/srv/backups\"   # where backups go",
                "STORAGE_PATH='/srv/app storage' # single quotes",
                "BACKUP_DATABASE_SCHEDULE=\"0 2 * * *\" # nightly",
                "export LOG_LEVEL=INFO # unquoted: a comment after whitespace",
                "PASSWORD=abc#def",
                "DOUBLE=\"a\\tb\\\"c\\\\d\"",
                "SINGLE='a\\tb\\'c'",
                "EMPTY=",
                "  # a comment line",
                "HASH_IN_QUOTES=\"x # not a comment\"");
        assertThat(problems).isEmpty();
        assertThat(v).containsEntry("BACKUP_DIR", "/srv/backups")
                .containsEntry("STORAGE_PATH", "/srv/app storage")
                .containsEntry("BACKUP_DATABASE_SCHEDULE", "0 2 * * *")
                .containsEntry("LOG_LEVEL", "INFO")
                .containsEntry("PASSWORD", "abc#def")
                .containsEntry("DOUBLE", "a\tb\"c\\d")
                .containsEntry("SINGLE", "a\\tb'c")
                .containsEntry("EMPTY", "")
                .containsEntry("HASH_IN_QUOTES", "x # not a comment")
                .hasSize(9);
    }

    @Test
    void referencesResolveFromTheEnvironmentFirstThenEarlierLinesThenTheDefault() {
        Map<String, String> v = parse(Map.of("APP_HOME", "/srv/app", "BASE", "/from/env"),
                "BASE=/from/file",
                "DATA=${BASE}/data",
                "BACKUP_DIR=${APP_HOME}/backups",
                "STORAGE_PATH=\"${APP_HOME}/storage\"",
                "LITERAL='${APP_HOME}'",
                "MISSING=${NOPE}/x",
                "DEFAULTED=${NOPE:-/fallback}/x",
                "DOLLAR=$APP_HOME");
        assertThat(v).containsEntry("DATA", "/from/env/data")
                .containsEntry("BACKUP_DIR", "/srv/app/backups")
                .containsEntry("STORAGE_PATH", "/srv/app/storage")
                .containsEntry("LITERAL", "/srv/app") // python-dotenv expands inside single quotes too
                .containsEntry("MISSING", "/x")
                .containsEntry("DEFAULTED", "/fallback/x")
                .containsEntry("DOLLAR", "$APP_HOME");
    }

    /**
     * A {@code .env} shared with docker compose, which expands {@code ${DATA_ROOT}} from the shell that starts it: run
     * from cron, where {@code DATA_ROOT} is not set, {@code BACKUP_DIR=${DATA_ROOT}/backups} read as {@code /backups}
     * (python-dotenv's empty value) without a word, and the backups went to the root file system. The value stays
     * python-dotenv's; a reference without a default to a name set nowhere, in one of Archivist's variables, is named
     * in a warning (the application's own lines, and a variable the environment sets itself, are left alone).
     */
    @Test
    void aReferenceToANameSetNowhereInOneOfOurVariablesIsNamedInAWarning() {
        Map<String, String> v = parse(Map.of("MAX_BACKUPS", "5"),
                "BACKUP_DIR=${DATA_ROOT}/backups",
                "STORAGE_PATH=${DATA_ROOT:-/srv/app}/storage",
                "EXPLICIT_EMPTY=${NOPE:-}",
                "APP_CACHE=${DATA_ROOT}/cache",
                "MAX_BACKUPS=${KEEP}",
                "BACKUP_STORAGE_EXCLUDE=${CACHE_DIR}/**,${TMP_DIR}/**");
        assertThat(v).containsEntry("BACKUP_DIR", "/backups").containsEntry("STORAGE_PATH", "/srv/app/storage")
                .containsEntry("APP_CACHE", "/cache");
        assertThat(problems).isEmpty();
        assertThat(warnings).containsExactly(
                ".env line 1: BACKUP_DIR refers to ${DATA_ROOT}, which is set neither in the environment nor on an"
                        + " earlier line: read as empty",
                ".env line 6: BACKUP_STORAGE_EXCLUDE refers to ${CACHE_DIR}, ${TMP_DIR}, which are set neither in the"
                        + " environment nor on an earlier line: read as empty");
    }

    /**
     * A shell's other forms are no references to python-dotenv (its names hold no {@code :}): {@code dotenv_values()}
     * keeps them as written, even for a variable that is set. Read as an unset name's empty value, a compose-style
     * {@code BACKUP_DIR=${ROOT:?set ROOT}/backups} sent the backups to {@code /backups}.
     */
    @Test
    void shellFormsOtherThanTheDefaultStayAsWrittenAsPythonDotenvKeepsThem() {
        Map<String, String> v = parse(Map.of("HOME_DIR", "/home/app"),
                "BACKUP_DIR=${ROOT:?set ROOT}/backups",
                "ASSIGN=${HOME_DIR:=/x}",
                "ALT='${HOME_DIR:+alt}'",
                "NESTED=${A:?${HOME_DIR}}",
                "DEFAULT_WITH_COLON=${NOPE:-a:b}",
                "ODD_NAME=${A-x:-dflt}");
        assertThat(problems).isEmpty();
        assertThat(v).containsEntry("BACKUP_DIR", "${ROOT:?set ROOT}/backups")
                .containsEntry("ASSIGN", "${HOME_DIR:=/x}")
                .containsEntry("ALT", "${HOME_DIR:+alt}")
                .containsEntry("NESTED", "${A:?/home/app}")
                .containsEntry("DEFAULT_WITH_COLON", "a:b")
                .containsEntry("ODD_NAME", "dflt");
    }

    /** Through a real {@code .env} file: the backups never go to the root's folder, a bad value is named as written. */
    @Test
    void aShellFormInTheEnvFileNeitherMovesTheBackupsNorHidesTheBadValue(@TempDir Path dir) throws Exception {
        Path envFile = dir.resolve(".env");
        Files.writeString(envFile, "BACKUP_DIR=" + dir + "/${BACKUP_ROOT:?BACKUP_ROOT must be set}/bk\n"
                + "STORAGE_PATH=" + dir + "/storage\n");
        Settings settings = SettingsLoader.load(Map.of(), envFile, true, Map.of());
        assertThat(settings.backupDir()).isEqualTo(dir.resolve("${BACKUP_ROOT:?BACKUP_ROOT must be set}/bk"));

        Files.writeString(envFile, "BACKUP_DATABASE_SCHEDULE=${SCHEDULE:=0 2 * * *}\n", StandardOpenOption.APPEND);
        assertThatThrownBy(() -> SettingsLoader.load(Map.of(), envFile, true, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("BACKUP_DATABASE_SCHEDULE='${SCHEDULE:=0 2 * * *}'");
    }

    /** A line of Archivist's that cannot be read is a problem, named with its number. */
    @Test
    void malformedLinesOfOurVariablesAreProblemsWithTheirNumbers() {
        parse(Map.of(), "GOOD=1", "MAX_BACKUPS 5", "DATABASE_URL='x' y", "BACKUP_DIR=\"never closed", "MORE=1");
        assertThat(problems).hasSize(3);
        assertThat(problems.get(0)).isEqualTo(".env line 2: expected NAME=value");
        assertThat(problems.get(1)).startsWith(".env line 3: unexpected text after the closing quote")
                .endsWith("in the value of DATABASE_URL");
        assertThat(Redactor.redact(problems.get(1))).as("readable after redaction, and no secret in it").isEqualTo(problems.get(1));
        assertThat(problems.get(2)).isEqualTo(".env line 4: unterminated \" quote in the value of BACKUP_DIR");
        assertThat(warnings).isEmpty();
    }

    /**
     * A name ends where python-dotenv's does, at a blank: a line written as YAML or with a space for the '=' whose value
     * holds a '=' set a variable named up to it ("DATABASE_URL: sqlite:///…?mode"), so Archivist's own setting fell
     * back to its default in silence, and an unknown BACKUP_ name was warned about with the value in it.
     */
    @Test
    void aLineWhoseNameWouldHoldABlankIsNoSettingAndItsValueIsNotShown() {
        Map<String, String> v = parse(Map.of(), "DATABASE_URL: sqlite:////srv/app/app.db?mode=ro",
                "STORAGE_PATH /srv/storage # a=b", "BACKUP_ENCRYPTION: c2VjcmV0c2VjcmV0==", "APP_NAME my app=1",
                "MAX_BACKUPS=5");
        assertThat(v).containsExactly(Map.entry("MAX_BACKUPS", "5"));
        assertThat(problems).containsExactly(".env line 1: expected NAME=value", ".env line 2: expected NAME=value");
        assertThat(warnings).containsExactly(
                ".env line 3: expected NAME=value (not one of Archivist's variables: skipped, as python-dotenv skips it)",
                ".env line 4: expected NAME=value (not one of Archivist's variables: skipped, as python-dotenv skips it)");
    }

    /**
     * The application's own lines that python-dotenv cannot read either are skipped with a warning, and the lines after
     * them read, as python-dotenv does ({@code dotenv_values} gives MAX_BACKUPS and LOG_LEVEL here): a quirk in a shared
     * file no longer stops every backup.
     */
    @Test
    void malformedLinesOfTheApplicationAreSkippedWithAWarningAsPythonDotenvSkipsThem() {
        Map<String, String> v = parse(Map.of(), "SECRET_KEY=\"abc", "MAX_BACKUPS=5", "GREETING='it's here'",
                "no equals sign", "LOG_LEVEL=WARN");
        assertThat(problems).isEmpty();
        assertThat(v).containsExactly(Map.entry("MAX_BACKUPS", "5"), Map.entry("LOG_LEVEL", "WARN"));
        assertThat(warnings).containsExactly(
                ".env line 1: unterminated \" quote in the value of SECRET_KEY"
                        + " (not one of Archivist's variables: skipped, as python-dotenv skips it)",
                ".env line 3: unexpected text after the closing quote (a comment needs a #) in the value of GREETING"
                        + " (not one of Archivist's variables: skipped, as python-dotenv skips it)",
                ".env line 4: expected NAME=value (not one of Archivist's variables: skipped, as python-dotenv skips it)");
    }

    /**
     * A quoted value that closes on a later line with text after its quote is skipped up to that line, as python-dotenv
     * skips it (dotenv_values gives LOG_LEVEL only, then MAX_BACKUPS only): the lines it swallowed are not read. One of
     * those that sets one of Archivist's variables is a problem, as a line of ours that cannot be read is: a Windows
     * path in the application's line ({@code APP_DIR="C:\app\"}) took the {@code BACKUP_DIR} line after it into its
     * value, and the backups went to the default folder with a warning naming only {@code APP_DIR}.
     */
    @Test
    void aValueGoneWrongOnALaterLineIsSkippedUpToThatLine() {
        assertThat(parse(Map.of(), "GREETING=\"Hello", "MAX_BACKUPS=3", "SIGNATURE=\"Bob\"", "LOG_LEVEL=WARN"))
                .containsExactly(Map.entry("LOG_LEVEL", "WARN"));
        assertThat(warnings).singleElement().asString().startsWith(".env line 1: unexpected text after the closing quote");
        assertThat(problems).containsExactly(".env line 2: MAX_BACKUPS is not read: the line is part of the value of"
                + " GREETING (line 1), which could not be read");
        warnings.clear();
        problems.clear();
        assertThat(parse(Map.of(), "APP_DIR=\"C:\\app\\\"", "export BACKUP_DIR=\"/srv/backups\"", "LOG_LEVEL=WARN"))
                .containsExactly(Map.entry("LOG_LEVEL", "WARN"));
        assertThat(problems).containsExactly(".env line 2: BACKUP_DIR is not read: the line is part of the value of"
                + " APP_DIR (line 1), which could not be read");
        warnings.clear();
        problems.clear();
        assertThat(parse(Map.of(), "PEM=\"-----BEGIN", "abc", "-----END\" junk", "MAX_BACKUPS=4"))
                .containsExactly(Map.entry("MAX_BACKUPS", "4"));
        assertThat(warnings).hasSize(1);
        assertThat(problems).isEmpty();
    }

    /** An application's .env may hold a PEM key over several lines and bare names; python-dotenv reads both. */
    @Test
    void quotedValuesSpanLinesAndBareNamesSetNothing() {
        Map<String, String> v = parse(Map.of(),
                "MAX_BACKUPS=3",
                "JWT_PRIVATE_KEY=\"-----BEGIN KEY-----",
                "abc  ",
                "-----END KEY-----\" # the app's key",
                "FEATURE_FLAG",
                "export ALSO_BARE",
                "SINGLE='a",
                "b'",
                "LOG_LEVEL=WARN");
        assertThat(problems).isEmpty();
        assertThat(v).containsEntry("JWT_PRIVATE_KEY", "-----BEGIN KEY-----\nabc  \n-----END KEY-----")
                .containsEntry("SINGLE", "a\nb").containsEntry("MAX_BACKUPS", "3").containsEntry("LOG_LEVEL", "WARN")
                .doesNotContainKey("FEATURE_FLAG").hasSize(4);
    }

    /**
     * A line copied from a wiki page or a chat often carries a no-break space (U+00A0, also U+2007, U+202F) or a NEL
     * (U+0085), which Python counts as whitespace and Java's {@code strip()} does not: python-dotenv read
     * {@code BACKUP_DIR=/srv/backups<NBSP>} as {@code /srv/backups}, and the backups went to a folder whose name ends
     * in an invisible character.
     */
    @Test
    void noBreakSpacesAroundNamesAndValuesAreBlanksAsPythonDotenvReadsThem() {
        Map<String, String> v = parse(Map.of(),
                "BACKUP_DIR=/srv/backups\u00a0",
                "\u00a0STORAGE_PATH=\u202f/srv/storage\u2007",
                "MAX_BACKUPS\u00a0=\u00a04\u00a0# keep four",
                "LOG_LEVEL='WARN'\u0085# quoted",
                "export\u00a0JSON_LOGS=false");
        assertThat(problems).isEmpty();
        assertThat(warnings).isEmpty();
        assertThat(v).containsEntry("BACKUP_DIR", "/srv/backups").containsEntry("STORAGE_PATH", "/srv/storage")
                .containsEntry("MAX_BACKUPS", "4").containsEntry("LOG_LEVEL", "WARN").containsEntry("JSON_LOGS", "false")
                .hasSize(5);
    }

    /** python-dotenv reads a name in single quotes as the name ({@code 'MAX_BACKUPS'=5}); it was skipped with a warning. */
    @Test
    void aNameInSingleQuotesIsTheNameAsPythonDotenvReadsIt() {
        Map<String, String> v = parse(Map.of(),
                "'MAX_BACKUPS'=5",
                "export 'BACKUP_DIR' = /srv/backups # where they go",
                "'APP NAME'=x");
        assertThat(problems).isEmpty();
        assertThat(warnings).isEmpty();
        assertThat(v).containsEntry("MAX_BACKUPS", "5").containsEntry("BACKUP_DIR", "/srv/backups")
                .containsEntry("APP NAME", "x").hasSize(3);
    }

    /**
     * A list written with blanks after its commas loses what follows a {@code #} to a comment, as python-dotenv reads
     * it: {@code BACKUP_STORAGE_EXCLUDE=@eaDir/**, #recycle/**} (a Synology share's recycle bin) excluded {@code @eaDir}
     * only, and the recycle bin was backed up, without a word. The value stays python-dotenv's; one of Archivist's that
     * a comment cut right after a comma is named in a warning.
     */
    @Test
    void aCommentRightAfterACommaInOneOfOurValuesIsNamedInAWarning() {
        Map<String, String> v = parse(Map.of(),
                "BACKUP_STORAGE_EXCLUDE=@eaDir/**, #recycle/**",
                "APP_TAGS=a, #b",
                "BACKUP_DIR=/srv/backups # where they go",
                "STORAGE_PATH='/srv/a, #b'");
        assertThat(v).containsEntry("BACKUP_STORAGE_EXCLUDE", "@eaDir/**,").containsEntry("APP_TAGS", "a,")
                .containsEntry("BACKUP_DIR", "/srv/backups").containsEntry("STORAGE_PATH", "/srv/a, #b");
        assertThat(problems).isEmpty();
        assertThat(warnings).containsExactly(".env line 1: the value of BACKUP_STORAGE_EXCLUDE ends with ',' before a"
                + " '#', which starts a comment here (a '#' after a blank): quote the whole value to keep what follows");
    }
}
