package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.BackupType;
import dev.archivist.catalog.Manifest;
import dev.archivist.catalog.VerificationRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifying a full backup checks its components, so their own records say so: {@code list} shows them verified and
 * rotation's "newest verified" counts them. (They stayed "never" verified.)
 */
class VerifyFullRecordsComponentsTest {
    @TempDir
    Path dir;

    @Test
    void aFullVerificationIsRecordedForEachComponentWithItsOwnResult() throws Exception {
        Fixture f = new Fixture(dir).database(10).storage(3, 1000);
        Manifest full = f.service().backupFull(false, null);
        String db = full.component(BackupType.DATABASE).path("id").asText();
        String storage = full.component(BackupType.STORAGE).path("id").asText();

        Fixture.Run clean = f.cli("verify", full.id());
        assertThat(clean.exitCode()).as(clean.describe()).isZero();
        for (String id : new String[] {full.id(), db, storage}) {
            assertThat(VerificationRecords.read(f.backups.resolve(".archivist"), id)).as(id).isNotNull()
                    .satisfies(r -> assertThat(r.clean()).isTrue());
        }

        Manifest storageManifest = f.service().find(storage, BackupType.STORAGE);
        Path part = f.backups.resolve("storage").resolve(storageManifest.parts().get(0).path());
        byte[] bytes = Files.readAllBytes(part);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(part, bytes);
        Fixture.Run damaged = f.cli("verify", full.id());
        assertThat(damaged.exitCode()).as(damaged.describe()).isEqualTo(1);
        assertThat(VerificationRecords.read(f.backups.resolve(".archivist"), storage).clean()).isFalse();
        assertThat(VerificationRecords.read(f.backups.resolve(".archivist"), db).clean()).as("its database is fine").isTrue();
        assertThat(VerificationRecords.read(f.backups.resolve(".archivist"), full.id()).clean()).isFalse();
    }

    /**
     * The text report is one line per problem: a component's problem names the component, and a name holding a
     * control character (here a newline) is escaped, as a damaged stream's garbage names are.
     */
    @Test
    void eachProblemIsOneLineNamingTheComponentItConcerns() throws Exception {
        Fixture f = new Fixture(dir).set("BACKUP_COMPRESSION", "none").database(10);
        Files.createDirectories(f.storage);
        String content = "content to damage ".repeat(100);
        Files.writeString(f.storage.resolve("a\nb.txt"), content);
        Manifest full = f.service().backupFull(false, null);
        String storage = full.component(BackupType.STORAGE).path("id").asText();
        Manifest storageManifest = f.service().find(storage, BackupType.STORAGE);
        Path part = f.backups.resolve("storage").resolve(storageManifest.parts().get(0).path());
        byte[] bytes = Files.readAllBytes(part);
        int at = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf(content);
        bytes[at + 5] ^= 0x01;
        Files.write(part, bytes);

        Fixture.Run r = f.cli("verify", full.id());
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        java.util.List<String> problems = r.stdout().lines().filter(l -> l.startsWith("    - ")).toList();
        assertThat(problems).isNotEmpty().allMatch(l -> l.startsWith("    - " + storage + ": "), "names the storage component");
        assertThat(r.stdout()).contains("a\\x0ab.txt").doesNotContain("a\nb.txt");
        assertThat(r.stdout().lines().filter(l -> !l.startsWith("    - ") && !l.startsWith("OK") && !l.startsWith("FAILED")))
                .as("no line continues a problem").isEmpty();
    }

    /**
     * {@code verify --all} reads each backup once: a full backup's components come after it (it is newer), were
     * checked with it, and their own reports are those checks. With the default schedule every storage backup is a
     * full backup's component, and {@code --all} read every archive twice.
     */
    @Test
    void verifyAllReadsAComponentOnlyOnce() throws Exception {
        Fixture f = new Fixture(dir).database(10).storage(3, 1000);
        Manifest full = f.service().backupFull(false, null);
        String db = full.component(BackupType.DATABASE).path("id").asText();
        String storage = full.component(BackupType.STORAGE).path("id").asText();

        Fixture.Run r = f.cli("verify", "--all", "--json");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        java.util.Map<String, java.time.Instant> verifiedAt = new java.util.HashMap<>();
        com.fasterxml.jackson.databind.JsonNode root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.stdout());
        root.path("reports").forEach(n -> verifiedAt.put(n.path("id").asText(),
                java.time.Instant.parse(n.path("verified_at").asText())));
        assertThat(verifiedAt).as(r.stdout()).containsOnlyKeys(full.id(), db, storage);
        assertThat(root.path("clean").asInt()).isEqualTo(3);
        for (String component : new String[] {db, storage}) {
            assertThat(verifiedAt.get(component)).as(component + " checked while its full backup was, not again")
                    .isBeforeOrEqualTo(verifiedAt.get(full.id()));
        }
    }
}
