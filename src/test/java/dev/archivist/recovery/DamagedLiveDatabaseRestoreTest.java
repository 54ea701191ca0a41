package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.source.SqliteSnapshot;
import dev.archivist.testing.CliProcess;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged live database is the usual reason to restore. No safety backup can be taken of it (it fails its check),
 * so the restore keeps its files as they were beside it and replaces it; a sound database keeps the normal path.
 */
class DamagedLiveDatabaseRestoreTest {
    @TempDir
    Path dir;

    /** Backs {@code f}'s database up, then overwrites it with {@code content}; returns its rows as backed up. */
    private static List<String> backedUpThenOverwritten(Fixture f, String content) throws Exception {
        f.service().backupDatabase(false);
        List<String> backedUp = Fixture.rows(f.db);
        Files.writeString(f.db, content);
        return backedUp;
    }

    @Test
    void restoresOverADamagedLiveDatabaseAndKeepsTheDamagedFiles() throws Exception {
        Fixture f = new Fixture(dir).database(3000);
        f.service().backupDatabase(false);
        List<String> backedUp = Fixture.rows(f.db);
        try (RandomAccessFile raf = new RandomAccessFile(f.db.toFile(), "rw")) { // garbage over pages 3..12
            byte[] junk = new byte[10 * 4096];
            Arrays.fill(junk, (byte) 0xAB);
            raf.seek(2 * 4096);
            raf.write(junk);
        }
        assertThat(SqliteSnapshot.check(f.db, false)).as("the live database is damaged").isNotEmpty();
        byte[] damaged = Files.readAllBytes(f.db);

        Fixture.Run r = f.cli("restore", "database", "latest", "--yes");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.stdout() + r.stderr()).contains("damaged-before-restore");
        assertThat(SqliteSnapshot.check(f.db, true)).isEmpty();
        assertThat(Fixture.rows(f.db)).isEqualTo(backedUp);
        try (var copies = Files.list(dir)) {
            List<Path> kept = copies.filter(p -> p.getFileName().toString().startsWith(f.db.getFileName()
                    + ".damaged-before-restore-") && !p.toString().endsWith("-wal")).toList();
            assertThat(kept).singleElement().satisfies(p -> assertThat(Files.readAllBytes(p)).isEqualTo(damaged));
        }
        assertThat(Fixture.names(dir)).noneMatch(n -> n.startsWith(".archivist-restore-"));
    }

    @Test
    void theNoteNamesWhatTheCheckFoundNotTheHeaderLineBeforeIt() throws Exception {
        Fixture f = new Fixture(dir).database(3000);
        f.service().backupDatabase(false);
        try (RandomAccessFile raf = new RandomAccessFile(f.db.toFile(), "rw")) { // cell pointers of a leaf page
            byte[] junk = new byte[3000];
            Arrays.fill(junk, (byte) 0xFF);
            raf.seek(5 * 4096 + 200);
            raf.write(junk);
        }
        assertThat(SqliteSnapshot.check(f.db, false)).as("the live database is damaged")
                .startsWith("*** in database main ***");

        Fixture.Run r = f.cli("restore", "database", "latest", "--yes");

        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.stdout()).contains("the live database failed its check (" + SqliteSnapshot.check(
                dir.resolve(f.db.getFileName() + ".damaged-before-restore-" + f.service().find("latest", null).id()),
                false).get(1) + ")").doesNotContain("*** in database main ***");
    }

    @Test
    void aDamagedDatabaseThatAnotherProcessHoldsOpenIsNotReplaced() throws Exception {
        Fixture f = new Fixture(dir).database(500);
        List<String> backedUp = backedUpThenOverwritten(f, "damaged beyond SQLite's recognition");
        byte[] damaged = Files.readAllBytes(f.db);
        // the application: a process with the database open, as a server with its connection pool would be; it says
        // "ready" once it holds it, and waits on its stdin. (Its fd 3 is no sign: the process's loader and bash's
        // locale files come and go at that number before the database is opened there.)
        Process app = new ProcessBuilder("bash", "-c", "exec 3<\"$1\"; echo ready; read", "app", f.db.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            assertThat(app.inputReader().readLine()).as("the application holds the database open").isEqualTo("ready");

            Fixture.Run r = f.cli("restore", "database", "latest", "--yes");
            assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
            assertThat(r.stderr()).contains("refused").contains(app.pid() + " (bash)").contains("stop the application");
            assertThat(Files.readAllBytes(f.db)).isEqualTo(damaged);
            assertThat(Fixture.names(dir)).noneMatch(n -> n.contains("damaged-before-restore") || n.startsWith(".archivist-restore-"));
        } finally {
            app.destroyForcibly().waitFor();
        }
        Fixture.Run again = f.cli("restore", "database", "latest", "--yes");
        assertThat(again.exitCode()).as(again.describe()).isZero();
        assertThat(Fixture.rows(f.db)).isEqualTo(backedUp);
    }

    @Test
    void aFileThatIsNotADatabaseAtAllIsReplacedToo() throws Exception {
        Fixture f = new Fixture(dir).database(200);
        List<String> backedUp = backedUpThenOverwritten(f, "this is not a SQLite database any more");
        Files.setAttribute(f.db, "unix:mode", 0640);
        boolean root = (Integer) Files.getAttribute(dir, "unix:uid") == 0;
        if (root) {
            Files.setAttribute(f.db, "unix:uid", 1234);
            Files.setAttribute(f.db, "unix:gid", 2345);
        }

        Fixture.Run r = f.cli("restore", "database", "latest", "--yes");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(Fixture.rows(f.db)).isEqualTo(backedUp);
        // the replacement is a new file: it takes over the replaced file's mode (and as root its owner)
        assertThat((Integer) Files.getAttribute(f.db, "unix:mode") & 0777).isEqualTo(0640);
        if (root) {
            assertThat(Files.getAttribute(f.db, "unix:uid")).isEqualTo(1234);
            assertThat(Files.getAttribute(f.db, "unix:gid")).isEqualTo(2345);
        }
    }

    /**
     * The database's folder may be the application's user's: links it put at the damaged database's -wal and
     * -journal names, to files only root may read, are not copied beside it (their content would be the user's to
     * read); the links are removed with the sidecars, what they lead to stays as it was.
     */
    @Test
    void linksAtTheDamagedDatabasesJournalNamesAreNotCopied() throws Exception {
        Fixture f = new Fixture(dir).database(200);
        List<String> backedUp = backedUpThenOverwritten(f, "damaged beyond reading");
        Path roots = Files.writeString(Files.createDirectories(dir.resolve("roots-only")).resolve("secret"), "ROOT-ONLY");
        Files.createSymbolicLink(f.db.resolveSibling(f.db.getFileName() + "-wal"), roots);
        Files.createSymbolicLink(f.db.resolveSibling(f.db.getFileName() + "-journal"), roots);

        Fixture.Run r = f.cli("restore", "database", "latest", "--yes");

        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(Fixture.rows(f.db)).isEqualTo(backedUp);
        assertThat(Fixture.names(dir)).filteredOn(n -> n.contains("damaged-before-restore")).singleElement()
                .asString().doesNotEndWith("-wal").doesNotEndWith("-journal");
        assertThat(roots).hasContent("ROOT-ONLY");
    }

    @Test
    void aSoundLiveDatabaseStillGetsASafetyBackup() throws Exception {
        Fixture f = new Fixture(dir).database(200);
        f.service().backupDatabase(false);
        Fixture.Run r = f.cli("restore", "database", "latest", "--yes");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(f.service().list(dev.archivist.BackupType.DATABASE)).anyMatch(dev.archivist.catalog.Manifest::preRestore);
        assertThat(Fixture.names(dir)).noneMatch(n -> n.contains("damaged-before-restore"));
    }

    /**
     * A sound database in SQLite's default journal mode, whose application holds a write transaction for the whole
     * restore, cannot be read: busy is not damaged, so the restore is refused and the database and the application's
     * commit are left alone (it was once replaced, without a safety copy, under the application's open transaction).
     */
    @Test
    void aSoundLiveDatabaseLockedByItsApplicationIsNeverTakenForDamaged() throws Exception {
        Fixture f = new Fixture(dir).database(200);
        f.service().backupDatabase(false);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f.db); Statement st = c.createStatement()) {
            st.execute("PRAGMA journal_mode=DELETE"); // SQLite's default: a writer's lock keeps every reader out
        }
        try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + f.db); Statement st = app.createStatement()) {
            st.execute("BEGIN EXCLUSIVE");
            st.execute("CREATE TABLE written_during_the_restore(x)");
            st.execute("INSERT INTO written_during_the_restore VALUES (42)");
            CliProcess.Result r = f.process().run("restore", "database", "latest", "--yes");
            assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
            assertThat(r.stderr()).contains("another connection kept the database locked")
                    .contains("refused").contains("the live database was left as it was");
            st.execute("COMMIT");
        }
        assertThat(Fixture.names(dir)).noneMatch(n -> n.contains("damaged-before-restore"));
        assertThat(SqliteSnapshot.check(f.db, true)).isEmpty();
        assertThat(Fixture.rows(f.db)).as("the application's commit is in the live database")
                .contains("written_during_the_restore|42");
    }
}
