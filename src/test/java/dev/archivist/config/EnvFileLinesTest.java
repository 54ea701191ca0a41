package dev.archivist.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A {@code .env} as an editor or the application saved it: a byte-order mark, CRLF, a line that is not UTF-8. */
class EnvFileLinesTest {
    @TempDir
    Path dir;
    private final List<String> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    private Map<String, String> load(byte[]... parts) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            bytes.write(part);
        }
        Path file = Files.write(dir.resolve(".env"), bytes.toByteArray());
        return DotEnv.parse(EnvFileLines.read(file), Map.of(), problems, warnings, ".env");
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aByteOrderMarkIsNotPartOfTheFirstName() throws Exception {
        Map<String, String> v = load(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8("MAX_BACKUPS=3\r\nLOG_LEVEL=INFO\r\n"));
        assertThat(v.keySet()).containsExactly("MAX_BACKUPS", "LOG_LEVEL");
        assertThat(v).containsEntry("MAX_BACKUPS", "3").containsEntry("LOG_LEVEL", "INFO");
        assertThat(problems).isEmpty();
        assertThat(warnings).isEmpty();
    }

    @Test
    void exportFollowedByATabSetsTheVariable() throws Exception {
        assertThat(load(utf8("export\tBACKUP_FULL_ENABLED=false\nexport  LOG_LEVEL=DEBUG\n")))
                .containsEntry("BACKUP_FULL_ENABLED", "false").containsEntry("LOG_LEVEL", "DEBUG");
    }

    @Test
    void aLineThatIsNotUtf8IsSkippedWithAWarningAndTheOthersAreRead() throws Exception {
        Map<String, String> v = load(utf8("# caf"), new byte[] {(byte) 0xE9}, utf8("\nAPP_NAME=Caf"), new byte[] {(byte) 0xE9},
                utf8("\rMAX_BACKUPS=3\nSTORAGE_PATH=/srv/st"), new byte[] {(byte) 0xE9}, utf8("\nBACKUP_DIR=/srv/b"));
        assertThat(v).containsEntry("MAX_BACKUPS", "3").containsEntry("BACKUP_DIR", "/srv/b")
                .doesNotContainKeys("APP_NAME", "STORAGE_PATH");
        assertThat(warnings).containsExactly(".env line 2: not valid UTF-8 (not one of Archivist's variables: skipped, "
                + "as python-dotenv skips it)");
        assertThat(problems).containsExactly(".env line 4: not valid UTF-8");
    }

    /** Text inside a quoted value never becomes a setting, also when one of its lines is not UTF-8. */
    @Test
    void aQuotedValueWithALineThatIsNotUtf8IsDroppedWholeAndItsLinesAreNotSettings() throws Exception {
        Map<String, String> v = load(utf8("BACKUP_DIR=/srv/b\nAPP_PEM=\"-----BEGIN\nabc"), new byte[] {(byte) 0xE9},
                utf8("\nMAX_BACKUPS=9\n-----END\"\nLOG_LEVEL=DEBUG\n"));
        assertThat(v).containsEntry("BACKUP_DIR", "/srv/b").containsEntry("LOG_LEVEL", "DEBUG")
                .doesNotContainKeys("APP_PEM", "MAX_BACKUPS");
        assertThat(warnings).containsExactly(".env line 3: not valid UTF-8 (not one of Archivist's variables: skipped, "
                + "as python-dotenv skips it)");
        assertThat(problems).isEmpty();
    }

    @Test
    void linesEndAtEveryKindOfBreakAndAFinalBreakAddsNoLine() throws Exception {
        Path file = Files.write(dir.resolve("lines"), utf8("a\r\nb\rc\nd\n"));
        assertThat(EnvFileLines.read(file).lines()).containsExactly("a", "b", "c", "d");
        assertThat(EnvFileLines.read(Files.write(dir.resolve("empty"), new byte[0])).lines()).isEmpty();
        assertThat(EnvFileLines.read(Files.write(dir.resolve("last"), utf8("x\n\ny"))).lines()).containsExactly("x", "", "y");
    }

    /**
     * A {@code .env} saved as UTF-16 (Windows' "Unicode", PowerShell 5's {@code >}) read as no setting at all, with a
     * warning per line, and every command went on with the defaults: another database, another backup directory.
     */
    @Test
    void aUtf16FileIsAProblemNamingItsEncodingNotAFileOfSkippedLines() throws Exception {
        String text = "DATABASE_URL=sqlite:////srv/app/app.db\r\nBACKUP_DIR=/srv/backups\r\n";
        byte[] withMark = text.getBytes(StandardCharsets.UTF_16); // big-endian, after the mark FE FF
        byte[] littleEndian = text.getBytes(StandardCharsets.UTF_16LE);
        byte[] markLittleEndian = new byte[littleEndian.length + 2];
        markLittleEndian[0] = (byte) 0xFF;
        markLittleEndian[1] = (byte) 0xFE;
        System.arraycopy(littleEndian, 0, markLittleEndian, 2, littleEndian.length);
        for (byte[] bytes : List.of(withMark, markLittleEndian)) {
            problems.clear();
            Path file = Files.write(dir.resolve("app.env"), bytes);
            RawConfig raw = RawConfig.load(Map.of(), file, false, Map.of(), problems);
            assertThat(problems).containsExactly("env file " + file
                    + ": it is UTF-16 (it starts with a UTF-16 byte-order mark): save it as UTF-8");
            assertThat(raw.warnings()).isEmpty();
            assertThat(raw.get(ConfigKey.DATABASE_URL).origin()).isEqualTo(ConfigOrigin.DEFAULT);
        }
        problems.clear();
        Path file = Files.write(dir.resolve("app.env"), littleEndian);
        RawConfig.load(Map.of(), file, false, Map.of(), problems);
        assertThat(problems).containsExactly("env file " + file
                + ": it holds NUL bytes (a UTF-16 file without a byte-order mark?): save it as UTF-8 text");
    }

    /**
     * A deploy that links {@code .env} to a shared copy ({@code .env -> ../shared/.env}) whose target is gone: the link
     * is there, so the file was meant to be read; it was taken for no {@code .env} at all, and every command ran on the
     * defaults (another database, another backup directory) without a word.
     */
    @Test
    void aDotEnvLinkThatLeadsNowhereIsAProblemNotAMissingFile() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve(".env"), dir.resolve("shared/.env"));
        RawConfig raw = RawConfig.load(Map.of(), link, false, Map.of(), problems);
        assertThat(problems).containsExactly("env file " + link + ": a symlink to " + dir.resolve("shared/.env")
                + ", which does not exist");
        assertThat(raw.get(ConfigKey.BACKUP_DIR).origin()).isEqualTo(ConfigOrigin.DEFAULT);
        problems.clear();
        RawConfig.load(Map.of(), dir.resolve("absent.env"), false, Map.of(), problems);
        assertThat(problems).isEmpty();
    }
}
