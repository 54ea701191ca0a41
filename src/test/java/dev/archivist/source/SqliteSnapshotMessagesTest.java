package dev.archivist.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.archivist.testing.TestDb;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SQLite's errors, as SQLite raises them, described so that an operator knows what happened and what to do. */
class SqliteSnapshotMessagesTest {
    @TempDir
    Path dir;

    @Test
    void aDatabaseLockedByAnotherConnectionSaysSoAndWhatToDo() throws Exception {
        Path db = TestDb.create(dir.resolve("app.db"), TestDb.Mode.ROLLBACK, 10, 10);
        try (Connection holder = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement st = holder.createStatement()) {
            st.execute("BEGIN EXCLUSIVE");
            SQLException busy;
            try (Connection reader = DriverManager.getConnection("jdbc:sqlite:" + db);
                 Statement rs = reader.createStatement()) {
                busy = catchThrowableOfType(() -> rs.executeQuery("SELECT count(*) FROM sqlite_schema"), SQLException.class);
            }
            assertThat((Throwable) busy).as("the lock is held").isNotNull();
            assertThat(SqliteSnapshot.describe(busy))
                    .startsWith("another connection kept the database locked")
                    .contains("try again when it is idle");
            st.execute("ROLLBACK");
        }
    }

    /** A full disk reaches SQLite's shared-memory file first near the limit: said as a full disk, not an I/O error. */
    @Test
    void aSharedMemoryFileThatCannotGrowIsAFullDisk() {
        String sqlite = "[SQLITE_IOERR_SHMSIZE] I/O error within the xShmMap method (disk I/O error)"; // as sqlite-jdbc words it
        assertThat(SqliteSnapshot.describe(new SQLException(sqlite))).isEqualTo("no space left on device (" + sqlite + ")");
        assertThat(SqliteSnapshot.describe(new SQLException("[SQLITE_FULL] Insertion failed because database is full")))
                .startsWith("no space left on device");
        assertThat(SqliteSnapshot.describe(new SQLException("[SQLITE_IOERR_READ] disk I/O error"))).doesNotContain("space");
    }
}
