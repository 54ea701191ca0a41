package dev.archivist;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archivist.catalog.Manifest;
import dev.archivist.config.Settings;
import dev.archivist.config.SettingsLoader;
import dev.archivist.schedule.BackupScheduler;
import dev.archivist.testing.TestDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A null argument to the public types README's embedding example uses gave a bare NullPointerException, thrown deep
 * inside (or later, from a settings copy holding the null): an embedder could not tell which argument it was. Each
 * entry point now names it. The arguments documented as optional (a null {@code ProgressListener}, a null type to
 * {@code list}, a null restore {@code target}) stay optional.
 */
class NullArgumentsTest {
    @TempDir
    Path dir;

    @Test
    void everyRequiredArgumentIsNamedWhenNull() throws Exception {
        Path db = TestDb.create(dir.resolve("app.db"), TestDb.Mode.WAL, 10, 10);
        Files.createDirectories(dir.resolve("storage"));
        Settings settings = SettingsLoader.load(Map.of("DATABASE_URL", db.toString(),
                "STORAGE_PATH", dir.resolve("storage").toString(), "BACKUP_DIR", dir.resolve("backups").toString()),
                null, false, Map.of());
        BackupService service = new BackupService(settings);
        Manifest backup = service.backupDatabase(false, null);

        named("environment", () -> SettingsLoader.load(null, null, false, Map.of()));
        named("flags", () -> SettingsLoader.load(Map.of(), null, false, null));
        named("dir", () -> settings.withBackupDir(null));
        named("codec", () -> settings.withCompression(null));

        named("settings", () -> new BackupService(null));
        named("settings", () -> new BackupService(null, Clock.systemUTC(), n -> { }));
        named("clock", () -> new BackupService(settings, null, n -> { }));
        named("notices", () -> new BackupService(settings, Clock.systemUTC(), null));
        named("backup", () -> service.verify(null, true));
        named("checkedThisRun", () -> service.verify(backup, true, null));
        named("backup", () -> service.removedWhileVerified(null, service.verify(backup, false)));
        named("report", () -> service.removedWhileVerified(backup, null));
        named("ref", () -> service.restoreDatabase(null, dir.resolve("copy.db"), false));
        named("ref", () -> service.restoreStorage(null, dir.resolve("copy"), List.of(), false));
        named("globs", () -> service.restoreStorage("latest", dir.resolve("copy"), null, false));
        named("ref", () -> service.restoreFull(null, false));
        named("ref", () -> service.files(null, List.of()));
        named("globs", () -> service.files("latest", null));
        named("ref", () -> service.find(null, null));
        named("ref", () -> service.findForRestore(null, BackupType.DATABASE));
        named("report", () -> service.sweepOnShutdown(null));

        named("settings", () -> new BackupScheduler(null));
        named("clock", () -> new BackupScheduler(settings, null));
    }

    private static void named(String parameter, ThrowingCallable call) {
        assertThatThrownBy(call).as(parameter).isInstanceOf(NullPointerException.class)
                .hasMessage(parameter + " must not be null");
    }
}
