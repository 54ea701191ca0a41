package dev.archivist.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.archivist.testing.CliProcess;
import dev.archivist.testing.TestDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 2 acceptance: a database backup, decompressed with the stock tool of its codec, opens with the stock
 * {@code sqlite3} and passes {@code PRAGMA integrity_check}; the manifest carries the original's keys and ours.
 */
@Tag("system")
class BackupReadableWithStockToolsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> MANIFEST_KEYS = List.of("timestamp", "type", "original_path", "backup_path", "file_size",
            "checksum", "created_at", "id", "size_uncompressed", "size_compressed", "compression", "compression_level",
            "page_size", "page_count", "integrity", "sqlite_version", "archivist_version", "duration_ms");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}, {1} journal")
    @CsvSource({"zstd, WAL", "gz, WAL", "xz, WAL", "none, WAL", "zstd, ROLLBACK", "gz, ROLLBACK"})
    void backupDecompressedWithStockToolPassesIntegrityCheck(String codec, TestDb.Mode mode) throws Exception {
        Path db = TestDb.create(dir.resolve("app.db"), mode, 3000, 600);
        Path backups = dir.resolve("backups");
        long expectedRows;
        // In WAL mode keep a connection open with uncheckpointed commits: the backup must include the WAL's content.
        try (Connection live = TestDb.open(db); Statement st = live.createStatement()) {
            st.execute("PRAGMA wal_autocheckpoint = 0");
            TestDb.insert(live, 500, 300, 100_000);
            expectedRows = 3500;
            if (mode == TestDb.Mode.WAL) {
                assertThat(Files.size(dir.resolve("app.db-wal"))).as("rows still in the WAL").isPositive();
            }

            CliProcess.Result r = new CliProcess(dir)
                    .env("DATABASE_URL", "sqlite:///" + db)
                    .env("BACKUP_DIR", backups.toString())
                    .env("BACKUP_COMPRESSION", codec)
                    .env("JSON_LOGS", "false")
                    .run("backup", "database", "--json");
            assertThat(r.exitCode()).as(r.describe()).isZero();

            JsonNode m = JSON.readTree(r.stdout());
            assertThat(MANIFEST_KEYS).allSatisfy(k -> assertThat(m.has(k)).as("manifest key " + k + " in " + m).isTrue());
            assertThat(m.path("type").asText()).isEqualTo("database");
            assertThat(m.path("compression").asText()).isEqualTo(codec);
            assertThat(m.path("original_path").asText()).isEqualTo(db.toString());
            assertThat(m.path("integrity").toString()).contains("ok");
            assertThat(m.path("page_size").asLong()).isPositive();
            assertThat(m.path("page_count").asLong()).isPositive();
            assertThat(m.path("sqlite_version").asText()).matches("3\\.\\d+\\.\\d+.*");

            Path stored = Path.of(m.path("backup_path").asText());
            assertThat(stored).exists().startsWith(backups.resolve("database"));
            assertThat(stored.getFileName().toString()).startsWith(m.path("id").asText())
                    .endsWith(switch (codec) { case "zstd" -> ".db.zst"; case "gz" -> ".db.gz"; case "xz" -> ".db.xz"; default -> ".db"; });
            assertThat(m.path("file_size").asLong()).isEqualTo(Files.size(stored));
            assertThat(m.path("size_compressed").asLong()).isEqualTo(Files.size(stored));
            assertThat(m.path("checksum").asText()).isEqualTo(TestDb.sha256(stored));
            assertThat(Files.getPosixFilePermissions(stored)).as("owner-only")
                    .doesNotContain(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);

            Path restored = TestDb.decompressWithStockTool(stored, codec, dir.resolve("restored.db"));
            assertThat(Files.size(restored)).isEqualTo(m.path("size_uncompressed").asLong());
            assertThat(Files.size(restored)).isEqualTo(m.path("page_size").asLong() * m.path("page_count").asLong());
            assertThat(TestDb.integrityCheck(restored)).isEqualTo("ok");
            assertThat(TestDb.countWithSqlite3(restored, "items")).isEqualTo(expectedRows);
        }

        // The manifest file itself is next to the data file and is what list reads; nothing temporary is left.
        assertThat(TestDb.files(backups.resolve("database"))).as("files in backups/database")
                .allSatisfy(f -> assertThat(f).doesNotStartWith(".tmp-"))
                .hasSize(2);
    }
}
