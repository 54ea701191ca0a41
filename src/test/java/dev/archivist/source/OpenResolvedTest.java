package dev.archivist.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archivist.testing.TestDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live database a restore writes into is opened by its real path, refusing a link on it: one a user swapped in at
 * its name (to another database, root's) fails the open instead of having root write into where it leads.
 */
class OpenResolvedTest {
    @TempDir
    Path dir;

    @Test
    void aDatabaseOpensByItsRealPathAndALinkInItsPlaceIsRefused() throws Exception {
        Path db = dir.resolve("app.db");
        TestDb.create(db, TestDb.Mode.WAL, 2, 10);
        try (Connection c = SqliteSnapshot.openResolved(db); ResultSet rs = c.createStatement()
                .executeQuery("SELECT count(*) FROM sqlite_schema")) {
            assertThat(rs.next()).isTrue();
        }

        Path roots = dir.resolve("roots.db");
        TestDb.create(roots, TestDb.Mode.WAL, 2, 10);
        long before = Files.size(roots);
        Path link = Files.createSymbolicLink(dir.resolve("swapped.db"), roots);

        assertThatThrownBy(() -> SqliteSnapshot.openResolved(link).close()).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> SqliteSnapshot.openResolved(dir.resolve("gone.db")).close())
                .isInstanceOf(SQLException.class);
        assertThat(dir.resolve("gone.db")).as("an existing file only").doesNotExist();
        assertThat(Files.size(roots)).isEqualTo(before);
    }
}
