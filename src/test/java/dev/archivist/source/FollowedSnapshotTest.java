package dev.archivist.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archivist.ArchivistException;
import dev.archivist.testing.TestDb;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Following a snapshot while SQLite writes it yields exactly the finished copy, or says that it did not. */
class FollowedSnapshotTest {
    @TempDir
    Path tmp;

    @Test
    void bodyAndFirstPageAreTheFinishedCopy() throws Exception {
        Path db = TestDb.createBig(tmp.resolve("live.db"), TestDb.Mode.WAL, 24);
        int pageSize = SqliteSnapshot.headerPageSize(db);
        assertThat(pageSize).isEqualTo(4096);
        Path copy = tmp.resolve("copy.db");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] first;
        try (FollowedSnapshot f = FollowedSnapshot.start(db, copy, pageSize); InputStream in = f.body()) {
            in.transferTo(body);
            first = f.firstPage();
            assertThat(f.bodyMatches()).isTrue();
            assertThat(f.await().pageCount()).isEqualTo(Files.size(copy) / pageSize);
        }
        byte[] finished = Files.readAllBytes(copy);
        assertThat(first).isEqualTo(Arrays.copyOf(finished, pageSize));
        assertThat(body.toByteArray()).isEqualTo(Arrays.copyOfRange(finished, pageSize, finished.length));
        assertThat(TestDb.integrityCheck(copy)).isEqualTo("ok");
    }

    @Test
    void theScratchCopyAndTheFilesSqliteMakesBesideItAreForTheOwnerOnly() throws Exception {
        Path db = TestDb.createBig(tmp.resolve("live.db"), TestDb.Mode.WAL, 2);
        Path copy = tmp.resolve("copy.db");
        SqliteSnapshot.copy(db, copy);
        java.util.Set<java.nio.file.attribute.PosixFilePermission> ownerOnly =
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------");
        assertThat(Files.getPosixFilePermissions(copy)).isEqualTo(ownerOnly);
        // the copy is in WAL mode, as its source: opening it (the backup's quick_check does) makes its -wal and -shm
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + copy);
             java.sql.Statement st = c.createStatement()) {
            st.executeQuery("SELECT count(*) FROM sqlite_schema").close();
            for (String suffix : java.util.List.of("-wal", "-shm")) {
                Path beside = copy.resolveSibling(copy.getFileName() + suffix);
                assertThat(Files.getPosixFilePermissions(beside)).as(suffix).isEqualTo(ownerOnly);
            }
        }
    }

    @Test
    void aWrongPageSizeIsReportedAsAMismatch() throws Exception {
        Path db = TestDb.createBig(tmp.resolve("live.db"), TestDb.Mode.ROLLBACK, 2);
        try (FollowedSnapshot f = FollowedSnapshot.start(db, tmp.resolve("copy.db"), 1024); InputStream in = f.body()) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            assertThat(f.bodyMatches()).isFalse();
        }
    }

    @Test
    void aSourceThatIsNotSqliteFailsTheBodyWithTheReason() throws Exception {
        Path bogus = Files.writeString(tmp.resolve("bogus.db"), "not a database at all, just text ".repeat(500));
        try (FollowedSnapshot f = FollowedSnapshot.start(bogus, tmp.resolve("copy.db"), 4096)) {
            assertThatThrownBy(() -> {
                try (InputStream in = f.body()) {
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                }
            }).isInstanceOf(ArchivistException.class).hasMessageContaining("not a SQLite database");
        }
    }

    @Test
    void headerPageSizeIsZeroForAnythingButASqliteHeader() throws Exception {
        assertThat(SqliteSnapshot.headerPageSize(tmp.resolve("missing.db"))).isZero();
        assertThat(SqliteSnapshot.headerPageSize(Files.createFile(tmp.resolve("empty.db")))).isZero();
        assertThat(SqliteSnapshot.headerPageSize(Files.writeString(tmp.resolve("text.db"), "x".repeat(200)))).isZero();
        Path db = TestDb.create(tmp.resolve("small.db"), TestDb.Mode.WAL, 10, 10);
        TestDb.sqlite3(db, "PRAGMA journal_mode=delete; PRAGMA page_size=65536; VACUUM;");
        assertThat(SqliteSnapshot.headerPageSize(db)).isEqualTo(65536);
    }

    /**
     * Work registered to run after the copy runs even when the snapshot is closed right as the copy ends: closing
     * used to stop the threads as soon as the copy was done, and a task not yet handed to them then failed with
     * "rejected from ThreadPoolExecutor[Shutting down]" (a database backup failed its quick_check that way).
     */
    @Test
    void workAfterTheCopyRunsEvenWhenClosedAsTheCopyEnds() throws Exception {
        Path db = TestDb.createBig(tmp.resolve("live.db"), TestDb.Mode.WAL, 1);
        for (int round = 0; round < 20; round++) {
            Path copy = tmp.resolve("copy-" + round + ".db");
            java.util.List<java.util.concurrent.CompletableFuture<Integer>> after = new java.util.ArrayList<>();
            try (FollowedSnapshot f = FollowedSnapshot.start(db, copy, SqliteSnapshot.headerPageSize(db))) {
                for (int i = 0; i < 200; i++) {
                    int n = i;
                    after.add(f.afterCopy(info -> n));
                }
            }
            for (int i = 0; i < after.size(); i++) {
                assertThat(after.get(i).get()).isEqualTo(i);
            }
        }
    }
}
