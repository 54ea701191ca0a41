package dev.archivist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code archivist demo}, the README's first command, as a real process: it works on its own sample only, whatever
 * the environment says, and its exit code tells whether the round trip came out identical.
 */
class DemoCommandTest {
    @TempDir
    Path tmp;

    private static long filesIn(Path folder) throws Exception {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> all = Files.walk(folder)) {
            return all.filter(Files::isRegularFile).count();
        }
    }

    /**
     * On a server the environment describes the real application: the demo must not back it up, nor rotate its
     * catalog, nor fail on its settings (a codec it does not know).
     */
    @Test
    void theEnvironmentOfARealApplicationIsIgnored() throws Exception {
        Path real = Files.createDirectories(tmp.resolve("real"));
        Path realDb = real.resolve("app.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + realDb)) {
            c.createStatement().execute("CREATE TABLE t (x)");
        }
        Files.createDirectories(real.resolve("storage"));
        Files.writeString(real.resolve("storage/a.txt"), "real data\n");
        Path realBackups = Files.createDirectories(real.resolve("backups/full"));
        Path earlier = Files.writeString(realBackups.resolve("full_backup_20260101T000000.000Z.json"), "{}");
        Path work = Files.createDirectories(tmp.resolve("work"));
        Files.writeString(work.resolve(".env"), "BACKUP_DIR=" + real.resolve("backups") + "\n");

        CliProcess.Result r = new CliProcess(work)
                .env("DATABASE_URL", "sqlite:///" + realDb)
                .env("STORAGE_PATH", real.resolve("storage").toString())
                .env("BACKUP_DIR", real.resolve("backups").toString())
                .env("MAX_BACKUPS", "1")
                .env("BACKUP_COMPRESSION", "bogus")
                .run("demo");

        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.stdout()).contains("identical row counts").contains("132 of 132 entries identical")
                .contains("clean:");
        try (Stream<Path> left = Files.list(real.resolve("backups"))) {
            assertThat(left).containsExactly(realBackups); // nothing written beside the real catalog's full/
        }
        assertThat(earlier).exists();
        assertThat(filesIn(realBackups)).isEqualTo(1);
        assertThat(filesIn(work.resolve("demo/backups/full"))).isEqualTo(1);
    }

    /** The .env the demo writes holds any path literally: a '#' is no comment there, a '${…}' no reference. */
    @Test
    void aFolderNameWithHashDollarAndQuoteWorks() throws Exception {
        Path dir = tmp.resolve("my demo #1 ${HOME} it's");
        CliProcess.Result r = new CliProcess(tmp).run("demo", "--dir", dir.toString());

        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.stdout()).contains("132 of 132 entries identical");
        assertThat(filesIn(dir.resolve("backups/full"))).isEqualTo(1);
        CliProcess.Result list = new CliProcess(tmp).run("list", "--env-file", dir.resolve(".env").toString(),
                "--json");
        assertThat(list.exitCode()).as(list.describe()).isZero();
        assertThat(list.stdout()).contains("full_backup_");
    }

    /** A sample left half-made by a run cut short (no completion mark) is built again, not backed up as it is. */
    @Test
    void aHalfMadeSampleIsBuiltAgain() throws Exception {
        Path dir = tmp.resolve("demo");
        Files.createDirectories(dir.resolve("storage/photos"));
        Files.writeString(dir.resolve("storage/photos/only-one.jpg"), "half");
        Files.writeString(dir.resolve("app_data.db"), "");
        Files.writeString(dir.resolve(".env"), "# written by 'archivist demo'\n"); // written before building

        CliProcess.Result r = new CliProcess(tmp).run("demo", "--dir", dir.toString());

        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.stdout()).contains("created sample application").contains("132 of 132 entries identical");
        assertThat(dir.resolve("storage/photos/only-one.jpg")).doesNotExist();
        CliProcess.Result again = new CliProcess(tmp).run("demo", "--dir", dir.toString());
        assertThat(again.exitCode()).as(again.describe()).isZero();
        assertThat(again.stdout()).contains("using existing sample application");
    }

    /** --dir naming a real application's folder: the demo refuses it rather than delete what it did not make. */
    @Test
    void aFolderWithDataTheDemoDidNotMakeIsLeftAlone() throws Exception {
        Path app = tmp.resolve("app");
        Files.createDirectories(app.resolve("storage"));
        Path photo = Files.writeString(app.resolve("storage/photo.jpg"), "the application's own");

        CliProcess.Result r = new CliProcess(tmp).run("demo", "--dir", app.toString());

        assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
        assertThat(r.stderr()).contains("did not make");
        assertThat(photo).hasContent("the application's own");
        assertThat(app.resolve("backups")).doesNotExist();
    }
}
