package dev.archivist.storage;

import static dev.archivist.storage.StorageFixtures.q;
import static dev.archivist.storage.StorageFixtures.sh;
import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.BackupService;
import dev.archivist.archive.ProgressListener;
import dev.archivist.catalog.Manifest;
import dev.archivist.config.Compression;
import dev.archivist.config.SettingsLoader;
import dev.archivist.testing.RandomTrees;
import dev.archivist.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random storage trees (see {@link RandomTrees}) backed up with every codec in 1 MiB parts and restored by Archivist
 * itself, into a new folder or over the live one after the application replaced its content: a deep verify finds
 * nothing wrong, and the restored tree is the one backed up, file for file (content, mode, nanosecond mtime), folder
 * for folder, link for link.
 */
class BackupRestoreRoundTripPropertyTest {
    @Property(tries = 16)
    void aRestoredTreeIsTheTreeThatWasBackedUp(@ForAll("seeds") long seed, @ForAll Compression codec,
            @ForAll boolean live) throws Exception {
        Path tmp = Files.createTempDirectory("archivist-restore-roundtrip-");
        try {
            Path root = Files.createDirectories(tmp.resolve("app")).resolve("storage");
            RandomTrees.build(root, tmp.resolve("outside"), new Random(seed));
            BackupService service = new BackupService(SettingsLoader.load(Map.of(
                    "DATABASE_URL", tmp.resolve("app/app.db").toString(),
                    "STORAGE_PATH", root.toString(),
                    "BACKUP_DIR", tmp.resolve("backups").toString(),
                    "BACKUP_COMPRESSION", codec.wireName(),
                    "BACKUP_MAX_SIZE_MB", "1",
                    "BACKUP_CHUNK_SIZE_MB", "1",
                    "RESTORE_OUTSIDE_SYMLINKS", "true"), null, false, Map.of()), Clock.systemUTC(), n -> { });
            Manifest m = service.backupStorage(false, ProgressListener.NONE);
            TreeMap<String, String> backedUp = Trees.describe(root);
            assertThat(service.verify(m, true).problems()).as("deep verify, seed %d, %s", seed, codec).isEmpty();

            Path restored;
            if (live) {
                sh("chmod -R u+rwx " + q(root) + " && rm -rf " + q(root) + " && mkdir " + q(root)
                        + " && echo new > " + q(root.resolve("written after the backup")));
                service.restoreStorage(m.id(), null, List.of(), true);
                restored = root;
            } else {
                restored = tmp.resolve("restored");
                service.restoreStorage(m.id(), restored, List.of(), true);
            }
            assertThat(Trees.describe(restored)).as("seed %d, %s, live %s", seed, codec, live).isEqualTo(backedUp);
        } finally {
            sh("chmod -R u+rwx " + q(tmp) + " && rm -rf " + q(tmp));
        }
    }

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs();
    }
}
