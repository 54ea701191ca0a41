package dev.archivist.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage folder's absolute path stands for the storage root in an exclude ({@code /srv/app/storage/cache/**} is
 * {@code cache/**}); that path alone names the storage folder itself, as {@code /} does: a configuration error, never
 * a pattern silently excluding nothing.
 */
class StorageRootExcludeTest {
    @TempDir
    Path dir;

    private Settings load(Path storage, String excludes) {
        return SettingsLoader.load(Map.of("STORAGE_PATH", storage.toString(), "BACKUP_DIR", dir.resolve("backups").toString(),
                "BACKUP_STORAGE_EXCLUDE", excludes), dir.resolve("none.env"), false, Map.of());
    }

    @Test
    void theStorageFoldersOwnPathAloneIsRefusedNamingTheVariable() throws Exception {
        Path storage = Files.createDirectories(dir.resolve("storage"));
        for (String glob : new String[] {storage.toString(), storage + "/", storage + "/.", storage + "//"}) {
            assertThatThrownBy(() -> load(storage, "*.tmp, " + glob)).as(glob).isInstanceOf(ConfigException.class)
                    .satisfies(e -> assertThat(((ConfigException) e).problems()).singleElement().asString()
                            .startsWith("BACKUP_STORAGE_EXCLUDE=")
                            .contains("bad glob '" + glob + "': it names the storage folder itself"));
        }
    }

    @Test
    void throughALinkTheRealFoldersPathAloneIsRefusedToo() throws Exception {
        Path real = Files.createDirectories(dir.resolve("volume/storage"));
        Path link = Files.createSymbolicLink(dir.resolve("storage"), real);
        assertThatThrownBy(() -> load(link, real.toString())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("it names the storage folder itself");
    }

    @Test
    void patternsBelowTheStorageFolderOrBesideItAreKept() throws Exception {
        Path storage = Files.createDirectories(dir.resolve("storage"));
        String below = storage + "/cache/**";
        String beside = storage + "-old/**"; // another folder whose name starts the same: a folder inside, as written
        assertThat(load(storage, below + "," + beside).archive().excludes()).containsExactly(below, beside);
    }
}
