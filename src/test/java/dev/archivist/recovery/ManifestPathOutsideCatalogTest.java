package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.catalog.Manifest;
import dev.archivist.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify} and {@code restore} take a manifest path too. A manifest outside the configured backup directory was
 * once checked against the configured catalog's files: a copy of a catalog with a part deleted was reported clean.
 * Such a path is now refused, naming the BACKUP_DIR it belongs to; a path inside the catalog works as the id does. So
 * is the path of a backup's data file ({@code …/database/db_backup_….db.zst}): one outside the catalog, or where no
 * such file is, was taken for the id in its name, and a damaged offsite copy was reported clean.
 */
class ManifestPathOutsideCatalogTest {
    @TempDir
    Path dir;

    @Test
    void aManifestOfAnotherCatalogIsRefusedAndOneOfThisCatalogIsVerified() throws Exception {
        Fixture f = new Fixture(dir).set("BACKUP_MAX_SIZE_MB", "1").set("BACKUP_CHUNK_SIZE_MB", "1").database(20)
                .storage(3, 2_200_000);
        Manifest storage = f.service().backupStorage(false, null);
        Path copy = dir.resolve("copy");
        Trees.sh("cp -a " + Trees.q(f.backups) + " " + Trees.q(copy));
        Files.delete(copy.resolve("storage").resolve(storage.parts().get(1).path()));
        Path copied = copy.resolve("storage").resolve(storage.id() + ".json");

        Fixture.Run other = f.cli("verify", copied.toString());
        assertThat(other.exitCode()).as(other.describe()).isEqualTo(1);
        assertThat(other.stderr()).contains("is not one of the backup directory").contains("BACKUP_DIR=" + copy);
        Path loose = Files.copy(copied, dir.resolve(storage.id() + ".json")); // a manifest alone, outside any catalog
        Fixture.Run alone = f.cli("verify", loose.toString());
        assertThat(alone.exitCode()).as(alone.describe()).isEqualTo(1);
        assertThat(alone.stderr()).contains("is not one of the backup directory").doesNotContain("set BACKUP_DIR=")
                .contains("BACKUP_DIR/storage/");
        Fixture.Run restore = f.cli("restore", "storage", copied.toString(), "--target", dir.resolve("t").toString());
        assertThat(restore.exitCode()).as(restore.describe()).isEqualTo(1);
        assertThat(dir.resolve("t")).doesNotExist();

        Fixture.Run inCopy = new Fixture(dir).set("BACKUP_DIR", copy.toString()).cli("verify", copied.toString());
        assertThat(inCopy.exitCode()).as(inCopy.describe()).isEqualTo(1);
        assertThat(inCopy.stdout()).contains(storage.parts().get(1).path());
        Path own = f.backups.resolve("storage").resolve(storage.id() + ".json");
        Fixture.Run here = f.cli("verify", own.toString());
        assertThat(here.exitCode()).as(here.describe()).isZero();
    }

    @Test
    void aBackupFileOutsideTheCatalogIsRefusedAndOneOfThisCatalogIsVerified() throws Exception {
        Fixture f = new Fixture(dir).database(50);
        Manifest db = f.service().backupDatabase(false);
        String fileName = db.parts().get(0).path();
        Path copy = dir.resolve("offsite");
        Trees.sh("cp -a " + Trees.q(f.backups) + " " + Trees.q(copy));
        Path copied = copy.resolve("database").resolve(fileName);
        Fixture.flipAByte(copied);

        Fixture.Run other = f.cli("verify", copied.toString());
        assertThat(other.exitCode()).as(other.describe()).isEqualTo(1);
        assertThat(other.stderr()).contains("is not one of the backup directory").contains("BACKUP_DIR=" + copy);
        Fixture.Run nowhere = f.cli("verify", dir.resolve("gone").resolve(fileName).toString());
        assertThat(nowhere.exitCode()).as(nowhere.describe()).isEqualTo(1);
        assertThat(nowhere.stdout()).doesNotContain("clean");
        Fixture.Run restore = f.cli("restore", "database", copied.toString(), "--target", dir.resolve("r.db").toString());
        assertThat(restore.exitCode()).as(restore.describe()).isEqualTo(1);
        assertThat(dir.resolve("r.db")).doesNotExist();

        Fixture.Run here = f.cli("verify", f.backups.resolve("database").resolve(fileName).toString());
        assertThat(here.exitCode()).as(here.describe()).isZero();
        Fixture.Run byId = f.cli("verify", db.id());
        assertThat(byId.exitCode()).as(byId.describe()).isZero();
    }
}
