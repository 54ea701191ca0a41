package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.archivist.catalog.Manifest;
import dev.archivist.catalog.VerificationRecords;
import dev.archivist.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A verification record in {@code .archivist/verified/} that is not the backup's own, or cannot be read, is no verdict:
 * a record copied to another backup's name made {@code list} call clean a backup never checked (at a time before it
 * was taken), and one whose {@code clean} was missing (a record of another version, a hand edit) made a sound backup
 * FAILED, which rotation and {@code latest} then pass over. Either is named in a warning, and a verify replaces it.
 */
class DamagedVerificationRecordTest {
    @TempDir
    Path dir;

    @Test
    void aRecordCopiedFromAnotherBackupDoesNotCallItVerified() throws Exception {
        Fixture f = new Fixture(dir).database(10);
        Manifest first = f.service().backupDatabase(false);
        Manifest second = f.service().backupDatabase(false);
        assertThat(f.cli("verify", first.id()).exitCode()).isZero();
        Path state = f.backups.resolve(".archivist");
        Path copied = VerificationRecords.file(state, second.id());
        Files.copy(VerificationRecords.file(state, first.id()), copied);

        CliProcess.Result list = f.process().run("list", "--json");
        assertThat(list.exitCode()).as(list.describe()).isZero();
        assertThat(row(list.stdout(), second.id()).path("last_verified").isNull()).as(list.describe()).isTrue();
        assertThat(row(list.stdout(), first.id()).path("last_verified").path("clean").asBoolean()).isTrue();
        assertThat(list.stderr()).contains("ignoring the verification record " + copied)
                .contains("it is the record of " + first.id());
    }

    @Test
    void aRecordWithoutItsResultIsNoFailureAndIsReplacedByTheNextVerify() throws Exception {
        Fixture f = new Fixture(dir).database(10);
        Manifest backup = f.service().backupDatabase(false);
        assertThat(f.cli("verify", backup.id()).exitCode()).isZero();
        Path record = VerificationRecords.file(f.backups.resolve(".archivist"), backup.id());
        Files.writeString(record, Files.readString(record).replace("\"clean\":true,", ""));

        CliProcess.Result list = f.process().run("list", "--json");
        assertThat(list.exitCode()).as(list.describe()).isZero();
        assertThat(row(list.stdout(), backup.id()).path("last_verified").isNull()).as(list.describe()).isTrue();
        assertThat(list.stderr()).contains("ignoring the verification record " + record)
                .contains("its clean is not true or false");

        assertThat(f.cli("verify", backup.id()).exitCode()).isZero();
        assertThat(VerificationRecords.read(f.backups.resolve(".archivist"), backup.id()).clean()).isTrue();
    }

    /** A truncated record is said in one line ("not valid JSON at line 1, column N: ..."), not in Jackson's words. */
    @Test
    void aTruncatedRecordIsNamedInOneLineOfWords() throws Exception {
        Fixture f = new Fixture(dir).database(10);
        Manifest backup = f.service().backupDatabase(false);
        assertThat(f.cli("verify", backup.id()).exitCode()).isZero();
        Path record = VerificationRecords.file(f.backups.resolve(".archivist"), backup.id());
        Files.writeString(record, Files.readString(record).substring(0, 20));

        CliProcess.Result list = f.process().run("list");
        assertThat(list.exitCode()).as(list.describe()).isZero();
        assertThat(list.stderr()).as(list.describe()).contains("ignoring the verification record " + record)
                .contains("not valid JSON at line 1, column ").doesNotContain("StreamReadFeature").doesNotContain("\\n");
    }

    private static JsonNode row(String listJson, String id) throws Exception {
        for (JsonNode row : new ObjectMapper().readTree(listJson)) {
            if (id.equals(row.path("id").asText())) {
                return row;
            }
        }
        throw new AssertionError(id + " is not listed: " + listJson);
    }
}
