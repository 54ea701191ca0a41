package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.BackupType;
import dev.archivist.RestoreResult;
import dev.archivist.catalog.Manifest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code restore storage} and {@code restore database} take a full backup's id for its component of that type, as
 * {@code ls}, {@code dump} and {@code diff} do: "no backup 'full_…'" was the answer, for a backup {@code list} shows.
 */
class RestoreComponentByFullIdTest {
    @TempDir
    Path dir;

    @Test
    void aFullBackupsIdRestoresItsComponent() throws Exception {
        Fixture f = new Fixture(dir).database(40).storage(5, 20_000);
        Manifest full = f.service().backupFull(false, null);
        Map<String, String> tree = Fixture.tree(f.storage);

        Fixture.Run storage = f.cli("restore", "storage", full.id(), "--target", dir.resolve("st").toString());
        assertThat(storage.exitCode()).as(storage.describe()).isZero();
        assertThat(storage.stdout()).contains("restored " + full.componentId(BackupType.STORAGE));
        assertThat(Fixture.tree(dir.resolve("st"))).isEqualTo(tree);

        Fixture.Run database = f.cli("restore", "database", full.id(), "--target", dir.resolve("db.sqlite").toString());
        assertThat(database.exitCode()).as(database.describe()).isZero();
        assertThat(Fixture.rows(dir.resolve("db.sqlite"))).isEqualTo(Fixture.rows(f.db));
    }

    @Test
    void theLibraryTakesAFullBackupsIdAsTheCliDoes() throws Exception {
        Fixture f = new Fixture(dir).database(40).storage(5, 20_000);
        Manifest full = f.service().backupFull(false, null);
        Map<String, String> tree = Fixture.tree(f.storage);

        RestoreResult storage = f.service().restoreStorage(full.id(), dir.resolve("st"), List.of(), true);
        assertThat(storage.backupId()).isEqualTo(full.componentId(BackupType.STORAGE));
        assertThat(Fixture.tree(dir.resolve("st"))).isEqualTo(tree);

        RestoreResult database = f.service().restoreDatabase(full.id(), dir.resolve("db.sqlite"), true);
        assertThat(database.backupId()).isEqualTo(full.componentId(BackupType.DATABASE));
        assertThat(Fixture.rows(dir.resolve("db.sqlite"))).isEqualTo(Fixture.rows(f.db));
    }
}
